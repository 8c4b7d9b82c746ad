package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.cutover.kit.Futures;
import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.TableValidation;
import io.cutover.validation.application.DataValidation;

/**
 * Compares content inside the databases. A table with a primary key is cut into ranges of about {@value #CHUNK}
 * keys; each side hashes each range (count and XOR of 64-bit row hashes) at the same time; a range that differs is
 * compared key by key to name the rows missing on the target, extra on the target, or different (with the
 * columns). A table without a primary key is compared as a multiset of rows, through hash buckets.
 */
public final class PostgresContentValidation implements DataValidation {

    /** Keys per hashed range. */
    public static final int CHUNK_ROWS = 10_000;
    static final int CHUNK = CHUNK_ROWS;
    static final int EXAMPLES = 10;
    /** Keys compared per query when only some rows are compared. */
    static final int KEYS_PER_QUERY = 1_000;
    /** Tables of selected keys compared at once. */
    static final int TABLES_AT_ONCE = 4;
    /** Differing keys a baseline pass keeps per table; beyond them the next pass compares the whole table. */
    static final int MAX_RECHECK = 100_000;

    private final int threads;
    private final Pace pace;

    /** @param threads connections per side working at once */
    public PostgresContentValidation(int threads) {
        this(threads, Pace.NONE);
    }

    private PostgresContentValidation(int threads, Pace pace) {
        this.threads = threads;
        this.pace = pace;
    }

    /**
     * Paced, with half the connections: a query already running goes on while the pace holds the next ones, and
     * fewer of them leave the stream more of the servers (on the local stack at 1,000 transactions/s, the full pass
     * took no longer with one connection per side than with two, and held back the stream less).
     */
    @Override
    public DataValidation paced(Pace pace) {
        return new PostgresContentValidation(Math.max(1, threads / 2), pace);
    }

    @Override
    public List<TableValidation> validate(DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                                          Progress progress) throws Exception {
        return baseline(source, target, wanted, progress).tables();
    }

    @Override
    public Pass baseline(DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                         Progress progress) throws Exception {
        List<String> tables;
        Map<String, Long> estimated;
        try (Connection c = Databases.open(source)) {
            tables = Databases.tables(c, wanted);
            estimated = estimate(c, tables);
        }
        progress.set("rowsEstimated", estimated.values().stream().mapToLong(Long::longValue).sum());
        progress.set("tables", tables.size());
        startPass(progress);
        List<TableValidation> results = new ArrayList<>();
        Map<String, ChangedKeys.Selection> recheck = new LinkedHashMap<>();
        try (Side src = new Side(source, threads, pace); Side tgt = new Side(target, threads, pace)) {
            for (String table : tables) {
                TableCheck check = new TableCheck(src, tgt, table, progress, estimated.get(table));
                TableValidation result = check.run();
                results.add(result);
                if (!DataValidation.equal(result)) {
                    recheck.put(table, check.recheck());
                }
                progress.add("tablesDone", 1);
            }
        }
        return new Pass(results, recheck);
    }

