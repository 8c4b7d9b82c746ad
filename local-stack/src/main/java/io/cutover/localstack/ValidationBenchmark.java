package io.cutover.localstack;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cutover.kit.Progress;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.TableValidation;
import io.cutover.validation.adapter.jdbc.PostgresContentValidation;

/**
 * Figures for data validation on the databases of a finished cutover: the database-side floor (each side hashes
 * its rows with hashtextextended per 10k-row key range, both at once), Cutover's full validation, the extra time
 * of drilling into one differing chunk, and the rate of exact counts. Medians of several rounds.
 */
final class ValidationBenchmark {

    private static final int ROUNDS = 5;
    /** The source is fenced (read-only) after an offline cutover; the benchmark's own tables need writes. */
    private static final String READ_WRITE = "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE";
    /** Each table of the sample with the integer column its key ranges are cut on. */
    private static final Map<String, String> RANGE_COLUMN = Map.of("public.customers", "id", "public.products", "id",
            "public.orders", "id", "public.order_items", "order_id", "public.events", "id");
    private static final String DRILL_TABLE = "public.bench_probe";

    private ValidationBenchmark() {
    }

    static void run(PrintStream out, DatabaseServers db, String database, int threads) throws Exception {
        out.println();
        out.println("Validation with " + threads + " connection(s) per side:");
        DatabaseEndpoint source = EmbeddedDatabases.endpoint(db.sourcePort(), database);
        DatabaseEndpoint target = EmbeddedDatabases.endpoint(db.targetPort(), database);
        PostgresContentValidation validation = new PostgresContentValidation(threads);
        List<Long> floor = new ArrayList<>();
        List<Long> ours = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Long> equalTable = new ArrayList<>();
        List<Long> drilledTable = new ArrayList<>();
        long rows = 0;
        long floorRows = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            floorRows = both(db, database, ValidationBenchmark::hashByRange);
            floor.add(millisSince(started));

            started = System.nanoTime();
            List<TableValidation> results = validation.validate(source, target, List.of(), new Progress());
            ours.add(millisSince(started));
            rows = results.stream().mapToLong(TableValidation::getRowsCompared).sum();
            if (round == ROUNDS - 1) {
                results.forEach(r -> out.printf("    %-20s %,9d rows %4d ranges %6d ms%n", r.getTable(),
                        r.getRowsCompared(), r.getRanges(), r.getDurationMillis()));
            }

            started = System.nanoTime();
            both(db, database, ValidationBenchmark::countAll);
            counts.add(millisSince(started));
        }
        // one 10k-row chunk on both sides, so that the drill-down is not lost in the noise of a whole table
        for (int port : new int[] {db.sourcePort(), db.targetPort()}) {
            try (Connection c = EmbeddedDatabases.connect(port, database); Statement st = c.createStatement()) {
                st.execute(READ_WRITE);
                st.execute("DROP TABLE IF EXISTS bench_probe");
                st.execute("CREATE TABLE bench_probe AS SELECT * FROM orders WHERE id <= 10000");
                st.execute("ALTER TABLE bench_probe ADD PRIMARY KEY (id)");
            }
        }
        try (Connection t = db.target(database); Statement st = t.createStatement()) {
            for (int round = 0; round < 3 * ROUNDS; round++) {
                st.execute("UPDATE bench_probe SET note = (SELECT note FROM orders WHERE id = 4242) WHERE id = 4242");
                equalTable.add(time(() -> validation.validate(source, target, List.of(DRILL_TABLE), new Progress())));
                st.execute("UPDATE bench_probe SET note = 'tampered' WHERE id = 4242");
                drilledTable.add(time(() -> validation.validate(source, target, List.of(DRILL_TABLE),
                        new Progress())));
            }
        }
        for (int port : new int[] {db.sourcePort(), db.targetPort()}) {
            try (Connection c = EmbeddedDatabases.connect(port, database); Statement st = c.createStatement()) {
                st.execute(READ_WRITE);
                st.execute("DROP TABLE bench_probe");
            }
        }
        out.println();
        out.printf("Validation benchmark (%d rounds, medians; source and target hashed at the same time):%n", ROUNDS);
        out.printf("  floor: hashtextextended per 10k-row key range, %,d rows of %d tables:  %6.2f s  %,10.0f rows/s%n",
                floorRows, RANGE_COLUMN.size(), median(floor) / 1000.0, floorRows * 1000.0 / median(floor));
        out.printf("  Cutover full validation (counts, ranges, all 5 tables), %,d rows:      %6.2f s  %,10.0f rows/s%n",
                rows, median(ours) / 1000.0, rows * 1000.0 / median(ours));
        double floorRate = floorRows * 1000.0 / median(floor);
        double ourRate = rows * 1000.0 / median(ours);
        out.printf("  Cutover / floor: %.2fx%n", ourRate / floorRate);
        out.printf("  drill-down into one differing 10k chunk: %d ms (one-chunk table validated in %d ms with a "
                + "differing row, %d ms without)%n", median(drilledTable) - median(equalTable), median(drilledTable),
                median(equalTable));
        out.printf("  exact counts, both sides at once: %,d rows in %d ms: %,.0f rows/s%n", rows, median(counts),
                rows * 1000.0 / Math.max(1, median(counts)));
    }

    /** The floor: per range of about 10k rows, count and XOR of row hashes, one connection per side. */
    private static long hashByRange(Connection c) throws SQLException {
        long rows = 0;
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            for (var e : RANGE_COLUMN.entrySet()) {
                String table = e.getKey();
                String column = e.getValue();
                long count = single(st, "SELECT count(*) FROM " + table);
                long max = single(st, "SELECT coalesce(max(" + column + "), 0) FROM " + table);
                long width = Math.max(1, (max + 1) * PostgresContentValidation.CHUNK_ROWS / Math.max(1, count));
                for (long from = 0; from <= max; from += width) {
                    rows += single(st, "SELECT count(*) + 0 * coalesce(bit_xor(hashtextextended(t::text, 0)), 0) "
                            + "FROM " + table + " t WHERE " + column + " >= " + from + " AND " + column + " < "
                            + (from + width));
                }
            }
        }
        return rows;
    }

    private static long countAll(Connection c) throws SQLException {
        long rows = 0;
        try (Statement st = c.createStatement()) {
            for (String table : List.of("customers", "products", "orders", "order_items", "events")) {
                rows += single(st, "SELECT count(*) FROM " + table);
            }
        }
        return rows;
    }

    /** Runs the work on source and target at the same time; returns the source's result. */
    private static long both(DatabaseServers db, String database, SqlWork work) throws Exception {
        CompletableFuture<Long> s = CompletableFuture.supplyAsync(() -> on(db.sourcePort(), database, work));
        CompletableFuture<Long> t = CompletableFuture.supplyAsync(() -> on(db.targetPort(), database, work));
        t.join();
        return s.join();
    }

    private static long on(int port, String database, SqlWork work) {
        try (Connection c = EmbeddedDatabases.connect(port, database)) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Work on one connection. */
    @FunctionalInterface
    private interface SqlWork {
        long run(Connection c) throws SQLException;
    }

    /** Something timed. */
    @FunctionalInterface
    private interface Timed {
        Object run() throws Exception;
    }

    private static long time(Timed work) throws Exception {
        long started = System.nanoTime();
        work.run();
        return millisSince(started);
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

}
