package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.testing.Sql;
import tools.jackson.databind.JsonNode;

/** Online cutovers on the shared stack, with the synthetic application writing through the proxy throughout. */
class OnlineCutoverEndToEndTest {

    private final LocalStack stack = SharedStack.get();
    private final DatabaseServers db = stack.databases();
    private final AdminClient admin = SharedStack.admin();

    @Test
    void anOnlineCutoverUnderWriteLoadLosesNoAcknowledgedWriteAndSwitchesToAnEqualTarget() throws Exception {
        JsonNode end = cutOverUnderLoad("e2e_online", "30s", id -> { });
        assertThat(stepsAttempted(end)).as("every step once").allSatisfy(a -> assertThat(a).endsWith(":1"));
    }

    @Test
    void aReplicationServiceRestartedMidStreamResumesFromItsSlotAndLosesNothing() throws Exception {
        String database = "e2e_online_restart";
        JsonNode end = cutOverUnderLoad(database, "3s", id -> {
            // the stream's commits wait behind a lock on its position (reads go on), so the catch-up cannot say go
            admin.awaitStep(id, "VALIDATE_DATA", "RUNNING", Duration.ofMinutes(2));
            try (Connection lock = db.target(database)) {
                lock.setAutoCommit(false);
                Sql.execute(lock, "LOCK TABLE " + ChangedKeys.SYNC + " IN EXCLUSIVE MODE");
                admin.awaitStep(id, "AWAIT_CATCH_UP", "RUNNING", Duration.ofMinutes(2));
                // while it waits for the target to catch up, the service goes away with whatever it was doing;
                // its stream stops once its commit gets through
                CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(2_000);
                        lock.commit();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                stack.restartReplication();
                release.join();
            }
        });
        assertThat(stepsAttempted(end)).as("a step of the restarted service was sent again")
                .contains("AWAIT_CATCH_UP:2");
    }

