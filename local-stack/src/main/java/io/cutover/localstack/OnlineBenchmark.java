package io.cutover.localstack;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cutover.kit.Progress;
import io.cutover.replication.adapter.cdc.PostgresOnlineReplication;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;

/**
 * Measures the online sync side by side with PostgreSQL's own logical replication, on the same servers: how fast
 * each drains a backlog of row changes retained by its slot, and the lag of Cutover's stream under a steady load.
 */
final class OnlineBenchmark {

    private static final int ROWS = 100_000;
    /** Counted rounds of each backlog: on 2 cores one round's ratio ranged from 0.45x to 0.95x, so not fewer than 5. */
    private static final int ROUNDS = Integer.getInteger("cutover.bench.rounds", 5);
    /**
     * Rounds run first and not counted: the service streams for minutes to hours before a drain matters, on code the
     * JIT compiler has long compiled. At least this many, and more while the JIT still compiles for more than
     * SETTLED_JIT_SHARE of a round (after only two, the compiler and the collector still took up to 6.6 µs per change
     * in the counted rounds), up to MAX_WARM_UP_ROUNDS.
     */
    private static final int WARM_UP_ROUNDS = Integer.getInteger("cutover.bench.warmUpRounds", 2);
    private static final int MAX_WARM_UP_ROUNDS = Math.max(WARM_UP_ROUNDS, 10);
    private static final double SETTLED_JIT_SHARE = 0.05;

    /** A backlog: transactions of rowsPerTransaction changes, half updates of existing rows, half inserts. */
    private record Backlog(String name, int transactions, int rowsPerTransaction) {
        int changes() {
            return transactions * rowsPerTransaction;
        }
    }

    /**
     * A drain: changes per second from the release of the apply to the last change visible on the target, and the
     * CPU time it took per change, in the PostgreSQL servers and in this JVM (microseconds; -1 when unknown).
     */
    private record Drain(double overall, double serverMicros, double walSenderMicros, double jvmMicros,
                         String jvmByThread, String serversByProcess) {
    }

    /** When set, the rows per transaction of the one backlog to measure, and no lag: a run to profile. */
    private static final String ONLY = System.getProperty("cutover.bench.backlog");

    private static final List<Backlog> BACKLOGS = List.of(new Backlog("single-row transactions", 50_000, 1),
            new Backlog("transactions of 50 rows", 2_000, 50)).stream()
            .filter(b -> ONLY == null || ONLY.strip().equals(String.valueOf(b.rowsPerTransaction()))).toList();

    private OnlineBenchmark() {
    }

    /** Refuses, before the cutover that comes first, a backlog the benchmark does not have. */
    static void checkOptions() {
        if (BACKLOGS.isEmpty()) {
            throw new IllegalArgumentException("-Dcutover.bench.backlog=" + ONLY + " names no backlog: use 1"
                    + " (single-row transactions) or 50 (transactions of 50 rows)");
        }
    }