    @Override
    public Pass validateSelection(DatabaseEndpoint source, DatabaseEndpoint target, Selector selector,
                                  Progress progress) throws Exception {
        List<TableValidation> results = new ArrayList<>();
        Map<String, ChangedKeys.Selection> differing = new LinkedHashMap<>();
        try (Side src = new Side(source, threads, pace); Side tgt = new Side(target, threads, pace)) {
            // every connection of both sides opens at once, while one of the target's reads the selection
            src.openAll();
            tgt.openAll();
            Map<String, ChangedKeys.Selection> selected = Futures.await(tgt.submit(selector::select));
            progress.set("tables", selected.size());
            progress.set("rowsEstimated", selected.values().stream().mapToLong(s -> s.keys().size()).sum());
            startPass(progress);
            // and every table's shape is asked for before the first table is compared
            Map<String, List<Future<TableShape>>> shapes = new LinkedHashMap<>();
            for (String table : selected.keySet()) {
                shapes.put(table, List.of(src.submit(c -> TableShape.of(c, table)),
                        tgt.submit(c -> TableShape.of(c, table))));
            }
            // the tables of selected keys are compared side by side (at the switch, a query or two per side each),
            // while the tables compared whole go one after the other here
            ExecutorService tablesAtOnce = Executors.newFixedThreadPool(Math.max(1, Math.min(TABLES_AT_ONCE,
                    selected.size())), r -> {
                Thread t = new Thread(r, "cutover-validate-tables");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, TableCheck> checks = new LinkedHashMap<>();
                Map<String, Future<TableValidation>> keyed = new HashMap<>();
                for (Map.Entry<String, ChangedKeys.Selection> e : selected.entrySet()) {
                    TableCheck check = new TableCheck(src, tgt, e.getKey(), progress, e.getValue().keys().size());
                    checks.put(e.getKey(), check);
                    List<Future<TableShape>> shape = shapes.get(e.getKey());
                    if (!e.getValue().whole()) {
                        keyed.put(e.getKey(), tablesAtOnce.submit(() -> check.runKeys(e.getValue().keys(),
                                Futures.await(shape.get(0)), Futures.await(shape.get(1)))));
                    }
                }
                for (Map.Entry<String, TableCheck> e : checks.entrySet()) {
                    Future<TableValidation> running = keyed.get(e.getKey());
                    TableValidation result = running == null ? e.getValue().run() : Futures.await(running);
                    results.add(result);
                    if (!DataValidation.equal(result)) {
                        differing.put(e.getKey(), e.getValue().recheck());
                    }
                    progress.add("tablesDone", 1);
                }
            } finally {
                tablesAtOnce.shutdownNow();
            }
        }
        return new Pass(results, differing);
    }

    /**
     * The figures of a pass count from zero: a step that runs several (the baseline and its rounds) reports each
     * one's rows compared against its own estimate, not the rows of the passes before against this one's.
     */
    private static void startPass(Progress progress) {
        progress.set("rowsCompared", 0);
        progress.set("tablesDone", 0);
        progress.set("startedAtMillis", System.currentTimeMillis());
    }

    /**
     * Rows to compare per table, from the planner's statistics: enough for an ETA until a table's exact count comes,
     * not used for any verdict.
     */
    private static Map<String, Long> estimate(Connection c, List<String> tables) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
            for (String t : tables) {
                ps.setString(1, Databases.qualified(t));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    /** The comparison of one table. */
    private static final class TableCheck {

        private final Side src;
        private final Side tgt;
        private final String table;
        private final Progress progress;
        private final long estimated;
        private final List<String> examples = new ArrayList<>();
        private long missing;
        private long extra;
        private long different;
        /** Every differing key, up to MAX_RECHECK; beyond it, or for a keyless table, the whole table. */
        private final Set<List<String>> differingKeys = new LinkedHashSet<>();
        private boolean whole;

        /** estimated: the rows the pass's estimate counts for this table, set right by the table's exact count. */
        TableCheck(Side src, Side tgt, String table, Progress progress, long estimated) {
            this.src = src;
            this.tgt = tgt;
            this.table = table;
            this.progress = progress;
            this.estimated = estimated;
        }

        TableValidation run() throws Exception {
            long started = System.nanoTime();
            String count = "SELECT count(*) FROM " + Databases.qualified(table);
            Future<Long> sourceRows = src.submit(c -> single(c, count));
            Future<Long> targetRows = tgt.submit(c -> single(c, count));
            TableShape source = Futures.await(src.submit(c -> TableShape.of(c, table)));
            TableShape target = Futures.await(tgt.submit(c -> TableShape.of(c, table)));
            TableShape shape = source.sameKeyCollations(target) ? source : source.inByteOrder();
            progress.summary("comparing " + table);
            long rows = Futures.await(sourceRows);
            // the planner's estimate, or the selection's keys for a table compared whole, gives way to the count:
            // "of about" no longer falls behind what was compared on a table that grew since its statistics
            progress.add("rowsEstimated", rows - estimated);
            int ranges = shape.keys().isEmpty() ? compareMultiset(shape, rows) : compareRanges(shape, rows);
            return new TableValidation(table, rows, Futures.await(targetRows), rows, ranges, missing, extra, different,
                    (System.nanoTime() - started) / 1_000_000, List.copyOf(examples));
        }

        /** What a later pass must compare again of this table. */
        ChangedKeys.Selection recheck() {
            return new ChangedKeys.Selection(whole || differingKeys.size() >= MAX_RECHECK, Set.copyOf(differingKeys));
        }

        /**
         * Compares only the rows with these keys, fetched by key on both sides at once, chunk by chunk; the next
         * chunks are already asked for while one is compared, so that every connection of both sides works.
         */
        TableValidation runKeys(Set<List<String>> keys, TableShape source, TableShape target) throws Exception {
            long started = System.nanoTime();
            TableShape shape = source.sameKeyCollations(target) ? source : source.inByteOrder();
            if (shape.keys().isEmpty()) {
                return run();
            }
            String sql = "SELECT " + shape.keysAsText() + ", " + shape.rowHash() + " FROM " + shape.from()
                    + " WHERE " + shape.keyTuple() + " IN (SELECT * FROM unnest(" + shape.keyArrays() + "))";
            List<List<String>> all = new ArrayList<>(keys);
            List<List<List<String>>> chunks = new ArrayList<>();
            for (int from = 0; from < all.size(); from += KEYS_PER_QUERY) {
                chunks.add(all.subList(from, Math.min(all.size(), from + KEYS_PER_QUERY)));
            }
            int ahead = 2 * src.threads();
            Deque<Future<Map<List<String>, Long>>> sourceRows = new ArrayDeque<>();
            Deque<Future<Map<List<String>, Long>>> targetRows = new ArrayDeque<>();
            long foundOnSource = 0;
            long foundOnTarget = 0;
            int asked = 0;
            for (int i = 0; i < chunks.size(); i++) {
                for (; asked < chunks.size() && asked < i + ahead; asked++) {
                    List<List<String>> next = chunks.get(asked);
                    sourceRows.add(src.submit(c -> hashesOf(c, sql, next, shape)));
                    targetRows.add(tgt.submit(c -> hashesOf(c, sql, next, shape)));
                }
                Map<List<String>, Long> s = Futures.await(sourceRows.poll());
                Map<List<String>, Long> t = Futures.await(targetRows.poll());
                foundOnSource += s.size();
                foundOnTarget += t.size();
                compareKeyed(shape, s, t);
                compared(chunks.get(i).size());
            }
            return new TableValidation(table, foundOnSource, foundOnTarget, (long) all.size(), chunks.size(), missing,
                    extra, different, (System.nanoTime() - started) / 1_000_000, List.copyOf(examples));
        }

        private static Map<List<String>, Long> hashesOf(Connection c, String sql, List<List<String>> keys,
                                                        TableShape shape) throws SQLException {
            Map<List<String>, Long> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < shape.keys().size(); i++) {
                    int column = i;
                    ps.setArray(i + 1, c.createArrayOf("text", keys.stream().map(k -> k.get(column)).toArray()));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(row(rs, shape.keys().size(), 0), rs.getLong(shape.keys().size() + 1));
                    }
                }
            }
            return rows;
        }