    @Test
    void rowsTheStreamChangedWrongAreCaughtAtTheSwitchAndTheApplicationStaysOnTheSource() throws Exception {
        String database = "e2e_online_tampered";
        SyntheticApplication app = writingApplication(database);
        String id = admin.create(SamplePlan.json("E2E online tampered", db.sourcePort(), db.targetPort(), database,
                3, "tampered.example.com", "online", "20s"));
        admin.start(id);
        admin.awaitStep(id, "START_REPLICATION", "SUCCEEDED", Duration.ofMinutes(2));
        // a trigger on the target that fires even for replicated rows changes some of the orders the stream updates
        try (Connection target = db.target(database)) {
            Sql.execute(target, "CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN IF NEW.id % 7 = 0 THEN NEW.note := 'tampered'; END IF; RETURN NEW; END $$");
            Sql.execute(target, "CREATE TRIGGER tamper BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION tamper()");
            Sql.execute(target, "ALTER TABLE orders ENABLE ALWAYS TRIGGER tamper");
        }
        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });
        long acks = app.acknowledged();
        awaitAcks(app, acks + 50); // the application goes on, on the source
        SyntheticApplication.Result seen = app.stop();

        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("FAILED");
        JsonNode failed = step(end, "VALIDATE_CHANGES");
        assertThat(failed.get("status").asString()).isEqualTo("FAILED");
        assertThat(failed.get("lastError").asString()).contains("orders differs").contains("different: id=");
        assertThat(stack.proxy().upstream()).endsWith(":" + db.sourcePort());
        try (Connection source = db.source(database)) {
            assertThat(SyntheticApplication.lost(source, seen.acks())).as("acknowledged writes lost").isEmpty();
            assertThat(Sql.one(source, "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database
                    + "'")).isEqualTo("0");
        }
        assertThat(seen.gaveUp()).isZero();
    }

    /** A fresh sample database on the source, and the application writing to it through the proxy. */
    private SyntheticApplication writingApplication(String database) throws Exception {
        SampleWorkload.create(db.sourcePort(), database, 20_000);
        try (Connection source = db.source(database)) {
            SyntheticApplication.prepare(source);
        }
        stack.proxy().pointTo("127.0.0.1", db.sourcePort());
        SyntheticApplication app = new SyntheticApplication(stack.proxy().port(), database, 200, 4);
        app.start();
        awaitAcks(app, 100);
        return app;
    }

    /** Steps as NAME:attempts. */
    private static List<String> stepsAttempted(JsonNode state) {
        List<String> out = new java.util.ArrayList<>();
        state.get("steps").forEach(s -> out.add(s.get("name").asString() + ":" + s.get("attempts").asInt()));
        return out;
    }

    /** What the test does while the cutover runs, given its id. */
    @FunctionalInterface
    private interface During {
        void run(String id) throws Exception;
    }

    /**
     * An online cutover of a fresh sample database while the application writes through the proxy; checks that no
     * acknowledged write is lost and that the target equals the source as of the switch.
     */
    private JsonNode cutOverUnderLoad(String database, String heartbeatTimeout, During during) throws Exception {
        SyntheticApplication app = writingApplication(database);

        String id = admin.create(SamplePlan.json("E2E online", db.sourcePort(), db.targetPort(), database, 3,
                "online.example.com", "online", "20s").replace("\"heartbeatTimeout\": \"30s\"",
                "\"heartbeatTimeout\": \"" + heartbeatTimeout + "\""));
        admin.start(id);
        during.run(id);
        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });
        long acksAtSwitch = app.acknowledged();
        awaitAcks(app, acksAtSwitch + 100); // the application goes on, now on the target
        SyntheticApplication.Result seen = app.stop();

        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("COMPLETED");
        assertThat(seen.gaveUp()).isZero();
        try (Connection source = db.source(database); Connection target = db.target(database)) {
            assertThat(SyntheticApplication.lost(target, seen.acks())).as("acknowledged writes lost").isEmpty();
            long lastOnSource = Long.parseLong(Sql.one(source, "SELECT max(id) FROM orders"));
            List<SyntheticApplication.Ack> after = seen.acks().stream().filter(a -> a.orderId() > lastOnSource)
                    .toList();
            assertThat(after).as("writes on the target after the switch").hasSizeGreaterThan(50);
            assertThat(seen.acks().size() - after.size()).as("writes on the source before it").isGreaterThan(100);
            // the rows the application touched after the switch are the only ones allowed to differ
            Set<Long> touchedAfter = new TreeSet<>();
            after.forEach(a -> {
                touchedAfter.add(a.orderId());
                touchedAfter.add(a.paidOrderId());
            });
            String excluded = touchedAfter.stream().map(String::valueOf).collect(Collectors.joining(","));
            for (String table : List.of("customers", "products", "events")) {
                assertThat(Sql.digest(target, table)).as(table).isEqualTo(Sql.digest(source, table));
            }
            assertThat(Sql.digest(target, "(SELECT * FROM orders WHERE id NOT IN (" + excluded + "))"))
                    .isEqualTo(Sql.digest(source, "(SELECT * FROM orders WHERE id NOT IN (" + excluded + "))"));
            assertThat(Sql.digest(target, "(SELECT * FROM order_items WHERE order_id NOT IN (" + excluded + "))"))
                    .isEqualTo(Sql.digest(source, "(SELECT * FROM order_items WHERE order_id NOT IN (" + excluded
                            + "))"));
            assertThat(Sql.digest(target, "(SELECT * FROM app_writes WHERE order_id NOT IN (" + excluded + "))"))
                    .isEqualTo(Sql.digest(source, "(SELECT * FROM app_writes WHERE order_id NOT IN (" + excluded
                            + "))"));
            for (String seq : Sql.column(source, "SELECT schemaname || '.' || sequencename FROM pg_sequences "
                    + "WHERE last_value IS NOT NULL")) {
                long used = Long.parseLong(Sql.one(source, "SELECT last_value FROM " + seq));
                assertThat(Long.parseLong(Sql.one(target, "SELECT nextval('" + seq + "')"))).as(seq)
                        .isGreaterThan(used);
            }
            assertThat(Sql.one(source, "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database
                    + "'")).isEqualTo("0");
        }
        assertThat(stack.proxy().upstream()).endsWith(":" + db.targetPort());
        assertThat(seen.percentileMicros(1.0)).as("the longest write stall, in micros").isLessThan(20_000_000);
        assertThat(steps(end)).containsExactly("ANNOUNCE", "PROVISION_TARGET", "CHECK_READINESS",
                "START_REPLICATION", "VALIDATE_DATA", "VALIDATE_RECENT", "AWAIT_CATCH_UP", "HOLD_TRAFFIC",
                "FENCE_SOURCE_WRITES",
                "DRAIN_REPLICATION", "VALIDATE_CHANGES", "REDIRECT_TRAFFIC", "STOP_REPLICATION",
                "VERIFY_TARGET");
        assertThat(step(end, "VALIDATE_DATA").get("summary").asString()).startsWith("baseline while the sync runs");
        assertThat(step(end, "VALIDATE_RECENT").get("summary").asString())
                .startsWith("before the switch, what changed since the last pass: ");
        JsonNode last = step(end, "VALIDATE_CHANGES");
        assertThat(last.get("summary").asString()).startsWith("at the switch, only what changed since the last pass");
        assertThat(last.get("metrics").get("rowsCompared").asLong()).as("rows compared at the switch")
                .isPositive().isLessThan(20_000);
        last.get("details").forEach(d -> assertThat(d.asString()).endsWith(": equal"));
        return end;
    }

    @Test
    void aDowntimeBudgetThatCannotBeMetLeavesTheSourceLiveAndWritable() throws Exception {
        String database = "e2e_online_abort";
        SampleWorkload.create(db.sourcePort(), database, 5_000);
        stack.proxy().pointTo("127.0.0.1", db.sourcePort());

        String id = admin.create(SamplePlan.json("E2E online abort", db.sourcePort(), db.targetPort(), database, 2,
                "abort.example.com", "online", "1ms"));
        admin.start(id);
        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });

        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("FAILED");
        assertThat(end.get("failureReason").asString()).contains("write stall reached the downtime budget of PT0.001S")
                .contains("the source stays live");
        assertThat(stack.proxy().upstream()).endsWith(":" + db.sourcePort());
        assertThat(stack.proxy().holding()).isFalse();
        try (Connection viaProxy = EmbeddedDatabases.connect(stack.proxy().port(), database)) {
            assertThat(Sql.one(viaProxy, "SELECT inet_server_port()")).isEqualTo(String.valueOf(db.sourcePort()));
            assertThat(Sql.one(viaProxy, "INSERT INTO events (occurred_at, kind, payload) VALUES (now(), 'still"
                    + " here', '{}') RETURNING kind")).isEqualTo("still here");
        }
        try (Connection source = db.source(database)) {
            assertThat(Sql.one(source, "SELECT count(*) FROM pg_replication_slots WHERE database = '" + database
                    + "'")).isEqualTo("0");
        }
    }

    private static JsonNode step(JsonNode state, String name) {
        for (JsonNode s : state.get("steps")) {
            if (s.get("name").asString().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name);
    }

    private static List<String> steps(JsonNode state) {
        List<String> names = new java.util.ArrayList<>();
        state.get("steps").forEach(s -> names.add(s.get("name").asString()));
        return names;
    }

    private static void awaitAcks(SyntheticApplication app, long count) throws InterruptedException {
        long until = System.currentTimeMillis() + 120_000;
        while (app.acknowledged() < count) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("the application acknowledged only " + app.acknowledged() + " writes");
            }
            Thread.sleep(20);
        }
    }
}
