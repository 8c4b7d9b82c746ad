package io.cutover.replication.adapter.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.replication.application.OnlineReplication;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;
import io.cutover.testing.Sql;
import io.cutover.testing.TestPostgres;

/** Online sync against embedded PostgreSQL: copy, stream, crash and restart, schema changes, the drain. */
class PostgresOnlineReplicationTest {

    private static final List<String> TABLES = List.of("public.accounts", "public.docs", "public.events",
            "public.audit", "public.people", "public.notes", "\"Sales\".\"Order Items\"", "public.kinds");
    private static final OnlineSync SYNC = OnlineSync.newBuilder().setReplicaIdentityFull(List.of("public.audit"))
            .build();

    private PostgresOnlineReplication replication = replication();

    @AfterEach
    void close() {
        replication.close();
    }

    private static PostgresOnlineReplication replication() {
        return new PostgresOnlineReplication(new PostgresDataTransfer(), 100, 1_000);
    }

    @Test
    void everyKindOfChangeArrivesOnceAndTheDrainLeavesTheTargetEqual() throws Exception {
        DatabaseEndpoint source = source("on_all_src", 2_000);
        DatabaseEndpoint target = TestPostgres.database("on_all_tgt");

        OnlineReplication.Result started = replication.start("c-all", source, target, List.of(), 2, SYNC,
                new Progress());
        assertThat(started.figures()).containsEntry("rows", 2_000L + 3 + 50 + 4 + 3 + 20 + 10 + 1);
        assertThat(started.figures()).as("the start returns once the engine delivers").containsKey("streamStartMillis");
        assertThat(started.summary()).doesNotContain("delivered nothing");

        TestPostgres.sql("on_all_src",
                "INSERT INTO accounts (owner, balance, opened, tags, doc, photo, ratio, span, nick, born, wake)"
                        + " VALUES ('zoe', 10.50, now(), '{a,\"b c\",NULL}', '{\"k\": [1, 2]}', '\\x00ff',"
                        + " 1.0e-7, '1 day 02:03:04.5', NULL, '1999-12-31', '23:59:59.999999')",
                "UPDATE accounts SET balance = balance + 1.25 WHERE id % 7 = 0",
                "DELETE FROM accounts WHERE id % 11 = 0",
                "UPDATE accounts SET id = id + 100000 WHERE id = 5",
                // the large value is not written again: it must stay as it is on the target
                "UPDATE docs SET title = title || ' v2' WHERE id = 1",
                "UPDATE docs SET body = repeat('y', 300000) WHERE id = 2",
                "TRUNCATE events",
                "INSERT INTO events (kind) SELECT 'after-truncate-' || g FROM generate_series(1, 10) g",
                "UPDATE audit SET note = 'changed' WHERE note = 'n2'",
                "DELETE FROM audit WHERE note = 'n3'",
                "INSERT INTO audit VALUES ('n1'), ('n1')",
                // values that need quoting inside the array literals the bulk statements carry
                "INSERT INTO notes VALUES (101, E'quote \" and backslash \\\\ and {braces}, commas', 1.5, now(),"
                        + " '{\"a\": \"x\\\"y\"}', '\\x5c22', '-3 days', ' padded ', '2024-02-29', '12:00', NULL),"
                        + " (102, 'NULL', NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, gen_random_uuid()),"
                        + " (103, E'tab\there\nnewline, ünïcødé ✓', -0.01, '1970-01-01 00:00:00+00', '[]', '\\x',"
                        + " '1 mon', 'x''y', '0001-01-01', '00:00:00.000001', NULL)",
                "UPDATE notes SET body = body || E' \\\\ \"edited\"', amount = amount * 2, doc = '{\"b\": null}'"
                        + " WHERE id % 3 = 0",
                "UPDATE notes SET nick = NULL, wake = NULL WHERE id % 4 = 1",
                "DELETE FROM notes WHERE id % 5 = 2",
                "DELETE FROM notes WHERE id = 102",
                // a quoted name, a two-column key, an identity column always generated, a generated column
                "INSERT INTO \"Sales\".\"Order Items\" (region, qty) SELECT 'us', g FROM generate_series(1, 5) g",
                "UPDATE \"Sales\".\"Order Items\" SET qty = qty + 100 WHERE id % 2 = 0",
                "UPDATE \"Sales\".\"Order Items\" SET region = 'apac' WHERE region = 'eu' AND id = 3",
                "DELETE FROM \"Sales\".\"Order Items\" WHERE region = 'eu' AND id = 4",
                // more types, with their edge values
                "INSERT INTO kinds VALUES (2, 'sad', '10.0.0.1/8', '192.168.0.0/16', '08:00:2b:01:02:03', '[1,5)',"
                        + " '[2024-01-01 00:00+00,2024-02-01 00:00+00)', 12.34, '<a>x</a>',"
                        + " 'fat cat', 'NaN', '-Infinity', 'NaN', 'ab', 'z', 32767, true, 'infinity', '-infinity',"
                        + " '{1.5,NULL}', '{1,2}')",
                "UPDATE kinds SET f8 = 'Infinity', r4 = 1.5e-30, num = 123456789012345678901234567890.123456789,"
                        + " ts = '0001-01-01 00:00:00', d = '9999-12-31' WHERE id = 1",
                "INSERT INTO kinds (id, ts, d) VALUES (3, '-infinity', 'infinity')",
                "UPDATE kinds SET \"Mixed Case\" = 'M', \"order\" = 7, hs = 'a=>1, \"b c\"=>NULL',"
                        + " ci = 'MiXeD' WHERE id = 2");
        OnlineReplication.Result beforeSwap = replication.awaitCatchUp("c-all", source, target, List.of(), SYNC,
                2_000, 60_000, new Progress());
        assertThat(beforeSwap.figures().get("orderedRetries")).as("every bulk statement so far went through")
                .isZero();
        // two rows swap a unique value: applied together the net changes collide, so they go one by one
        try (Connection c = TestPostgres.connect("on_all_src")) {
            c.setAutoCommit(false);
            Sql.execute(c, "UPDATE people SET email = 'tmp' WHERE id = 1");
            Sql.execute(c, "UPDATE people SET email = 'a@x' WHERE id = 2");
            Sql.execute(c, "UPDATE people SET email = 'b@x' WHERE id = 1");
            c.commit();
        }
        // one large transaction
        try (Connection c = TestPostgres.connect("on_all_src")) {
            c.setAutoCommit(false);
            Sql.execute(c, "INSERT INTO events (kind) SELECT 'bulk' FROM generate_series(1, 30000)");
            Sql.execute(c, "UPDATE accounts SET owner = owner || '!' WHERE id < 100");
            c.commit();
        }

        OnlineReplication.Result caughtUp = replication.awaitCatchUp("c-all", source, target, List.of(), SYNC,
                2_000, 60_000, new Progress());
        assertThat(caughtUp.summary()).startsWith("go:");
        fence("on_all_src");
        OnlineReplication.Result drained = replication.drain("c-all", source, target, List.of(), SYNC,
                Instant.now().plusSeconds(30), new Progress());

        assertThat(drained.figures().get("sequences")).as("two serials and an identity").isEqualTo(3L);
        assertThat(drained.figures().get("orderedRetries")).as("bulk statements undone for the swap, and only")
                .isEqualTo(1L);
        assertSame("on_all_src", "on_all_tgt");
        assertThat(drained.summary()).endsWith("the stream applies nothing more and stops after the switch");
        long notes;
        try (Connection t = TestPostgres.connect("on_all_tgt")) {
            notes = Long.parseLong(Sql.one(t, "SELECT count(*) FROM cutover_state.changed_keys"
                    + " WHERE cutover_id = 'c-all'"));
        }
        assertThat(notes).as("the sync noted the keys it changed, for validation").isPositive();
        OnlineReplication.Result stopped = replication.finish("c-all", source, target, false);
        assertThat(stopped.summary()).startsWith("stream stopped; slot and publication of c-all dropped")
                .endsWith("; the sync's " + notes + " notes of changed keys removed from the target");
        assertThat(stopped.figures().get("changedKeyNotesRemoved")).isEqualTo(notes);
        try (Connection t = TestPostgres.connect("on_all_tgt"); Connection s = TestPostgres.connect("on_all_src")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM cutover_state.changed_keys WHERE cutover_id = 'c-all'"))
                    .isEqualTo("0");
            assertThat(Sql.one(t, "SELECT length(body) FROM docs WHERE id = 1")).isEqualTo("200000");
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'bulk'")).isEqualTo("30000");
            assertThat(Sql.one(t, "SELECT last_value FROM accounts_id_seq"))
                    .isEqualTo(Sql.one(s, "SELECT last_value FROM accounts_id_seq"));
            String identity = "SELECT last_value FROM pg_sequences WHERE sequencename = 'Order Items_id_seq'";
            assertThat(Sql.one(t, identity)).isEqualTo(Sql.one(s, identity)).isEqualTo("15");
            assertThat(Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .isEqualTo("0");
            assertThat(Sql.one(s, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
            assertThat(replicaIdentity(s, "audit"))
                    .as("the keyless table's replica identity put back after the stop").isEqualTo("d");
        }
    }

    @Test
    void aWriteThatGetsPastTheFenceAfterTheDrainIsNotAppliedAndTheStopNamesIt() throws Exception {
        OnlineReplication.Result drained = drainedSync("on_past", "c-past");
        DatabaseEndpoint source = TestPostgres.endpoint("on_past_src");
        DatabaseEndpoint target = TestPostgres.endpoint("on_past_tgt");
        assertSame("on_past_src", "on_past_tgt");
        OnlineReplication.Result again = replication.drain("c-past", source, target, List.of(), SYNC,
                Instant.now().plusSeconds(30), new Progress());
        assertThat(again.summary()).as("a drain sent again").startsWith("already drained");
        assertThat(again.figures().get("finalLsn")).isEqualTo(drained.figures().get("finalLsn"));

        // a session the fence did not reach writes after the final position: the held stream applies nothing
        TestPostgres.sql("on_past_src", "SET default_transaction_read_only = off",
                "INSERT INTO events (kind) VALUES ('past the fence')");
        Thread.sleep(500);
        try (Connection t = TestPostgres.connect("on_past_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'past the fence'")).isEqualTo("0");
        }

        assertThatThrownBy(() -> replication.finish("c-past", source, target, true))
                .hasMessageStartingWith("the source changed after the final position the drain took: 1 row change")
                .hasMessageContaining("on events")
                .hasMessageEndingWith("stream stopped; slot and publication kept for a fallback");
        try (Connection s = TestPostgres.connect("on_past_src")) {
            assertThat(Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .as("kept, as asked, with the change in it").isEqualTo("1");
        }
        assertThatThrownBy(() -> replication.finish("c-past", source, target, false))
                .as("asked again, it still says so, and drops what it is asked to")
                .hasMessageEndingWith("stream stopped; slot and publication of c-past dropped from the source");
    }

    @Test
    void aDrainSentAgainAfterOneThatDidNotEndStartsTheStreamAgainAndMissesNothing() throws Exception {
        drainedSync("on_redrain", "c-redrain");
        DatabaseEndpoint source = TestPostgres.endpoint("on_redrain_src");
        DatabaseEndpoint target = TestPostgres.endpoint("on_redrain_tgt");
        // as if that drain had died before it noted its end; meanwhile a session the fence did not reach writes,
        // which the held stream skipped
        TestPostgres.sql("on_redrain_tgt", "UPDATE " + ChangedKeys.SYNC + " SET drained_lsn = NULL");
        TestPostgres.sql("on_redrain_src", "SET default_transaction_read_only = off",
                "INSERT INTO events (kind) VALUES ('between the drains')");

        OnlineReplication.Result again = replication.drain("c-redrain", source, target, List.of(), SYNC,
                Instant.now().plusSeconds(60), new Progress());

        assertThat(again.summary()).startsWith("target applied the source's final position");
        assertSame("on_redrain_src", "on_redrain_tgt");
        try (Connection t = TestPostgres.connect("on_redrain_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'between the drains'")).isEqualTo("1");
        }
        assertThat(replication.finish("c-redrain", source, target, false).summary()).startsWith("stream stopped");
    }

    @Test
    void aServiceKilledMidStreamResumesWithNoDuplicateAndNoGap() throws Exception {
        DatabaseEndpoint source = source("on_kill_src", 500);
        DatabaseEndpoint target = TestPostgres.database("on_kill_tgt");
        replication.start("c-kill", source, target, List.of(), 2, SYNC, new Progress());

        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> write("on_kill_src", 1_500));
        Thread.sleep(300);
        // the apply session dies as it would with the process: its open transaction is lost
        TestPostgres.sql("on_kill_tgt", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'cutover-apply'");
        Thread.sleep(200);
        replication.close(); // and the service is gone
        writes.get(60, TimeUnit.SECONDS);

        replication = replication(); // a new instance, as after a restart
        OnlineReplication.Result resumed = replication.awaitCatchUp("c-kill", source, target, List.of(), SYNC,
                2_000, 60_000, new Progress());
        assertThat(resumed.summary()).startsWith("go:");
        fence("on_kill_src");
        replication.drain("c-kill", source, target, List.of(), SYNC, Instant.now().plusSeconds(30),
                new Progress());

        assertSame("on_kill_src", "on_kill_tgt");
        try (Connection t = TestPostgres.connect("on_kill_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind LIKE 'load-%'")).isEqualTo("1500");
        }
    }

    @Test
    void aProcessKilledHardRepeatsNothingItHadApplied() throws Exception {
        DatabaseEndpoint source = source("on_crash_src", 200);
        TestPostgres.database("on_crash_tgt");
        // the stream runs in a JVM of its own, killed without warning; it never tells the slot what it applied,
        // so everything it applied comes again after the restart and must be recognised
        Process child = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
                System.getProperty("java.class.path"), OnlineSyncProcess.class.getName(),
                String.valueOf(TestPostgres.port()), "on_crash_src", "on_crash_tgt", "c-crash")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // the writes begin once the copy is done, so that they all travel through the stream
            awaitSync("on_crash_tgt", "c-crash", "copied");
            CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> write("on_crash_src", 2_000));
            awaitSync("on_crash_tgt", "c-crash", "transactions >= 100");
            // transactions too large to keep in memory are applied as they arrive: a repeat must be undone, even
            // one that would go through (the update), or it would put back what a later transaction changed
            TestPostgres.sql("on_crash_src", "INSERT INTO events (kind) SELECT 'bulk' FROM generate_series(1, 15000)",
                    "UPDATE events SET kind = 'bulk-1' WHERE kind = 'bulk'",
                    "UPDATE events SET kind = 'bulk-2' WHERE kind = 'bulk-1' AND id % 2 = 0");
            awaitSync("on_crash_tgt", "c-crash", "(SELECT count(*) FROM events WHERE kind = 'bulk-2') = 7500");
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            writes.get(60, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        // a commit after the kill: the writes may all have ended before it, and the killed process may have applied
        // them all (and, from its heartbeats, the source's position after them); the catch-up and the drain would
        // then have nothing to wait for, and the restarted stream nothing to read, repeats included, before the
        // switch. This one only the restarted stream can bring, after the repeats that come first
        TestPostgres.sql("on_crash_src", "INSERT INTO events (kind) VALUES ('after-the-kill')");
        DatabaseEndpoint target = TestPostgres.endpoint("on_crash_tgt");

        OnlineReplication.Result drained = switchOver("c-crash", source, target);

        assertThat(drained.figures().get("repeatedTransactionsSkipped"))
                .as("what the killed process applied comes again and is skipped; the stream's figures: %s",
                        drained.figures()).isPositive();
        assertSame("on_crash_src", "on_crash_tgt");
        try (Connection t = TestPostgres.connect("on_crash_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind LIKE 'load-%'")).isEqualTo("2000");
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'bulk-2'")).isEqualTo("7500");
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'after-the-kill'")).isEqualTo("1");
        }
    }

    @Test
    void aStreamCutOffFromTheSourceMidTransactionResumesWithNoDuplicateAndNoGap() throws Exception {
        DatabaseEndpoint source = source("on_cut_src", 200);
        DatabaseEndpoint target = TestPostgres.database("on_cut_tgt");
        replication.start("c-cut", source, target, List.of(), 2, SYNC, new Progress());

        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> write("on_cut_src", 3_000));
        CompletableFuture<Void> large = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 6; i++) {
                try {
                    TestPostgres.sql("on_cut_src",
                            "INSERT INTO events (kind) SELECT 'big-" + i + "' FROM generate_series(1, 12000)",
                            "UPDATE events SET kind = kind || '+' WHERE kind = 'big-" + i + "' AND id % 3 = 0");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        // the source ends the stream's session (a network cut, a failover) three times while changes flow, each
        // time once the stream is back on the slot
        String previous = null;
        for (int cut = 0; cut < 3; cut++) {
            String session = awaitStreamingSession("on_cut_src", "cutover_c_cut", previous);
            Thread.sleep(150);
            TestPostgres.sql("on_cut_src", "SELECT pg_terminate_backend(" + session + ")");
            previous = session;
        }
        writes.get(60, TimeUnit.SECONDS);
        large.get(60, TimeUnit.SECONDS);

        OnlineReplication.Result drained = switchOver("c-cut", source, target);

        assertThat(drained.figures().get("streamRestarts")).as("one new engine per cut").isEqualTo(3L);
        try (Connection t = TestPostgres.connect("on_cut_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind LIKE 'load-%'")).isEqualTo("3000");
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind LIKE 'big-%'")).isEqualTo("72000");
        }
        assertSame("on_cut_src", "on_cut_tgt");
    }

    @Test
    void aSourceAwayLongerThanTheOutageLimitFailsTheSyncNamingWhyAndTheNextStepStartsItAgain() throws Exception {
        DatabaseEndpoint source = source("on_away_src", 50);
        DatabaseEndpoint target = TestPostgres.database("on_away_tgt");
        replication.close();
        replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 100, 1_000, 1_500);
        replication.start("c-away", source, target, List.of(), 2, SYNC, new Progress());
        write("on_away_src", 100);
        String session = awaitStreamingSession("on_away_src", "cutover_c_away", null);
        try {
            // the source takes no new session, and ends the stream's: every new engine is refused
            TestPostgres.sql("postgres", "ALTER DATABASE on_away_src ALLOW_CONNECTIONS false",
                    "SELECT pg_terminate_backend(" + session + ")");
            assertThatThrownBy(() -> replication.awaitCatchUp("c-away", source, target, List.of(), SYNC, 2_000,
                    60_000, new Progress()))
                    .hasMessageContaining("not currently accepting connections")
                    .hasMessageContaining("the outage limit is 1,500 ms");
        } finally {
            TestPostgres.sql("postgres", "ALTER DATABASE on_away_src ALLOW_CONNECTIONS true");
        }
        write("on_away_src", 100);

        // the next step starts a new stream, which picks up where the target stands
        switchOver("c-away", source, target);
        assertSame("on_away_src", "on_away_tgt");
    }

    @Test
    void aSecondApplyOfTheSameCutoverIsRefusedNamingTheSessionOfTheFirstWhichGoesOn() throws Exception {
        DatabaseEndpoint source = source("on_twice_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_twice_tgt");
        replication.start("c-twice", source, target, List.of(), 2, SYNC, new Progress());

        // another instance of the service, as when an old one was cut off but not stopped
        PostgresOnlineReplication other = replication();
        try {
            assertThatThrownBy(() -> other.awaitCatchUp("c-twice", source, target, List.of(), SYNC, 2_000, 60_000,
                    new Progress()))
                    .hasMessageStartingWith("another apply of cutover c-twice holds the target: session ")
                    .hasMessageContaining("(cutover-apply, from ");
        } finally {
            other.close();
        }

        TestPostgres.sql("on_twice_src", "INSERT INTO events (kind) VALUES ('after the refusal')");
        switchOver("c-twice", source, target);
        assertSame("on_twice_src", "on_twice_tgt");
    }

    /** The switch as the saga runs it: the catch-up, the fence (the source database turned read-only), the drain. */
    private OnlineReplication.Result switchOver(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target)
            throws Exception {
        replication.awaitCatchUp(cutoverId, source, target, List.of(), SYNC, 2_000, 60_000, new Progress());
        fence(source.getDatabase());
        return replication.drain(cutoverId, source, target, List.of(), SYNC, Instant.now().plusSeconds(30),
                new Progress());
    }

    /** The session streaming from the slot, once there is one other than the one given. */
    private static String awaitStreamingSession(String db, String slot, String other) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            try (Connection c = TestPostgres.connect(db)) {
                String pid = Sql.one(c, "SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot + "'");
                if (!pid.equals("0") && !pid.equals(other)) {
                    return pid;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no new session streams from slot " + slot);
    }

    /** Waits until the sync state of the cutover on the target meets the condition. */
    private static void awaitSync(String db, String cutoverId, String condition) throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < until) {
            try (Connection t = TestPostgres.connect(db)) {
                if (!Sql.column(t, "SELECT 1 FROM cutover_state.online_sync WHERE cutover_id = '" + cutoverId
                        + "' AND " + condition).isEmpty()) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                // the state table is not there yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the stream in the child process never reached: " + condition);
    }

    @Test
    void aCopyKilledHalfwayStartsOverFromANewSlotAndEndsIdentical() throws Exception {
        DatabaseEndpoint source = source("on_copy_src", 300_000);
        DatabaseEndpoint target = TestPostgres.database("on_copy_tgt");

        CompletableFuture<OnlineReplication.Result> first = CompletableFuture.supplyAsync(() -> {
            try {
                return replication.start("c-copy", source, target, List.of(), 2, SYNC, new Progress());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // once rows flow, every session of the copy dies, the slot's exporting session among them
        awaitRowsOnTarget("on_copy_tgt");
        TestPostgres.sql("on_copy_src", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name LIKE 'cutover%' AND pid <> pg_backend_pid()");
        assertThat(first).failsWithin(60, TimeUnit.SECONDS);
        write("on_copy_src", 200);

        OnlineReplication.Result second = replication.start("c-copy", source, target, List.of(), 2, SYNC,
                new Progress());
        assertThat(second.summary()).startsWith("initial copy:");
        write("on_copy_src", 200);
        switchOver("c-copy", source, target);
        assertSame("on_copy_src", "on_copy_tgt");
    }

    @Test
    void aBacklogReadWhileTheWriterIsBusyIsAppliedInFewLargeCommits() throws Exception {
        DatabaseEndpoint source = source("on_group_src", 50);
        DatabaseEndpoint target = TestPostgres.database("on_group_tgt");
        replication.start("c-group", source, target, List.of(), 2, SYNC, new Progress());
        replication.awaitCatchUp("c-group", source, target, List.of(), SYNC, 2_000, 60_000, new Progress());
        long commitsBefore = replication.figures("c-group").get("targetCommits");
        long transactionsBefore = replication.figures("c-group").get("appliedTransactions");

        // each statement of the writer into events takes 100 ms more (a trigger that fires for replicated rows too,
        // and changes nothing), so that the writer is the slower of the two, as when a target lags behind
        TestPostgres.sql("on_group_tgt", """
                CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END $$""",
                "CREATE TRIGGER slow AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION slow()",
                "ALTER TABLE events ENABLE ALWAYS TRIGGER slow");
        // and it waits on a lock while the source writes 11,000 transactions: the stream reads them meanwhile
        try (Connection lock = TestPostgres.connect("on_group_tgt")) {
            lock.setAutoCommit(false);
            Sql.execute(lock, "LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
            write("on_group_src", 10_000);
            Thread.sleep(1_000);
            lock.commit();
        }
        // the commits it took to apply them (and not the heartbeats' after them)
        Map<String, Long> figures = replication.figures("c-group");
        long until = System.currentTimeMillis() + 60_000;
        while (figures.get("appliedTransactions") - transactionsBefore < 11_000 && System.currentTimeMillis() < until) {
            Thread.sleep(2);
            figures = replication.figures("c-group");
        }
        long transactions = figures.get("appliedTransactions") - transactionsBefore;
        long commits = figures.get("targetCommits") - commitsBefore;
        assertThat(transactions).isGreaterThanOrEqualTo(11_000);
        // one commit per batch would be at least 11 (the batches of 1,024 the backlog fills); grouped, the batches
        // read while a commit runs join the next, up to 8,192 changes each
        assertThat(commits).as("target commits for %d source transactions", transactions)
                .isLessThan(11_000 / CdcStream.MAX_BATCH).isPositive();
        switchOver("c-group", source, target);
        assertSame("on_group_src", "on_group_tgt");
        replication.stop("c-group", source, target);
    }

    @Test
    void theLastTransactionBeforeAPauseIsAppliedWithoutAnotherWrite() throws Exception {
        DatabaseEndpoint source = source("on_quiet_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_quiet_tgt");
        replication.close();
        // no heartbeat of the watch for an hour: only the connector's own can end the transaction
        replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 3_600_000, 1_000);
        replication.start("c-quiet", source, target, List.of(), 2, SYNC, new Progress());

        TestPostgres.sql("on_quiet_src", "INSERT INTO events (kind) VALUES ('last before a pause')");

        long until = System.currentTimeMillis() + 30_000;
        String arrived = "0";
        while (!arrived.equals("1") && System.currentTimeMillis() < until) {
            Thread.sleep(20);
            try (Connection t = TestPostgres.connect("on_quiet_tgt")) {
                arrived = Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'last before a pause'");
            }
        }
        assertThat(arrived).as("the transaction is on the target though nothing was written after it").isEqualTo("1");

        // Debezium's streaming metrics still count, without the per-change summary and lag hand-over
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> streaming = jmx.queryNames(
                new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,*"), null);
        assertThat(streaming).hasSize(1);
        ObjectName metrics = streaming.iterator().next();
        assertThat(jmx.getAttribute(metrics, "LastEvent")).as("the lean summary: the table alone")
                .isEqualTo("public.events");
        assertThat((Long) jmx.getAttribute(metrics, "TotalNumberOfCreateEventsSeen")).isEqualTo(1L);
        replication.stop("c-quiet", source, target);
    }

    @Test
    void theCatchUpSaysGoOnlyOnceAMarkerWrittenNowComesBackWithinTheLag() throws Exception {
        DatabaseEndpoint source = source("on_probe_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_probe_tgt");
        replication.start("c-probe", source, target, List.of(), 2, SYNC, new Progress());
        replication.awaitCatchUp("c-probe", source, target, List.of(), SYNC, 500, 60_000, new Progress());

        try (Connection lock = TestPostgres.connect("on_probe_tgt")) {
            // the apply waits behind the lock: every marker is late
            lock.setAutoCommit(false);
            Sql.execute(lock, "LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
            TestPostgres.sql("on_probe_src", "INSERT INTO events (kind) VALUES ('behind the lock')");
            CompletableFuture<OnlineReplication.Result> go = CompletableFuture.supplyAsync(() -> {
                try {
                    return replication.awaitCatchUp("c-probe", source, target, List.of(), SYNC, 300, 60_000,
                            new Progress());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_500);
            assertThat(go).as("no go while the target cannot apply").isNotDone();
            lock.commit();
            // the marker held behind the lock came back too late; the next one, written at once, says go
            OnlineReplication.Result result = go.get(30, TimeUnit.SECONDS);
            assertThat(result.summary()).startsWith("go: lag ");
            assertThat(result.figures().get("probeLagMillis")).isBetween(0L, 300L);
        }
        try (Connection t = TestPostgres.connect("on_probe_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'behind the lock'")).isEqualTo("1");
        }
        replication.stop("c-probe", source, target);
    }

    @Test
    void theSlotLetsGoOnlyOfWhatTheTargetHasCommitted() throws Exception {
        DatabaseEndpoint source = source("on_mark_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_mark_tgt");
        String slot = SyncNames.of("c-mark").slot();
        replication.close();
        // the slot is told every position marked, at once
        replication = new PostgresOnlineReplication(new PostgresDataTransfer(), 100, 0);
        replication.start("c-mark", source, target, List.of(), 2, SYNC, new Progress());
        replication.awaitCatchUp("c-mark", source, target, List.of(), SYNC, 500, 60_000, new Progress());

        long written;
        try (Connection lock = TestPostgres.connect("on_mark_tgt");
             Connection s = TestPostgres.connect("on_mark_src")) {
            // the writer's commit waits behind the lock while the stream reads on, and heartbeats keep it busy
            lock.setAutoCommit(false);
            Sql.execute(lock, "LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
            Sql.execute(s, "INSERT INTO events (kind) VALUES ('behind the lock')");
            Sql.execute(s, "UPDATE people SET email = 'b2@x' WHERE id = 2");
            written = Long.parseLong(Sql.one(s, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"));
            // the stream reads the changes at once; this is more than the slot's flush interval, and many batches
            Thread.sleep(2_500);
            long applied;
            try (Connection t = TestPostgres.connect("on_mark_tgt")) {
                applied = SyncState.read(t, "c-mark").appliedLsn();
            }
            assertThat(applied).as("the commit is still waiting").isLessThan(written);
            assertThat(confirmed(s, slot)).as("the slot keeps what the target has not committed")
                    .isLessThanOrEqualTo(applied);
            lock.commit();
        }
        replication.awaitCatchUp("c-mark", source, target, List.of(), SYNC, 500, 60_000, new Progress());
        try (Connection t = TestPostgres.connect("on_mark_tgt")) {
            assertThat(Sql.one(t, "SELECT count(*) FROM events WHERE kind = 'behind the lock'")).isEqualTo("1");
            assertThat(Sql.one(t, "SELECT email FROM people WHERE id = 2")).isEqualTo("b2@x");
        }
        long until = System.currentTimeMillis() + 30_000;
        try (Connection s = TestPostgres.connect("on_mark_src")) {
            while (confirmed(s, slot) < written && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            assertThat(confirmed(s, slot)).as("once committed, the slot lets go").isGreaterThanOrEqualTo(written);
        }
        replication.stop("c-mark", source, target);
    }

    /** The position up to which the slot has let changes go. */
    private static long confirmed(Connection source, String slot) throws Exception {
        return Long.parseLong(Sql.one(source, "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'"));
    }

    @Test
    void twoCutoversStreamAtOnceEachWithMetricsOfItsOwn() throws Exception {
        DatabaseEndpoint sourceA = source("on_two_a_src", 10);
        DatabaseEndpoint targetA = TestPostgres.database("on_two_a_tgt");
        DatabaseEndpoint sourceB = source("on_two_b_src", 10);
        DatabaseEndpoint targetB = TestPostgres.database("on_two_b_tgt");
        replication.start("c-two-a", sourceA, targetA, List.of(), 2, SYNC, new Progress());
        replication.start("c-two-b", sourceB, targetB, List.of(), 2, SYNC, new Progress());
        TestPostgres.sql("on_two_a_src", "INSERT INTO events (kind) VALUES ('for a')");
        TestPostgres.sql("on_two_b_src", "INSERT INTO events (kind) VALUES ('for b')");

        // a stream whose metrics could not take their name would wait a minute, then stop
        assertThat(replication.awaitCatchUp("c-two-a", sourceA, targetA, List.of(), SYNC, 500, 30_000,
                new Progress()).summary()).startsWith("go:");
        assertThat(replication.awaitCatchUp("c-two-b", sourceB, targetB, List.of(), SYNC, 500, 30_000,
                new Progress()).summary()).startsWith("go:");
        try (Connection a = TestPostgres.connect("on_two_a_tgt"); Connection b = TestPostgres.connect("on_two_b_tgt")) {
            assertThat(Sql.column(a, "SELECT kind FROM events WHERE kind LIKE 'for %'")).containsExactly("for a");
            assertThat(Sql.column(b, "SELECT kind FROM events WHERE kind LIKE 'for %'")).containsExactly("for b");
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat(jmx.queryNames(new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,*"),
                null).stream().map(n -> n.getKeyProperty("cutover")))
                .containsExactlyInAnyOrder("cutover_c_two_a", "cutover_c_two_b");
        replication.stop("c-two-a", sourceA, targetA);
        replication.stop("c-two-b", sourceB, targetB);
    }

    @Test
    void aSchemaChangeOnTheSourceStopsTheSyncBeforeTheSwitch() throws Exception {
        DatabaseEndpoint source = source("on_ddl_src", 100);
        DatabaseEndpoint target = TestPostgres.database("on_ddl_tgt");
        replication.start("c-ddl", source, target, List.of(), 2, SYNC, new Progress());

        TestPostgres.sql("on_ddl_src", "ALTER TABLE accounts ADD COLUMN vip boolean DEFAULT false");

        assertThatThrownBy(() -> replication.awaitCatchUp("c-ddl", source, target, List.of(), SYNC, 2_000,
                60_000, new Progress()))
                .hasMessageContaining("schema changed during the sync")
                .hasMessageContaining("public.accounts")
                .hasMessageContaining("stops before the switch");
        OnlineReplication.Result stopped = replication.stop("c-ddl", source, target);
        assertThat(stopped.summary()).contains("dropped").doesNotContain("replica identity");
        try (Connection s = TestPostgres.connect("on_ddl_src")) {
            assertThat(Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .isEqualTo("0");
            assertThat(replicaIdentity(s, "audit"))
                    .as("the source stays in use as it was before the sync").isEqualTo("d");
        }
    }

    @Test
    void replicaIdentitiesAreLeftAsTheSyncFoundThemAndOneStillInUseIsNamed() throws Exception {
        DatabaseEndpoint source = source("on_ident_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_ident_tgt");
        TestPostgres.sql("on_ident_src", "CREATE TABLE log2 (line text)", "ALTER TABLE log2 REPLICA IDENTITY FULL");
        OnlineSync sync = OnlineSync.newBuilder().setReplicaIdentityFull(List.of("public.audit", "public.log2"))
                .build();
        replication.start("c-ident", source, target, List.of(), 2, sync, new Progress());
        OnlineReplication.Result stopped;
        try (Connection app = TestPostgres.connect("on_ident_src")) {
            // an application's open transaction holds the table: the identity is not waited for past a short while
            app.setAutoCommit(false);
            Sql.execute(app, "SELECT count(*) FROM audit");
            stopped = replication.stop("c-ident", source, target);
        }

        assertThat(stopped.summary()).contains("replica identity still FULL on the source: public.audit (")
                .contains("lock timeout").contains("run ALTER TABLE \"public\".\"audit\" REPLICA IDENTITY DEFAULT")
                .doesNotContain("log2");
        try (Connection s = TestPostgres.connect("on_ident_src")) {
            assertThat(replicaIdentity(s, "log2"))
                    .as("FULL before the sync").isEqualTo("f");
            assertThat(replicaIdentity(s, "audit")).isEqualTo("f");
        }
        // once the application lets go, stopping again puts it back
        assertThat(replication.stop("c-ident", source, target).summary()).doesNotContain("replica identity");
        try (Connection s = TestPostgres.connect("on_ident_src")) {
            assertThat(replicaIdentity(s, "audit")).isEqualTo("d");
        }
    }

    @Test
    void aChangeThatFindsNoRowOnTheTargetStopsTheSyncNamingTheRow() throws Exception {
        DatabaseEndpoint source = source("on_miss_src", 100);
        DatabaseEndpoint target = TestPostgres.database("on_miss_tgt");
        replication.start("c-miss", source, target, List.of(), 2, SYNC, new Progress());
        TestPostgres.sql("on_miss_src", "UPDATE people SET email = 'a2@x' WHERE id = 1");
        assertThat(replication.awaitCatchUp("c-miss", source, target, List.of(), SYNC, 2_000, 60_000,
                new Progress()).summary()).startsWith("go:");

        // someone changes the target behind the sync's back: the next update of that row finds nothing there
        TestPostgres.sql("on_miss_tgt", "DELETE FROM people WHERE id = 3");
        TestPostgres.sql("on_miss_src", "UPDATE people SET email = 'c2@x' WHERE id = 3");

        assertThatThrownBy(() -> replication.awaitCatchUp("c-miss", source, target, List.of(), SYNC, 2_000,
                60_000, new Progress()))
                .hasMessageContaining("update of public.people (id=3)")
                .hasMessageContaining("touched 0 rows on the target instead of 1");
        replication.stop("c-miss", source, target);
    }

    @Test
    void aSlotRetainingMoreWalThanThePlanAllowsRaisesAnAlarm() throws Exception {
        DatabaseEndpoint source = source("on_alarm_src", 100);
        DatabaseEndpoint target = TestPostgres.database("on_alarm_tgt");
        List<String> alarms = new java.util.concurrent.CopyOnWriteArrayList<>();
        replication.onAlarm((id, summary, figures) -> alarms.add(id + " " + summary + " " + figures));

        replication.start("c-alarm", source, target, List.of(), 2, OnlineSync.newBuilder()
                .setReplicaIdentityFull(List.of("public.audit")).setSlotRetentionAlarmBytes(1).build(),
                new Progress());

        long until = System.currentTimeMillis() + 30_000;
        while (alarms.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(alarms).singleElement().asString().startsWith("c-alarm replication slot cutover_c_alarm retains")
                .contains("above the plan's 1").contains("slotRetentionBytes");
        replication.stop("c-alarm", source, target);
    }

    @Test
    void aTableWithoutKeyOrChosenIdentityIsRefusedByName() throws Exception {
        DatabaseEndpoint source = source("on_key_src", 10);
        DatabaseEndpoint target = TestPostgres.database("on_key_tgt");

        assertThatThrownBy(() -> replication.start("c-key", source, target, List.of(), 2,
                OnlineSync.newBuilder().build(), new Progress()))
                .hasMessageContaining("tables without a primary key or replica identity: public.audit")
                .hasMessageContaining("replicaIdentityFull");
        try (Connection s = TestPostgres.connect("on_key_src")) {
            assertThat(Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .isEqualTo("0");
        }
    }

    private static void assertSame(String sourceDb, String targetDb) throws Exception {
        try (Connection s = TestPostgres.connect(sourceDb); Connection t = TestPostgres.connect(targetDb)) {
            for (String table : TABLES) {
                assertThat(Sql.digest(t, table)).as(table).isEqualTo(Sql.digest(s, table));
            }
        }
    }

    /** A sync from name_src (with a few rows) to name_tgt, started, caught up, fenced on the source and drained. */
    private OnlineReplication.Result drainedSync(String name, String cutoverId) throws Exception {
        DatabaseEndpoint source = source(name + "_src", 20);
        DatabaseEndpoint target = TestPostgres.database(name + "_tgt");
        replication.start(cutoverId, source, target, List.of(), 2, SYNC, new Progress());
        replication.awaitCatchUp(cutoverId, source, target, List.of(), SYNC, 2_000, 60_000, new Progress());
        fence(name + "_src");
        return replication.drain(cutoverId, source, target, List.of(), SYNC, Instant.now().plusSeconds(30),
                new Progress());
    }

    private static void fence(String db) throws Exception {
        TestPostgres.sql(db, "ALTER DATABASE " + db + " SET default_transaction_read_only = on");
    }

    private static void write(String db, int transactions) {
        try (Connection c = TestPostgres.connect(db)) {
            for (int i = 0; i < transactions; i++) {
                Sql.execute(c, "INSERT INTO events (kind) VALUES ('load-" + i + "')");
                if (i % 10 == 0) {
                    Sql.execute(c, "UPDATE accounts SET balance = balance + 1 WHERE id = " + (1 + i % 50));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitRowsOnTarget(String db) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            try (Connection t = TestPostgres.connect(db)) {
                String rows = Sql.one(t, "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables");
                if (Long.parseLong(rows) > 0 || !Sql.column(t, "SELECT 1 FROM pg_stat_activity WHERE"
                        + " query LIKE 'COPY%FROM STDIN%' AND datname = '" + db + "'").isEmpty()) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the copy never started");
    }

    /** A source with a key of every common type, large values, a table to truncate and a keyless table. */
    /** The table's replica identity on that database: d(efault), n(othing), f(ull) or i(ndex). */
    private static String replicaIdentity(Connection c, String table) throws Exception {
        return Sql.one(c, "SELECT relreplident FROM pg_class WHERE oid = '" + table + "'::regclass");
    }

    private static DatabaseEndpoint source(String db, int accounts) throws Exception {
        DatabaseEndpoint endpoint = TestPostgres.database(db);
        TestPostgres.sql(db, """
                CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL, balance numeric(12,2),
                  opened timestamptz, tags text[], doc jsonb, photo bytea, ratio float8, span interval,
                  nick varchar(20), born date, wake time, uid uuid DEFAULT gen_random_uuid())""",
                "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
                "CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, at timestamp DEFAULT now())",
                "CREATE TABLE audit (note text)",
                "CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE NOT NULL)",
                "INSERT INTO people VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x')",
                "INSERT INTO accounts (owner, balance, opened, tags, doc, photo, ratio, span, nick, born, wake)"
                        + " SELECT 'owner ' || g, g * 1.5, now() - g * interval '1 minute', ARRAY['t' || g],"
                        + " jsonb_build_object('n', g), decode(md5(g::text), 'hex'), g / 3.0, g * interval '1 s',"
                        + " 'n' || g, date '2000-01-01' + g, time '00:00' + g * interval '1 s'"
                        + " FROM generate_series(1, " + accounts + ") g",
                "INSERT INTO docs SELECT g, 'doc ' || g, repeat('x', 200000) FROM generate_series(1, 3) g",
                "INSERT INTO events (kind) SELECT 'seed' FROM generate_series(1, 50)",
                "INSERT INTO audit VALUES ('n1'), ('n2'), ('n3'), ('n4')",
                // every common type but arrays: its changes travel as one array per column
                """
                CREATE TABLE notes (id int PRIMARY KEY, body text, amount numeric(12,2), at timestamptz, doc jsonb,
                  raw bytea, span interval, nick varchar(20), born date, wake time, uid uuid)""",
                "INSERT INTO notes SELECT g, 'note \"' || g || '\" \\ {' || g || '}', g / 7.0, now() - g * interval '1 h',"
                        + " jsonb_build_object('n', g, 's', 'q\"' || g), decode(md5(g::text), 'hex'), g * interval '1 d',"
                        + " 'n' || g, date '2001-01-01' + g, time '01:00' + g * interval '1 min', gen_random_uuid()"
                        + " FROM generate_series(1, 20) g",
                "CREATE SCHEMA \"Sales\"",
                """
                CREATE TABLE "Sales"."Order Items" (region text, id int GENERATED ALWAYS AS IDENTITY, qty int,
                  total numeric GENERATED ALWAYS AS (qty * 2.5) STORED, PRIMARY KEY (region, id))""",
                "INSERT INTO \"Sales\".\"Order Items\" (region, qty) SELECT 'eu', g FROM generate_series(1, 10) g",
                "CREATE TYPE mood AS ENUM ('happy', 'sad')",
                "CREATE EXTENSION IF NOT EXISTS hstore",
                "CREATE EXTENSION IF NOT EXISTS citext",
                """
                CREATE TABLE kinds (id int PRIMARY KEY, m mood, ip inet, net cidr, mac macaddr, ir int4range,
                  tr tstzrange, cash money, x xml, tv tsvector, f8 float8, r4 real, num numeric, ch char(5),
                  c1 "char", sm smallint, b bool, ts timestamp, d date, nums numeric[], grid int[],
                  "Mixed Case" text, "order" int, hs hstore, ci citext)""",
                "INSERT INTO kinds VALUES (1, 'happy', '::1', '10.0.0.0/8', '08:00:2b:01:02:04', 'empty', NULL,"
                        + " 0, NULL, 'a b', 1.0, 2.0, 3.0, 'x', 'y', -1, false, now(), current_date,"
                        + " '{}', NULL)");
        return endpoint;
    }
}