        // ---- tables with a primary key ----

        private int compareRanges(TableShape shape, long rows) throws Exception {
            List<KeyRange> ranges = shape.integerLeadingKey() ? integerRanges(shape, rows) : null;
            if (ranges == null) {
                ranges = ranges(shape, Futures.await(src.submit(c -> boundaries(c, shape))));
            }
            String sql = "SELECT count(*), coalesce(bit_xor(" + shape.rowHash() + "), 0) FROM " + shape.from()
                    + " WHERE ";
            List<Future<long[]>> sourceHashes = new ArrayList<>();
            List<Future<long[]>> targetHashes = new ArrayList<>();
            for (KeyRange r : ranges) {
                sourceHashes.add(src.submit(c -> countAndHash(c, sql + r.where(shape), r)));
                targetHashes.add(tgt.submit(c -> countAndHash(c, sql + r.where(shape), r)));
            }
            int hashed = ranges.size();
            for (int i = 0; i < ranges.size(); i++) {
                long[] s = Futures.await(sourceHashes.get(i));
                long[] t = Futures.await(targetHashes.get(i));
                compared(s[0]);
                if (s[0] != t[0] || s[1] != t[1]) {
                    hashed += narrow(shape, sql, ranges.get(i), Math.max(s[0], t[0]));
                }
            }
            return hashed;
        }

