package io.cutover.replication.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import io.cutover.kit.Futures;
import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.Databases;
import io.cutover.replication.application.DataTransfer;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Offline transfer between PostgreSQL servers over JDBC alone (no client tools). Everything is read from one
 * snapshot of the source exported at the start: the schema's pre-data, then every table streamed by COPY from the
 * source straight into COPY on the target (binary where the types allow it, no intermediate file), several tables
 * at once, each analyzed as soon as it is in, then the post-data (keys, indexes, checks, foreign keys, triggers) and
 * the sequences.
 */
public final class PostgresDataTransfer implements DataTransfer {

    private static final int FLUSH_BYTES = 256 * 1024;

    /** A table to copy, as the source catalog describes it. */
    record TableInfo(String name, List<String> columns, boolean binary, long sizeBytes) {
    }

    @Override
    public Result transfer(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                           int parallelism, Progress progress) throws Exception {
        return transfer(cutoverId, source, target, wanted, parallelism, progress, null);
    }

    /**
     * The same copy from a snapshot exported elsewhere, for example by the creation of a replication slot, so that
     * the copy and the change stream meet exactly. The exporter must keep the snapshot alive until this returns.
     */
    public Result transfer(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                           int parallelism, Progress progress, String importedSnapshot) throws Exception {
        long started = System.nanoTime();
        Checkpoints checkpoints = new Checkpoints(cutoverId);
        Map<String, Long> figures = new TreeMap<>();
        try (Connection snapshotHolder = Databases.open(source); Connection tgt = Databases.open(target)) {
            snapshotHolder.setAutoCommit(false);
            execute(snapshotHolder, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String snapshot;
            if (importedSnapshot == null) {
                snapshot = single(snapshotHolder, "SELECT pg_export_snapshot()");
            } else {
                execute(snapshotHolder, "SET TRANSACTION SNAPSHOT '" + importedSnapshot.replace("'", "") + "'");
                snapshot = importedSnapshot;
            }
            List<String> names = Databases.tables(snapshotHolder, wanted);
            List<String> schemas = Databases.schemasOf(names);
            SchemaCopier.qualifyEverything(snapshotHolder);
            SchemaCopier.refuseUnsupported(snapshotHolder, schemas);
            List<TableInfo> tables = describe(snapshotHolder, names);
            progress.set("tables", tables.size());

            // One transfer per cutover at a time, across every instance of the service: a second delivery waits here,
            // then finds the first one's checkpoints and has nothing left to do.
            try (PreparedStatement lock = tgt.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
                lock.setString(1, "cutover-transfer:" + cutoverId);
                lock.execute();
            }
            Checkpoints.prepare(tgt);
            Map<String, Checkpoints.Done> done = checkpoints.all(tgt);
            if (done.isEmpty()) {
                requireEmpty(tgt, target);
            }
            if (!done.containsKey("schema")) {
                progress.summary("copying the schema (pre-data)");
                List<String> ddl = SchemaCopier.preData(snapshotHolder, names, schemas, wanted.isEmpty());
                tgt.setAutoCommit(false);
                for (String sql : ddl) {
                    execute(tgt, sql);
                }
                checkpoints.mark(tgt, "schema", ddl.size(), 0);
                tgt.commit();
                tgt.setAutoCommit(true);
            }
            figures.put("schemaMillis", millisSince(started));

            long dataStarted = System.nanoTime();
            long[] copied = copyData(cutoverId, source, target, tables, done, snapshot, parallelism, progress);
            figures.put("dataMillis", millisSince(dataStarted));

            long postStarted = System.nanoTime();
            if (!done.containsKey("post-data")) {
                progress.summary("building keys, indexes, constraints and triggers (post-data)");
                int statements = SchemaCopier.applyPostData(target, SchemaCopier.postData(snapshotHolder, names),
                        parallelism);
                checkpoints.mark(tgt, "post-data", statements, 0);
            }
            figures.put("postDataMillis", millisSince(postStarted));

            progress.summary("setting sequences");
            figures.put("sequences", (long) syncSequences(snapshotHolder, tgt));
            snapshotHolder.commit();
            figures.put("tables", (long) tables.size());
            figures.put("rows", copied[0]);
            figures.put("bytes", copied[1]);
            figures.put("resumedTables", copied[2]);
            figures.put("durationMillis", millisSince(started));
        }
        return new Result(summary(figures), figures);
    }

    /** See {@link Checkpoints#forgetTables}; returns how many tables were emptied. */
    public int forgetCopiedTables(String cutoverId, Connection target) throws SQLException {
        return new Checkpoints(cutoverId).forgetTables(target);
    }

    private long[] copyData(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target,
                            List<TableInfo> tables, Map<String, Checkpoints.Done> done, String snapshot,
                            int parallelism, Progress progress) throws Exception {
        long rows = 0;
        long bytes = 0;
        long resumed = 0;
        List<TableInfo> todo = new ArrayList<>();
        for (TableInfo t : tables) {
            Checkpoints.Done d = done.get("table:" + t.name());
            if (d == null) {
                todo.add(t);
            } else {
                rows += d.rows();
                bytes += d.bytes();
                resumed++;
            }
        }
        progress.set("rows", rows);
        progress.set("bytes", bytes);
        progress.set("tablesDone", resumed);
        progress.summary("copying " + todo.size() + " tables, " + parallelism + " at a time");
        todo.sort(Comparator.comparingLong(TableInfo::sizeBytes).reversed());
        if (todo.isEmpty()) {
            return new long[] {rows, bytes, resumed};
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, todo.size()));
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (TableInfo t : todo) {
                results.add(pool.submit(() -> copyTable(cutoverId, source, target, t, snapshot, progress)));
            }
            for (Future<long[]> f : results) {
                long[] r = Futures.await(f);
                rows += r[0];
                bytes += r[1];
            }
        } finally {
            pool.shutdownNow();
        }
        return new long[] {rows, bytes, resumed};
    }

    /** Copies one table in one target transaction with its checkpoint: all of it, or nothing. */
    private long[] copyTable(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, TableInfo t,
                             String snapshot, Progress progress) throws SQLException {
        String columns = String.join(", ", t.columns().stream().map(Databases::quote).toList());
        String table = Databases.qualified(t.name());
        String format = t.binary() ? "FORMAT binary" : "FORMAT text";
        try (Connection src = Databases.open(source); Connection dst = Databases.open(target)) {
            src.setAutoCommit(false);
            execute(src, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            execute(src, "SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            dst.setAutoCommit(false);
            execute(dst, "SET LOCAL synchronous_commit = off");
            execute(dst, "TRUNCATE " + table);
            CopyOut out = src.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY " + table + " (" + columns + ") TO STDOUT (" + format + ")");
            CopyIn in = dst.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (" + format + ", FREEZE)");
            long bytes = stream(out, in, progress);
            long rows = in.endCopy();
            new Checkpoints(cutoverId).mark(dst, "table:" + t.name(), rows, bytes);
            dst.commit();
            src.commit();
            // statistics now, while other tables are still copying, rather than in a serial tail at the end;
            // ANALYZE is transactional, so it must commit too
            execute(dst, "ANALYZE " + table);
            dst.commit();
            progress.add("rows", rows);
            progress.add("tablesDone", 1);
            progress.summary("copied " + t.name() + " (" + rows + " rows); " + progress.get("tablesDone") + " of "
                    + progress.get("tables") + " tables done");
            return new long[] {rows, bytes};
        }
    }

    private static long stream(CopyOut out, CopyIn in, Progress progress) throws SQLException {
        byte[] buffer = new byte[FLUSH_BYTES];
        int fill = 0;
        long total = 0;
        byte[] chunk;
        while ((chunk = out.readFromCopy()) != null) {
            if (fill + chunk.length > buffer.length) {
                in.writeToCopy(buffer, 0, fill);
                progress.add("bytes", fill);
                fill = 0;
            }
            if (chunk.length > buffer.length) {
                in.writeToCopy(chunk, 0, chunk.length);
                progress.add("bytes", chunk.length);
            } else {
                System.arraycopy(chunk, 0, buffer, fill, chunk.length);
                fill += chunk.length;
            }
            total += chunk.length;
        }
        if (fill > 0) {
            in.writeToCopy(buffer, 0, fill);
            progress.add("bytes", fill);
        }
        return total;
    }

    /** Columns in attribute order without generated ones; text format where a column has a user-defined type. */
    private static List<TableInfo> describe(Connection c, List<String> names) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        try (PreparedStatement cols = c.prepareStatement("""
                SELECT a.attname, t.oid >= 16384 OR t.typelem >= 16384
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""");
             PreparedStatement rel = c.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            for (String name : names) {
                String regclass = Databases.qualified(name);
                List<String> columns = new ArrayList<>();
                boolean userTypes = false;
                cols.setString(1, regclass);
                try (ResultSet rs = cols.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                        userTypes |= rs.getBoolean(2);
                    }
                }
                rel.setString(1, regclass);
                try (ResultSet rs = rel.executeQuery()) {
                    rs.next();
                    tables.add(new TableInfo(name, columns, !userTypes, rs.getLong(1)));
                }
            }
        }
        return tables;
    }

    /** Sets every sequence the target shares with the source to the source's last value; returns how many. */
    public static int syncSequences(Connection source, Connection target) throws SQLException {
        int count = 0;
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE last_value IS NOT NULL");
             PreparedStatement set = target.prepareStatement(
                     "SELECT setval(to_regclass(?), ?, true) WHERE to_regclass(?) IS NOT NULL")) {
            while (rs.next()) {
                String name = Databases.quote(rs.getString(1)) + "." + Databases.quote(rs.getString(2));
                set.setString(1, name);
                set.setLong(2, rs.getLong(3));
                set.setString(3, name);
                try (ResultSet r = set.executeQuery()) {
                    count += r.next() ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static void requireEmpty(Connection tgt, DatabaseEndpoint target) throws SQLException {
        List<String> existing = Databases.tables(tgt, List.of());
        if (!existing.isEmpty()) {
            throw new IllegalStateException("target " + Databases.describe(target) + " already has "
                    + existing.size() + " tables (" + String.join(", ", existing.subList(0, Math.min(5,
                    existing.size()))) + "): Cutover copies into an empty database");
        }
    }

    private static String summary(Map<String, Long> f) {
        double seconds = Math.max(1, f.get("durationMillis")) / 1000.0;
        return String.format("%d tables, %d rows, %.1f MB in %.1f s (%.0f rows/s); %d sequences set%s",
                f.get("tables"), f.get("rows"), f.get("bytes") / 1e6, seconds, f.get("rows") / seconds,
                f.get("sequences"), f.get("resumedTables") > 0 ? "; " + f.get("resumedTables")
                        + " tables were already copied by an earlier attempt" : "");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
