package io.cutover.validation.adapter.jdbc;

import static io.cutover.testing.TestPostgres.endpoint;
import static io.cutover.testing.TestPostgres.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cutover.schemas.OnlineSync;
import io.cutover.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.cutover.testing.TestPostgres;

import io.cutover.schemas.CriticalQuery;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.UserCheck;
import io.cutover.validation.application.Readiness;

class PostgresReadinessTest {


    private final PostgresReadiness readiness = new PostgresReadiness();

    @BeforeAll
    static void databases() throws SQLException {
        sql("postgres", "DROP DATABASE IF EXISTS src WITH (FORCE)", "DROP DATABASE IF EXISTS busy WITH (FORCE)",
                "DROP ROLE IF EXISTS reader", "CREATE DATABASE src", "CREATE DATABASE busy", "CREATE ROLE reader LOGIN");
        sql("src", "CREATE TABLE orders (id int PRIMARY KEY)", "CREATE TABLE secrets (id int)",
                "INSERT INTO orders SELECT generate_series(1, 25)", "GRANT SELECT ON orders TO reader");
        sql("busy", "CREATE TABLE leftover (v int)");
    }


    @Test
    void aMissingTargetDatabaseIsNamedAndAReadyPairPassesEveryCheck() {
        Readiness.Report r = readiness.check(endpoint("src"), endpoint("fresh_tgt_missing"),
                List.of(), List.of(), List.of());

        assertThat(r.problems()).singleElement().asString().contains("fresh_tgt_missing").contains("not usable");
        Readiness.Report ok = readiness.check(endpoint("src"), endpoint("postgres"),
                List.of("public.orders"), List.of(), List.of());
        String port = String.valueOf(TestPostgres.port());
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.passed()).hasSize(14).contains(
                "source host 127.0.0.1 resolves to 127.0.0.1",
                "target 127.0.0.1:" + port + " does not offer TLS; the plan does not require it",
                "target 127.0.0.1:" + port + "/postgres has no user tables yet")
                .anySatisfy(line -> assertThat(line).startsWith("source 127.0.0.1:" + port + " accepts TCP connections"))
                .anySatisfy(line -> assertThat(line).startsWith("target 127.0.0.1:" + port + "/postgres needs about ")
                        .contains("free (the source's size)"));
    }

    @Test
    void aHostThatDoesNotResolveIsNamed() {
        DatabaseEndpoint nowhere = DatabaseEndpoint.newBuilder(endpoint("src"))
                .setHost("no-such-host.invalid").build();

        Readiness.Report r = readiness.check(endpoint("src"), nowhere, List.of(), List.of(), List.of());

        assertThat(r.problems()).containsExactly("target host no-such-host.invalid does not resolve");
    }

    @Test
    void aPlanThatRequiresTlsOfAServerWithoutItIsRefused() {
        DatabaseEndpoint tls = DatabaseEndpoint.newBuilder(endpoint("postgres"))
                .setOptions(java.util.Map.of("sslmode", "require")).build();

        Readiness.Report r = readiness.check(endpoint("src"), tls, List.of(), List.of(), List.of());

        assertThat(r.problems()).contains("target 127.0.0.1:" + TestPostgres.port()
                + " does not offer TLS, but the plan requires it (sslmode=require)");
    }

    @Test
    void anUnreachableSourceIsNamed() {
        DatabaseEndpoint nowhere = DatabaseEndpoint.newBuilder(endpoint("src")).setPort(1).build();

        Readiness.Report r = readiness.check(nowhere, endpoint("postgres"), List.of(), List.of(), List.of());

        assertThat(r.problems()).singleElement().asString()
                .startsWith("source 127.0.0.1:1 does not accept TCP connections");
    }

    @Test
    void aMissingRoleIsNamed() {
        Readiness.Report r = readiness.check(endpoint("src", "nobody"), endpoint("postgres"), List.of(), List.of(), List.of());

        assertThat(r.problems()).singleElement().asString().contains("is not usable").contains("nobody");
    }

    @Test
    void aUserThatCannotReadATableOrFenceWritesIsRefused() {
        Readiness.Report r = readiness.check(endpoint("src", "reader"), endpoint("postgres"), List.of(), List.of(), List.of());

        assertThat(r.problems()).containsExactlyInAnyOrder(
                "source 127.0.0.1:" + TestPostgres.port() + "/src: reader cannot read public.secrets",
                "source 127.0.0.1:" + TestPostgres.port() + "/src: reader may not fence writes: it must own the "
                        + "database or be a superuser to make it read-only");
    }

    @Test
    void aRoleThatKeepsItsSessionsWritableDespiteTheFenceIsNamed() throws SQLException {
        sql("postgres", "ALTER ROLE reader IN DATABASE src SET default_transaction_read_only = off");
        try {
            Readiness.Report r = readiness.check(endpoint("src"), endpoint("postgres"), List.of("public.orders"),
                    List.of(), List.of());

            assertThat(r.problems()).containsExactly("source 127.0.0.1:" + TestPostgres.port() + "/src: roles reader"
                    + " set default_transaction_read_only off for themselves, which wins over the write fence: reset"
                    + " it (ALTER ROLE ... RESET default_transaction_read_only) before the cutover");
        } finally {
            sql("postgres", "ALTER ROLE reader IN DATABASE src RESET default_transaction_read_only");
        }
    }

    @Test
    void aTargetWithTablesAndAMissingTableAreRefused() {
        Readiness.Report busy = readiness.check(endpoint("src"), endpoint("busy"), List.of(), List.of(), List.of());
        Readiness.Report missing = readiness.check(endpoint("src"), endpoint("postgres"),
                List.of("public.nope"), List.of(), List.of());

        assertThat(busy.problems()).singleElement().asString()
                .endsWith("already has 1 tables (public.leftover): Cutover copies into an empty database");
        assertThat(missing.problems()).singleElement().asString().contains("tables not found in src: public.nope");
    }

    @Test
    void thePlansOwnSqlAndHttpChecksPassOrFailByName() throws Exception {
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/up", x -> { x.sendResponseHeaders(204, -1); x.close(); });
        http.createContext("/down", x -> { x.sendResponseHeaders(503, -1); x.close(); });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        try {
            Readiness.Report r = readiness.check(endpoint("src"), endpoint("postgres"),
                    List.of("public.orders"), List.of(
                            new UserCheck("orders loaded", "SELECT count(*) FROM orders", "source", "25", null, 200),
                            new UserCheck("too many", "SELECT count(*) > 100 FROM orders", "source", "t", null, 200),
                            new UserCheck("target answers", "SELECT 1", "target", null, null, 200),
                            new UserCheck("typo", "SELEC 1", "source", null, null, 200),
                            new UserCheck("app up", null, "source", null, base + "/up", 204),
                            new UserCheck("app down", null, "source", null, base + "/down", 200)), List.of());

            assertThat(r.passed()).contains("check 'orders loaded' on the source returned '25'",
                    "check 'target answers' on the target returned '1'",
                    "check 'app up': GET " + base + "/up answered 204");
            assertThat(r.problems()).containsExactly(
                    "check 'too many' on the source returned 'f', expected 't'",
                    "check 'typo' on the source failed: ERROR: syntax error at or near \"SELEC\"\n  Position: 1",
                    "check 'app down': GET " + base + "/down answered 503, expected 200");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void criticalQueriesAreTimedOnTheSourceThenComparedOnTheTargetWithTheSmokeChecks() {
        Readiness.Report ready = readiness.check(endpoint("src"), endpoint("postgres"),
                List.of("public.orders"), List.of(), List.of(new CriticalQuery("all orders", "SELECT * FROM orders", -1L)));
        long baseline = ready.figures().get("baselineMicros:all orders");

        Readiness.Report after = readiness.verify(endpoint("src"), List.of(
                        new UserCheck("orders readable", "SELECT count(*) FROM orders", "target", "25", null, 200),
                        new UserCheck("wrong count", "SELECT count(*) FROM orders", "target", "0", null, 200)),
                List.of(new CriticalQuery("all orders", "SELECT * FROM orders", baseline),
                        new CriticalQuery("broken", "SELECT * FROM nowhere", -1L)));

        assertThat(baseline).isPositive();
        assertThat(ready.passed()).anySatisfy(l -> assertThat(l).startsWith("critical query 'all orders' takes ")
                .endsWith(" on the source"));
        assertThat(after.passed()).contains("check 'orders readable' on the target returned '25'")
                .anySatisfy(l -> assertThat(l).startsWith("critical query 'all orders' takes ")
                        .contains(" on the target (source ").endsWith("x)"));
        assertThat(after.figures()).containsKey("targetMicros:all orders");
        assertThat(after.problems()).containsExactly("check 'wrong count' on the target returned '25', expected '0'",
                "critical query 'broken' failed on the target: ERROR: relation \"nowhere\" does not exist\n"
                        + "  Position: 15");
    }



    @Test
    void onlineModeNamesAKeylessTableARoleThatCannotReplicateAndATargetThatCannotApply() {
        OnlineSync none = OnlineSync.newBuilder().build();
        Readiness.Report r = readiness.check(endpoint("src", "reader"), endpoint("postgres", "reader"), List.of(),
                List.of(), List.of(), none, -1);

        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("tables without a primary key or replica"
                + " identity: public.secrets").contains("online.replicaIdentityFull"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("reader lacks the REPLICATION attribute"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("reader does not own public.orders"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("may not set session_replication_role"));

        OnlineSync chosen = OnlineSync.newBuilder().setReplicaIdentityFull(List.of("public.secrets")).build();
        Readiness.Report ok = readiness.check(endpoint("src"), endpoint("postgres"), List.of(), List.of(),
                List.of(), chosen, -1);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.passed()).contains("source 127.0.0.1:" + TestPostgres.port() + "/src: wal_level is logical")
                .anySatisfy(p -> assertThat(p).contains("every table has a primary key or a chosen replica"))
                .anySatisfy(p -> assertThat(p).contains("free replication slots"))
                .anySatisfy(p -> assertThat(p).contains("may apply changes as a replica"));
    }

    @Test
    void onlineModeNamesAnUnloggedTableAndColumnsWhoseChangesNoStreamCanCarry() throws Exception {
        DatabaseEndpoint source = TestPostgres.database("ready_unlogged");
        TestPostgres.sql("ready_unlogged", "CREATE TABLE kept (id int PRIMARY KEY)",
                "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)",
                "CREATE TABLE shapes (id int PRIMARY KEY, opens timetz, flags bit(3), spots point[])");

        Readiness.Report r = readiness.check(source, endpoint("postgres"), List.of(), List.of(), List.of(),
                OnlineSync.newBuilder().build(), -1);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("unlogged tables, whose changes never"
                + " reach the WAL").contains(": public.scratch;").contains("SET LOGGED"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("types the change stream does not carry")
                .contains("public.shapes.opens (time with time zone), public.shapes.flags (bit(3)),"
                        + " public.shapes.spots (point[])"));

        TestPostgres.sql("ready_unlogged", "ALTER TABLE scratch SET LOGGED", "DROP TABLE shapes");
        Readiness.Report ok = readiness.check(source, endpoint("postgres"), List.of(), List.of(), List.of(),
                OnlineSync.newBuilder().build(), -1);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.passed()).anySatisfy(p -> assertThat(p).contains("every table is logged"))
                .anySatisfy(p -> assertThat(p).contains("every column has a type the change stream carries"));
    }

    @Test
    void onlineModeNamesAWalLevelBelowLogicalAndNoFreeSlotsOrSenders() throws Exception {
        try (EmbeddedPostgres replica = EmbeddedPostgres.builder().setServerConfig("wal_level", "replica")
                .setServerConfig("max_replication_slots", "1").setServerConfig("max_wal_senders", "0").start()) {
            try (Connection c = replica.getPostgresDatabase().getConnection()) {
                Sql.execute(c, "CREATE TABLE t (id int PRIMARY KEY)");
                Sql.execute(c, "SELECT pg_create_physical_replication_slot('taken')");
            }
            DatabaseEndpoint source = DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(replica.getPort())
                    .setDatabase("postgres").setUser("postgres").setPassword("").build();

            Readiness.Report r = readiness.check(source, endpoint("postgres"), List.of(), List.of(), List.of(),
                    OnlineSync.newBuilder().build(), -1);

            assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("wal_level is replica; online mode"
                    + " needs logical"));
            assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("no free replication slots (all 1 in"
                    + " use); raise max_replication_slots"));
            assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("no free WAL senders"));
        }
    }

    @Test
    void aTargetOlderThanItsSourceIsNamed() throws Exception {
        Path bundle = Path.of("target", "newer-postgres", "newer-postgres.jar");
        try (EmbeddedPostgres newer = EmbeddedPostgres.builder().setPgBinaryResolver((system, machine) -> {
            ZipFile jar = new ZipFile(bundle.toFile());
            String name = ("postgres-" + system + "-" + machine + ".txz").toLowerCase(java.util.Locale.ROOT);
            if (jar.getEntry(name) == null) {
                throw new java.io.IOException(bundle + " has no " + name);
            }
            return jar.getInputStream(jar.getEntry(name));
        }).start()) {
            DatabaseEndpoint source = DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(newer.getPort())
                    .setDatabase("postgres").setUser("postgres").setPassword("").build();

            Readiness.Report r = readiness.check(source, endpoint("postgres"), List.of(), List.of(), List.of());

            assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("runs PostgreSQL 17, older than the"
                    + " source's 18"));
        }
    }

    @Test
    void theTargetsFreeSpaceIsEstimatedFromThePlansStorageSize() {
        Readiness.Report tight = readiness.check(endpoint("src"), endpoint("postgres"), List.of(), List.of(),
                List.of(), null, 1024);
        Readiness.Report roomy = readiness.check(endpoint("src"), endpoint("postgres"), List.of(), List.of(),
                List.of(), null, 1L << 40);
        Readiness.Report unknown = readiness.check(endpoint("src"), endpoint("postgres"), List.of(), List.of(),
                List.of());

        assertThat(tight.problems()).anySatisfy(p -> assertThat(p).contains("has only about -")
                .contains("free of its 1.0 kB").contains("the copy needs about"));
        assertThat(roomy.problems()).isEmpty();
        assertThat(roomy.passed()).anySatisfy(p -> assertThat(p).contains("free of its 1.0 TB"));
        assertThat(unknown.passed()).anySatisfy(p -> assertThat(p).contains("give targetStorage in the plan"));
    }
}