    static void run(PrintStream out, DatabaseServers db, String unused) throws Exception {
        // every warm-up round first: the counted rounds of each backlog then run on code compiled for both
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (Backlog backlog : BACKLOGS) {
            out.println();
            out.printf("Online sync benchmark, warming up on %,d row changes in %,d %s, not counted: %d rounds, and"
                            + " more (up to %d) while the JIT compiler works for over %.0f%% of a round%n",
                    backlog.changes(), backlog.transactions(), backlog.name(), WARM_UP_ROUNDS, MAX_WARM_UP_ROUNDS,
                    SETTLED_JIT_SHARE * 100);
            for (int round = 1; round <= MAX_WARM_UP_ROUNDS; round++) {
                long began = System.nanoTime();
                long compiling = jit.getTotalCompilationTime();
                Drain n = nativeDrain(db, 1 - round, backlog);
                Drain c = cutoverDrain(out, db, 1 - round, backlog);
                double jitShare = (jit.getTotalCompilationTime() - compiling) * 1e6 / (System.nanoTime() - began);
                out.printf("  warm-up %d: PostgreSQL logical replication %,.0f changes/s, Cutover %,.0f changes/s;"
                        + " JIT compiling for %.0f%% of the round%n", round, n.overall(), c.overall(), jitShare * 100);
                if (round >= WARM_UP_ROUNDS && jitShare <= SETTLED_JIT_SHARE) {
                    break;
                }
            }
        }
        for (Backlog backlog : BACKLOGS) {
            out.println();
            out.printf("Online sync benchmark: draining a backlog of %,d row changes in %,d %s (half updates, half"
                    + " inserts), written while each running, caught-up apply was held back by a lock on the"
                    + " target, timed from the release to the last change visible there; %d rounds each,"
                    + " alternating, after the warm-up%n", backlog.changes(), backlog.transactions(),
                    backlog.name(), ROUNDS);
            List<Drain> native_ = new ArrayList<>();
            List<Drain> ours = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                native_.add(nativeDrain(db, round, backlog));
                ours.add(cutoverDrain(out, db, round, backlog));
                Drain n = native_.get(round - 1);
                Drain c = ours.get(round - 1);
                out.printf("  round %d: PostgreSQL logical replication %,.0f changes/s (CPU per change: servers %.1f"
                                + " µs, of which WAL sender %.1f), Cutover %,.0f changes/s (CPU per change: servers %.1f"
                                + " µs, of which WAL sender %.1f; Cutover's JVM %.1f µs)%n", round, n.overall(),
                        n.serverMicros(), n.walSenderMicros(), c.overall(), c.serverMicros(), c.walSenderMicros(),
                        c.jvmMicros());
                out.printf("    servers per change by process, µs: PostgreSQL %s; Cutover %s%n", n.serversByProcess(),
                        c.serversByProcess());
                out.printf("    Cutover's JVM per change by thread, µs: %s%n", c.jvmByThread());
            }
            double n = median(native_.stream().map(Drain::overall).toList());
            double c = median(ours.stream().map(Drain::overall).toList());
            // each round's two drains ran back to back, so their ratio moves less with the machine than either rate
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                ratios.add(ours.get(i).overall() / native_.get(i).overall());
            }
            out.printf("  median: PostgreSQL %,.0f changes/s, Cutover %,.0f changes/s: %.2fx; each round's ratio %s,"
                    + " median %.2fx%n", n, c, c / n, ratios.stream().map(r -> String.format("%.2f", r)).toList(),
                    median(ratios));
        }
        for (int rate : ONLY != null ? new int[0] : new int[] {1_000}) {
            Map<String, Long> lag = steadyLag(db, rate, 15);
            out.printf("Lag at %,d transactions/s for 15 s (Cutover): per commit p50 %d ms, p99 %d ms, max %d ms;"
                            + " %,d transactions applied%n", rate, lag.get("lagP50Millis"), lag.get("lagP99Millis"),
                    lag.get("lagMaxMillis"), lag.get("appliedTransactions"));
        }
    }

    /** The source database with its table, and an empty copy of the table on the target. */
    private static void prepare(DatabaseServers db, String source, String target, boolean tableOnTarget)
            throws SQLException {
        SampleWorkload.drop(db.sourcePort(), source);
        SampleWorkload.drop(db.targetPort(), target);
        try (Connection c = db.source("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + source);
        }
        try (Connection c = db.target("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + target);
        }
        String table = "CREATE TABLE bench_rows (id bigint PRIMARY KEY, v int NOT NULL, pad text NOT NULL)";
        try (Connection c = db.source(source); Statement st = c.createStatement()) {
            st.execute(table);
            st.execute("INSERT INTO bench_rows SELECT g, 0, md5(g::text) FROM generate_series(1, " + ROWS + ") g");
        }
        if (tableOnTarget) {
            try (Connection c = db.target(target); Statement st = c.createStatement()) {
                st.execute(table);
            }
        }
    }

    /** The backlog: each transaction updates a range of rows and inserts as many; the last adds the marker row. */
    private static void backlog(DatabaseServers db, String source, Backlog backlog) throws SQLException {
        try (Connection c = db.source(source); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            int half = backlog.rowsPerTransaction() / 2;
            for (int t = 0; t < backlog.transactions(); t++) {
                if (half == 0) {
                    st.execute(t % 2 == 0 ? "UPDATE bench_rows SET v = v + 1 WHERE id = " + (1 + t % ROWS)
                            : "INSERT INTO bench_rows VALUES (" + (ROWS + 1L + t) + ", 1, 'new')");
                } else {
                    long from = 1 + (long) t * half % ROWS;
                    st.execute("UPDATE bench_rows SET v = v + 1 WHERE id BETWEEN " + from + " AND "
                            + (from + half - 1));
                    st.execute("INSERT INTO bench_rows SELECT " + (ROWS + 1L + (long) t * half) + " + g, 1, 'new'"
                            + " FROM generate_series(0, " + (half - 1) + ") g");
                }
                c.commit();
            }
            st.execute("INSERT INTO bench_rows VALUES (-1, -1, 'marker')");
            c.commit();
        }
    }

    /**
     * PostgreSQL's own logical replication: a subscription on the target, caught up, then held back by a lock on
     * the target's table while the backlog is written; the drain is timed from the lock's release.
     */
    private static Drain nativeDrain(DatabaseServers db, int round, Backlog b) throws Exception {
        String source = "bench_native_src";
        String target = "bench_native_tgt";
        prepare(db, source, target, true);
        try (Connection s = db.source(source); Statement st = s.createStatement()) {
            st.execute("CREATE PUBLICATION bench_pub FOR TABLE bench_rows");
        }
        Drain drain;
        try (Connection t = db.target(target); Statement st = t.createStatement()) {
            st.execute("CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=" + db.sourcePort()
                    + " dbname=" + source + " user=postgres' PUBLICATION bench_pub");
            awaitQuery(t, "SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate <> 'r'", 2);
            drain = heldBack(db, source, target, b);
            st.execute("ALTER SUBSCRIPTION bench_sub DISABLE");
            st.execute("ALTER SUBSCRIPTION bench_sub SET (slot_name = NONE)");
            st.execute("DROP SUBSCRIPTION bench_sub");
        }
        try (Connection s = db.source(source); Statement st = s.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot('bench_sub')");
        }
        return drain;
    }

    /** Cutover's stream, caught up, then held back and timed the same way. */
    private static Drain cutoverDrain(PrintStream out, DatabaseServers db, int round, Backlog b)
            throws Exception {
        String source = "bench_cutover_src";
        String target = "bench_cutover_tgt";
        prepare(db, source, target, false);
        DatabaseEndpoint src = EmbeddedDatabases.endpoint(db.sourcePort(), source);
        DatabaseEndpoint tgt = EmbeddedDatabases.endpoint(db.targetPort(), target);
        String id = "bench-online-" + b.rowsPerTransaction() + "-" + round;
        OnlineSync sync = OnlineSync.newBuilder().build();
        PostgresOnlineReplication replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 500,
                1_000);
        try {
            replication.start(id, src, tgt, List.of(), 2, sync, new Progress());
            replication.awaitCatchUp(id, src, tgt, List.of(), sync, 1_000, 60_000, new Progress());
            Drain drain = heldBack(db, source, target, b);
            out.println("  (Cutover's stream: " + replication.figures(id) + ")");
            replication.stop(id, src, tgt);
            return drain;
        } finally {
            replication.close();
        }
    }

    /**
     * Holds the apply back with a lock on the target's table while the backlog is written on the source, then
     * releases it and times until the backlog's last change (the marker row) is visible on the target.
     */
    private static Drain heldBack(DatabaseServers db, String source, String target, Backlog b) throws Exception {
        try (Connection lock = db.target(target); Connection t = db.target(target)) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE bench_rows IN ACCESS EXCLUSIVE MODE");
            }
            backlog(db, source, b);
            Thread.sleep(500); // let both read as much as they buffer while held
            CpuTime cpu = CpuTime.now();
            long started = System.nanoTime();
            lock.commit();
            // every 10 ms: each look costs the target a query, and polling every 2 ms took about 1 µs per change from
            // the two cores both drains need (a trigger on the table to notify instead would add work to both applies)
            awaitQuery(t, "SELECT EXISTS (SELECT 1 FROM bench_rows WHERE id = -1)", 10);
            double seconds = (System.nanoTime() - started) / 1e9;
            CpuTime used = CpuTime.now().minus(cpu);
            return new Drain(b.changes() / seconds, used.perChange(used.serverNanos(), b.changes()),
                    used.perChange(used.walSenderNanos(), b.changes()), used.perChange(used.jvmNanos(), b.changes()),
                    used.byThread(b.changes()), used.byProcess(b.changes()));
        }
    }

    /** Cutover's stream under a steady load of single-row transactions; the lag of each applied commit. */
    private static Map<String, Long> steadyLag(DatabaseServers db, int rate, int seconds) throws Exception {
        String source = "bench_lag_src";
        String target = "bench_lag_tgt";
        prepare(db, source, target, false);
        DatabaseEndpoint src = EmbeddedDatabases.endpoint(db.sourcePort(), source);
        DatabaseEndpoint tgt = EmbeddedDatabases.endpoint(db.targetPort(), target);
        PostgresOnlineReplication replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 500, 1_000);
        try {
            replication.start("bench-lag", src, tgt, List.of(), 2, OnlineSync.newBuilder().build(), new Progress());
            try (Connection c = db.source(source); Statement st = c.createStatement()) {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                long end = next + seconds * 1_000_000_000L;
                long i = 0;
                while (System.nanoTime() < end) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    next += interval;
                    st.execute("UPDATE bench_rows SET v = v + 1 WHERE id = " + (1 + i++ % ROWS));
                }
            }
            var caughtUp = replication.awaitCatchUp("bench-lag", src, tgt, List.of(), OnlineSync.newBuilder().build(),
                    60_000, 60_000, new Progress());
            replication.stop("bench-lag", src, tgt);
            return caughtUp.figures();
        } finally {
            replication.close();
        }
    }

    /** Runs the query every everyMillis until it returns true, at most 10 minutes. */
    private static void awaitQuery(Connection c, String sql, long everyMillis) throws Exception {
        long until = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < until) {
            try (Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(everyMillis);
        }
        throw new IllegalStateException("still false after 10 minutes: " + sql);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
