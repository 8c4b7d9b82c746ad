package io.cutover.localstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import io.cutover.kit.Progress;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import tools.jackson.databind.JsonNode;

/**
 * One command, a whole cutover: starts the local stack, builds the sample database on the source, submits the plan
 * through the admin API, shows the steps as they run and prints the report. Exits 0 when the cutover completed.
 */
public final class LocalStackMain {

    static final String DATABASE = "shop";

    /** Command-line options; see {@link #usage()}. */
    record Options(long rows, int parallelism, int adminPort, Path dir, boolean keepRunning, Path pgDumpBin,
                   int sourcePort, int targetPort, boolean benchValidation, String mode, int rate,
                   String downtimeBudget, boolean benchOnline) {

        static Options parse(String[] args) {
            long rows = 1_000_000;
            int parallelism = 4;
            int port = 0;
            Path dir = null;
            boolean keep = false;
            Path pgDumpBin = null;
            int sourcePort = 0;
            int targetPort = 0;
            boolean benchValidation = false;
            String mode = "offline";
            int rate = 500;
            String budget = null;
            boolean benchOnline = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rows" -> rows = positive(args, ++i);
                    case "--parallelism" -> parallelism = (int) positive(args, ++i);
                    case "--admin-port" -> port = (int) positive(args, ++i);
                    case "--dir" -> dir = Path.of(value(args, ++i));
                    case "--keep-running" -> keep = true;
                    case "--compare-pg-dump" -> pgDumpBin = Path.of(value(args, ++i));
                    case "--source-port" -> sourcePort = (int) positive(args, ++i);
                    case "--target-port" -> targetPort = (int) positive(args, ++i);
                    case "--bench-validation" -> benchValidation = true;
                    case "--bench-online" -> benchOnline = true;
                    case "--mode" -> mode = value(args, ++i);
                    case "--rate" -> rate = (int) positive(args, ++i);
                    case "--downtime-budget" -> budget = value(args, ++i);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if ((sourcePort == 0) != (targetPort == 0)) {
                throw new IllegalArgumentException("--source-port and --target-port go together");
            }
            if (!mode.equals("offline") && !mode.equals("online")) {
                throw new IllegalArgumentException("--mode must be offline or online, not " + mode);
            }
            if (benchOnline) {
                OnlineBenchmark.checkOptions();
            }
            return new Options(rows, parallelism, port, dir, keep, pgDumpBin, sourcePort, targetPort,
                    benchValidation, mode, rate, budget != null ? budget : mode.equals("online") ? "10s" : "30m",
                    benchOnline);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static long positive(String[] args, int i) {
            String v = value(args, i);
            try {
                long n = Long.parseLong(v.replace("_", "").replace(",", ""));
                if (n <= 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i - 1] + " needs a positive whole number, not " + v);
            }
        }
    }

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = run(options, System.out);
        } catch (RunFolder.Stopped e) {
            System.err.println("Cutover local stack " + e.getMessage()); // the JVM exits with the signal's status
            status = 1;
        } catch (Exception e) {
            System.err.println("Cutover local stack failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static String usage() {
        return """
                usage: java -jar local-stack/target/cutover-local-stack.jar [options]
                  --mode offline|online  offline: the source is fenced for the whole copy (default); online: the
                                      copy and a change stream run while an application writes through the
                                      proxy, and the writes stall only for the switch
                  --rate N            online: the application's transactions per second (default 500)
                  --downtime-budget D the longest write stall the plan allows (default 30m offline, 10s online)
                  --rows N            rows in the sample database (default 1000000)
                  --parallelism N     tables copied at once (default 4)
                  --admin-port N      port of the admin API (default: a free one)
                  --dir PATH          where Kafka and PostgreSQL keep their files, left in place (default: a new
                                      temporary folder, removed when the run ends, also on Ctrl-C)
                  --keep-running      keep everything up after the report, until Ctrl-C
                  --compare-pg-dump DIR  also time pg_dump -Fc -Z0 | pg_restore of the same database, with the
                                      tools in DIR (at least as new as the PostgreSQL servers)
                  --bench-validation  also measure data validation against the database-side floor
                  --bench-online      also measure the online sync: apply rate against PostgreSQL's own logical
                                      replication, lag and write stall at 1,000 transactions per second
                  --source-port N --target-port N
                                      use PostgreSQL servers already running on 127.0.0.1 (user postgres, no
                                      password) instead of embedded ones; the database "shop" is dropped and
                                      created again on both""";
    }

    static int run(Options o, PrintStream out) throws Exception {
        return RunFolder.run(o.dir(), folder -> run(o, out, folder));
    }

    private static int run(Options o, PrintStream out, RunFolder folder) throws Exception {
        Path dir = folder.path();
        out.println("Cutover local stack: starting Kafka, PostgreSQL source and target, SMTP and five services in "
                + dir);
        DatabaseServers external = o.sourcePort() == 0 ? null
                : DatabaseServers.external(o.sourcePort(), o.targetPort());
        try (LocalStack stack = LocalStack.start(dir, o.adminPort(), external)) {
            folder.stopOnExit(stack);
            DatabaseServers db = stack.databases();
            if (external != null) {
                SampleWorkload.drop(db.targetPort(), DATABASE);
            }
            out.printf("  Kafka %s, source PostgreSQL :%d, target :%d, SMTP :%d, proxy :%d, admin API %s%n",
                    stack.bootstrapServers(), db.sourcePort(), db.targetPort(), stack.smtpPort(),
                    stack.proxy().port(), stack.adminUrl());
            out.printf("Building the sample database \"%s\" with about %,d rows...%n", DATABASE, o.rows());
            Map<String, Long> tables = SampleWorkload.create(db.sourcePort(), DATABASE, o.rows());
            tables.forEach((t, n) -> out.printf("  %-20s %,12d rows%n", t, n));

            boolean online = o.mode().equals("online");
            SyntheticApplication app = null;
            if (online) {
                try (var source = db.source(DATABASE)) {
                    SyntheticApplication.prepare(source);
                }
                app = new SyntheticApplication(stack.proxy().port(), DATABASE, o.rate(), 8);
                app.start();
                out.printf("A synthetic application writes %,d transactions/s through the proxy (:%d)%n", o.rate(),
                        stack.proxy().port());
            }
            AdminClient admin = new AdminClient(stack.adminUrl());
            String id = admin.create(SamplePlan.json("Shop database to the new server", db.sourcePort(),
                    db.targetPort(), DATABASE, o.parallelism(), "shop.example.com", o.mode(), o.downtimeBudget()));
            out.println("Created " + o.mode() + " cutover " + id + " through " + stack.adminUrl()
                    + "/api/cutovers; starting it");
            admin.start(id);
            ProgressPrinter progress = new ProgressPrinter(out);
            LagSeries lag = new LagSeries();
            // the stream's lag over the whole sync, sampled where it runs: the admin API shows it only while the
            // catch-up and the drain run, which at the end of a sync last well under a second
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lag-sampler");
                t.setDaemon(true);
                return t;
            });
            if (online) {
                sampler.scheduleAtFixedRate(() -> lag.sample(stack.streamFigures(id)), 250, 250,
                        TimeUnit.MILLISECONDS);
            }
            try {
                admin.awaitEnd(id, Duration.ofHours(6), state -> {
                    progress.accept(state);
                    if (switchBegan(state)) {
                        lag.end();
                    }
                });
            } finally {
                sampler.shutdownNow();
            }
            SyntheticApplication.Result seen = null;
            if (app != null) {
                Thread.sleep(2_000); // the application goes on after the switch, on whichever side it is now
                seen = app.stop();
            }
            JsonNode end = admin.awaitNotified(id, Duration.ofSeconds(30));
            // SMTP accepts a message a moment before the server has stored it
            stack.smtp().waitForIncomingEmail(5_000, 2 * SamplePlan.STAKEHOLDERS);
            Report.print(out, end, emails(stack), stack.proxy().upstream(), db.sourcePort(), db.targetPort());
            if (seen != null) {
                try (var target = db.target(DATABASE); var source = db.source(DATABASE)) {
                    boolean switched = stack.proxy().upstream().endsWith(":" + db.targetPort());
                    Report.printOnline(out, end, seen, lag.points(),
                            SyntheticApplication.lost(switched ? target : source, seen.acks()));
                }
            }
            boolean benchmarks = o.pgDumpBin() != null || o.benchOnline() || o.benchValidation();
            if (benchmarks && !o.keepRunning()) {
                out.println("\nStopping the services and Kafka: the benchmarks measure the databases and the data"
                        + " path alone");
                stack.stopControlPlane();
            }
            if (o.pgDumpBin() != null) {
                compare(out, stack, o.parallelism(), o.pgDumpBin());
            }
            if (o.benchOnline()) {
                OnlineBenchmark.run(out, db, DATABASE);
            }
            if (o.benchValidation()) {
                ValidationBenchmark.run(out, db, DATABASE, 1);
                ValidationBenchmark.run(out, db, DATABASE, 2);
            }
            if (o.keepRunning()) {
                out.println("\nStill running; admin API at " + stack.adminUrl() + "/api/cutovers. Ctrl-C to stop.");
                Thread.currentThread().join(); // the folder's exit hook stops the stack
            }
            return end.get("status").asString().equals("COMPLETED") ? 0 : 1;
        }
    }

    /**
     * Times Cutover's transfer and pg_dump -Fc -Z0 | pg_restore of the same database between the same servers,
     * alternating, each into a fresh database, and prints the median and the best of each.
     */
    private static void compare(PrintStream out, LocalStack stack, int parallelism, Path bin) throws Exception {
        DatabaseServers db = stack.databases();
        List<Long> ours = new ArrayList<>();
        List<Long> theirs = new ArrayList<>();
        List<Long> theirsAnalyzed = new ArrayList<>();
        long rows = 0;
        for (int round = 1; round <= BENCH_ROUNDS; round++) {
            String copy = DATABASE + "_bench_cutover";
            SampleWorkload.drop(db.targetPort(), copy);
            try (var c = db.target("postgres"); var st = c.createStatement()) {
                st.execute("CREATE DATABASE " + copy);
            }
            long started = System.nanoTime();
            var result = new PostgresDataTransfer().transfer("bench-" + round, EmbeddedDatabases.endpoint(db.sourcePort(), DATABASE),
                    EmbeddedDatabases.endpoint(db.targetPort(), copy), List.of(), parallelism, new Progress());
            ours.add((System.nanoTime() - started) / 1_000_000);
            rows = result.figures().get("rows");
            PgDumpBaseline.Times times = PgDumpBaseline.run(bin, db.sourcePort(), db.targetPort(), DATABASE);
            theirs.add(times.restoreMillis());
            theirsAnalyzed.add(times.restoreMillis() + times.analyzeMillis());
        }
        out.println();
        out.printf("Benchmark: %d rounds each, alternating, same servers, same database (%,d rows):%n",
                BENCH_ROUNDS, rows);
        line(out, "Cutover transfer (schema, data, indexes, constraints, sequences, ANALYZE)", ours, rows);
        line(out, "pg_dump -Fc -Z0 | pg_restore (no ANALYZE)", theirs, rows);
        line(out, "pg_dump -Fc -Z0 | pg_restore, then ANALYZE (the same end state)", theirsAnalyzed, rows);
        out.printf("  Cutover / pg_dump throughput, median: %.2fx without its ANALYZE, %.2fx with it%n",
                (double) median(theirs) / median(ours), (double) median(theirsAnalyzed) / median(ours));
    }

    private static final int BENCH_ROUNDS = 5;

    private static void line(PrintStream out, String what, List<Long> millis, long rows) {
        out.printf("  %-75s median %6.2f s (%,9.0f rows/s), best %6.2f s%n", what, median(millis) / 1000.0,
                rows * 1000.0 / median(millis), millis.stream().mapToLong(Long::longValue).min().orElse(0) / 1000.0);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }


    static List<Report.Email> emails(LocalStack stack) throws Exception {
        List<Report.Email> emails = new ArrayList<>();
        for (MimeMessage m : stack.smtp().getReceivedMessages()) {
            emails.add(new Report.Email(m.getRecipients(Message.RecipientType.TO)[0].toString(), m.getSubject()));
        }
        return emails;
    }

    /** Whether the switch has begun to hold the application's writes (the step after the go/no-go). */
    static boolean switchBegan(JsonNode state) {
        for (JsonNode step : state.get("steps")) {
            if (step.get("name").asString().equals("HOLD_TRAFFIC")
                    && !step.get("status").asString().equals("PENDING")) {
                return true;
            }
        }
        return false;
    }
}