        /**
         * Names the differing rows of a range. A range cut by value can hold far more rows than CHUNK when keys are
         * skewed; such a range is halved by value and each half hashed again, down to a size that is compared key
         * by key. Returns how many more ranges were hashed.
         */
        private int narrow(TableShape shape, String sql, KeyRange range, long rows) throws Exception {
            if (rows <= 4L * CHUNK || !shape.integerLeadingKey() || range.from() == null || range.to() == null) {
                drill(shape, range);
                return 0;
            }
            long lo = Long.parseLong(range.from().get(0));
            long hi = Long.parseLong(range.to().get(0));
            if (hi - lo <= 1) {
                drill(shape, range);
                return 0;
            }
            String mid = Long.toString(lo + (hi - lo) / 2);
            int hashed = 2;
            for (KeyRange half : List.of(new KeyRange(range.from(), List.of(mid)), new KeyRange(List.of(mid), range.to()))) {
                Future<long[]> s = src.submit(c -> countAndHash(c, sql + half.where(shape), half));
                Future<long[]> t = tgt.submit(c -> countAndHash(c, sql + half.where(shape), half));
                long[] a = Futures.await(s);
                long[] b = Futures.await(t);
                if (a[0] != b[0] || a[1] != b[1]) {
                    hashed += narrow(shape, sql, half, Math.max(a[0], b[0]));
                }
            }
            return hashed;
        }

        /**
         * For a key whose first column is an integer, ranges of equal width on that column between its smallest and
         * largest value on either side, wide enough for about CHUNK source rows each: two index lookups instead of
         * a scan for boundaries. Null for a composite key whose leading column has too few values for that (ranges
         * of over 1.25 CHUNK rows on average): the caller cuts at boundaries then.
         */
        private List<KeyRange> integerRanges(TableShape shape, long rows) throws Exception {
            String leading = shape.keyTuple(1);
            String sql = "SELECT min(" + leading + "), max(" + leading + ") FROM " + shape.from();
            Future<long[]> s = src.submit(c -> minMax(c, sql));
            Future<long[]> t = tgt.submit(c -> minMax(c, sql));
            long[] a = Futures.await(s);
            long[] b = Futures.await(t);
            long min = Math.min(a[0], b[0]);
            long max = Math.max(a[1], b[1]);
            if (min > max) {
                return List.of(new KeyRange(null, null));
            }
            long span = max - min + 1;
            long width = Math.max(1, (long) Math.ceil((double) span * CHUNK / Math.max(1, rows)));
            long count = span / width + (span % width == 0 ? 0 : 1);
            if (shape.keys().size() > 1 && span > 0 && rows > count * (CHUNK + CHUNK / 4)) {
                // too few values in the leading column (a worker or tenant id, say): whole values per range would
                // make ranges of many more than CHUNK rows, each compared key by key once it differs
                return null;
            }
            // closed at both ends (every key of either side lies in [min, max + 1)), so that any range can be halved
            List<KeyRange> ranges = new ArrayList<>();
            for (long from = min; from <= max && from >= min; from += width) {
                long to = from + width > max || from + width < from ? max + 1 : from + width;
                ranges.add(new KeyRange(List.of(Long.toString(from)), List.of(Long.toString(to))));
            }
            return ranges;
        }

        private static long[] minMax(Connection c, String sql) throws SQLException {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getObject(1) == null ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE}
                        : new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }

        /** Every CHUNK-th key of the source, in key order: the starts of all ranges but the first. */
        private static List<List<String>> boundaries(Connection c, TableShape shape) throws SQLException {
            String keys = String.join(", ", shape.keys().stream().map(Databases::quote).toList());
            String sql = "SELECT " + shape.keysAsText() + " FROM (SELECT " + keys + ", row_number() OVER (ORDER BY "
                    + shape.keyOrder() + ") AS cutover_rn FROM " + shape.from() + ") s WHERE cutover_rn % " + CHUNK
                    + " = 1 AND cutover_rn > 1 ORDER BY cutover_rn";
            List<List<String>> bounds = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    bounds.add(row(rs, shape.keys().size(), 0));
                }
            }
            return bounds;
        }

        private static List<KeyRange> ranges(TableShape shape, List<List<String>> bounds) {
            List<KeyRange> ranges = new ArrayList<>();
            List<String> from = null;
            for (List<String> b : bounds) {
                ranges.add(new KeyRange(from, b));
                from = b;
            }
            ranges.add(new KeyRange(from, null));
            return ranges;
        }

        /** Compares one range key by key. */
        private void drill(TableShape shape, KeyRange range) throws Exception {
            String sql = "SELECT " + shape.keysAsText() + ", " + shape.rowHash() + " FROM " + shape.from()
                    + " WHERE " + range.where(shape) + " ORDER BY " + shape.keyOrder();
            Future<Map<List<String>, Long>> s = src.submit(c -> keyedHashes(c, sql, range, shape));
            Future<Map<List<String>, Long>> t = tgt.submit(c -> keyedHashes(c, sql, range, shape));
            compareKeyed(shape, Futures.await(s), Futures.await(t));
        }

        /** Names the rows missing on the target, extra on it, or different, and keeps their keys. */
        private void compareKeyed(TableShape shape, Map<List<String>, Long> source, Map<List<String>, Long> target)
                throws Exception {
            for (var e : source.entrySet()) {
                Long other = target.get(e.getKey());
                if (other == null || !other.equals(e.getValue())) {
                    differingKeys.add(e.getKey());
                }
                if (other == null) {
                    missing++;
                    example("missing on the target: " + shape.describeKey(e.getKey()));
                } else if (!other.equals(e.getValue())) {
                    different++;
                    if (examples.size() < EXAMPLES) {
                        example("different: " + shape.describeKey(e.getKey()) + " ("
                                + differingColumns(shape, e.getKey()) + ")");
                    }
                }
            }
            for (List<String> key : target.keySet()) {
                if (!source.containsKey(key)) {
                    differingKeys.add(key);
                    extra++;
                    example("extra on the target: " + shape.describeKey(key));
                }
            }
        }

        /**
         * "columns a, b": those that differ, read again from both sides. A row read again may have changed in
         * between (a baseline compares while the sync runs): then it says so, rather than name no column.
         */
        private String differingColumns(TableShape shape, List<String> key) throws Exception {
            String sql = "SELECT " + shape.columnsAsText() + " FROM " + shape.from() + " WHERE " + shape.keyTuple()
                    + " = " + shape.keyParameters();
            Side.Query<List<String>> read = c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < key.size(); i++) {
                        ps.setString(i + 1, key.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? row(rs, shape.columns().size(), 0) : null;
                    }
                }
            };
            List<String> s = Futures.await(src.submit(read));
            List<String> t = Futures.await(tgt.submit(read));
            if (s == null || t == null) {
                return "gone from the " + (s == null ? "source" : "target") + " when read again: it changed while"
                        + " compared";
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                if (!Objects.equals(s.get(i), t.get(i))) {
                    names.add(shape.columns().get(i));
                }
            }
            return names.isEmpty() ? "equal when read again: it changed while compared"
                    : "columns " + String.join(", ", names);
        }

        // ---- tables without a primary key: rows as a multiset ----

        private int compareMultiset(TableShape shape, long rows) throws Exception {
            whole = true; // no key to name a row by: a later pass compares the whole table again
            int buckets = Integer.highestOneBit((int) Math.min(4096, Math.max(1, rows / CHUNK)) * 2 - 1);
            String sql = "SELECT (h & " + (buckets - 1) + ")::int, count(*), sum(h::numeric)::text FROM (SELECT "
                    + shape.rowHash() + " AS h FROM " + shape.from() + ") s GROUP BY 1";
            Future<Map<Integer, String>> s = src.submit(c -> bucketSums(c, sql));
            Future<Map<Integer, String>> t = tgt.submit(c -> bucketSums(c, sql));
            Map<Integer, String> source = Futures.await(s);
            Map<Integer, String> target = Futures.await(t);
            compared(rows);
            for (int b = 0; b < buckets; b++) {
                if (!Objects.equals(source.get(b), target.get(b))) {
                    drillBucket(shape, buckets, b);
                }
            }
            return buckets;
        }

        private void drillBucket(TableShape shape, int buckets, int bucket) throws Exception {
            String sql = "SELECT " + shape.rowText() + ", count(*) FROM " + shape.from() + " WHERE ("
                    + shape.rowHash() + " & " + (buckets - 1) + ") = " + bucket + " GROUP BY 1 ORDER BY 1";
            Side.Query<Map<String, Long>> read = c -> {
                Map<String, Long> rows = new LinkedHashMap<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return rows;
            };
            Map<String, Long> source = Futures.await(src.submit(read));
            Map<String, Long> target = Futures.await(tgt.submit(read));
            for (var e : source.entrySet()) {
                long surplus = e.getValue() - target.getOrDefault(e.getKey(), 0L);
                if (surplus > 0) {
                    missing += surplus;
                    example("missing on the target (" + surplus + "x): " + abbreviate(e.getKey()));
                }
            }
            for (var e : target.entrySet()) {
                long surplus = e.getValue() - source.getOrDefault(e.getKey(), 0L);
                if (surplus > 0) {
                    extra += surplus;
                    example("extra on the target (" + surplus + "x): " + abbreviate(e.getKey()));
                }
            }
        }

        // ---- helpers ----

        /** Counts compared rows and keeps the ETA current for the beat: the rest at the rate so far. */
        private void compared(long rows) {
            progress.add("rowsCompared", rows);
            long done = progress.get("rowsCompared");
            long elapsed = System.currentTimeMillis() - progress.get("startedAtMillis");
            long left = Math.max(0, progress.get("rowsEstimated") - done);
            progress.set("etaSeconds", done == 0 ? -1 : left * elapsed / done / 1000);
            progress.summary(String.format("comparing %s: %,d of about %,d rows compared", table, done,
                    progress.get("rowsEstimated")));
        }

        private void example(String text) {
            if (examples.size() < EXAMPLES) {
                examples.add(text);
            }
        }

        private static long[] countAndHash(Connection c, String sql, KeyRange range) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                range.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            }
        }

        private static Map<List<String>, Long> keyedHashes(Connection c, String sql, KeyRange range,
                                                           TableShape shape) throws SQLException {
            Map<List<String>, Long> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                range.bind(ps, 1);
                ps.setFetchSize(CHUNK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(row(rs, shape.keys().size(), 0), rs.getLong(shape.keys().size() + 1));
                    }
                }
            }
            return rows;
        }

        private static Map<Integer, String> bucketSums(Connection c, String sql) throws SQLException {
            Map<Integer, String> sums = new HashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    sums.put(rs.getInt(1), rs.getLong(2) + ":" + rs.getString(3));
                }
            }
            return sums;
        }

        private static List<String> row(ResultSet rs, int columns, int offset) throws SQLException {
            List<String> values = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                values.add(rs.getString(offset + i));
            }
            return values;
        }

        private static long single(Connection c, String sql) throws SQLException {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private static String abbreviate(String row) {
            return row.length() > 200 ? row.substring(0, 200) + "..." : row;
        }
    }
}
