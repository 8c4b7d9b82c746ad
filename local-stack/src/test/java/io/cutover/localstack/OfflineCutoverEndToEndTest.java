package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.cutover.testing.Sql;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.CutoverCompleted;
import io.cutover.schemas.LifecycleEvent;
import io.cutover.schemas.StepCompleted;
import io.cutover.schemas.Topics;
import tools.jackson.databind.JsonNode;

class OfflineCutoverEndToEndTest {

    private static final List<String> TABLES = List.of("public.customers", "public.products", "public.orders",
            "public.order_items", "public.events");

    private final LocalStack stack = SharedStack.get();
    private final DatabaseServers db = stack.databases();
    private final AdminClient admin = SharedStack.admin();

    @Test
    void anOfflineCutoverCopiesEverythingAndMovesTheProxyToTheTarget() throws Exception {
        String database = "e2e_ok";
        SampleWorkload.create(db.sourcePort(), database, 30_000);

        String id = admin.create(SamplePlan.json("E2E offline", db.sourcePort(), db.targetPort(), database, 3,
                "ok.example.com"));
        admin.start(id);
        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });

        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("COMPLETED");
        assertThat(details(end, "VALIDATE_DATA")).hasSize(5).allSatisfy(line -> assertThat(line).endsWith(": equal"));
        assertThat(details(end, "CHECK_READINESS")).allSatisfy(line -> assertThat(line).startsWith("ok: "))
                .anySatisfy(line -> assertThat(line).startsWith("ok: critical query 'a customer's recent orders' takes"));
        assertThat(details(end, "VERIFY_TARGET")).contains("ok: check 'orders readable' on the target returned 't'")
                .anySatisfy(line -> assertThat(line).startsWith("ok: critical query 'a customer's recent orders' "
                        + "takes").contains("on the target (source"));
        try (Connection source = db.source(database); Connection target = db.target(database)) {
            for (String table : TABLES) {
                assertThat(Sql.digest(target, table)).as(table).isEqualTo(Sql.digest(source, table));
            }
            String definitions = "SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    + "UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
                    + "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1";
            assertThat(Sql.column(target, definitions)).isEqualTo(Sql.column(source, definitions)).hasSizeGreaterThan(10);
            assertThat(Sql.one(target, "INSERT INTO products (sku, title, price) VALUES ('NEW-1', 'new', 1) "
                    + "RETURNING id")).isEqualTo(String.valueOf(
                    Long.parseLong(Sql.one(source, "SELECT max(id) FROM products")) + 1));
            for (String seq : Sql.column(source, "SELECT schemaname || '.' || sequencename FROM pg_sequences "
                    + "WHERE last_value IS NOT NULL")) {
                long used = Long.parseLong(Sql.one(source, "SELECT last_value FROM " + seq));
                assertThat(Long.parseLong(Sql.one(target, "SELECT nextval('" + seq + "')"))).as(seq)
                        .isGreaterThan(used);
            }
            assertThatThrownBy(() -> Sql.execute(source, "INSERT INTO events (occurred_at, kind, payload) "
                    + "VALUES (now(), 'late', '{}')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction");
        }
        try (Connection viaProxy = EmbeddedDatabases.connect(stack.proxy().port(), database)) {
            assertThat(Sql.one(viaProxy, "SELECT inet_server_port()")).isEqualTo(String.valueOf(db.targetPort()));
        }
        assertThat(subjects("ok.example.com", 6)).containsExactlyInAnyOrder(
                "[Cutover] Scheduled: E2E offline", "[Cutover] Scheduled: E2E offline",
                "[Cutover] Scheduled: E2E offline", "[Cutover] Completed: E2E offline",
                "[Cutover] Completed: E2E offline", "[Cutover] Completed: E2E offline");
        List<LifecycleEvent> events = lifecycle(id);
        assertThat(events).extracting(e -> e.getPayload().getClass().getSimpleName())
                .startsWith("CutoverCreated", "CutoverStarted").endsWith("CutoverCompleted")
                .filteredOn("StepCompleted"::equals).hasSize(8);
        assertThat(events).extracting(LifecycleEvent::getPayload).filteredOn(StepCompleted.class::isInstance)
                .map(StepCompleted.class::cast).filteredOn(s -> s.getStepName().equals("VALIDATE_DATA"))
                .singleElement().satisfies(s -> assertThat(s.getDetails()).hasSize(5)
                        .allSatisfy(line -> assertThat(line).endsWith(": equal")));
    }

    @Test
    void aFailedValidationUnfencesTheSourceAndLeavesTrafficWhereItWas() throws Exception {
        String database = "e2e_bad";
        SampleWorkload.create(db.sourcePort(), database, 10_000);
        sabotageTarget(database);
        String upstreamBefore = stack.proxy().upstream();

        String id = admin.create(SamplePlan.json("E2E sabotaged", db.sourcePort(), db.targetPort(), database, 2,
                "bad.example.com"));
        admin.start(id);
        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });

        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("FAILED");
        assertThat(end.get("failureReason").asString())
                .startsWith("VALIDATE_DATA failed: public.events differs: source 900 rows, target 891; "
                        + "9 missing on the target, 0 extra, 0 different (missing on the target: id=97; "
                        + "missing on the target: id=194; missing on the target: id=291; ...)");
        assertThat(details(end, "VALIDATE_DATA")).anySatisfy(line -> assertThat(line)
                .startsWith("public.events: 900 source rows, 891 target rows, 1 range, ")
                .endsWith("9 missing, 0 extra, 0 different (missing on the target: id=97; missing on the target: "
                        + "id=194; missing on the target: id=291; missing on the target: id=388; missing on the target: "
                        + "id=485; missing on the target: id=582; missing on the target: id=679; missing on the target: "
                        + "id=776; missing on the target: id=873)"))
                .filteredOn(line -> line.endsWith(": equal")).hasSize(4);
        Map<String, String> steps = new java.util.HashMap<>();
        end.get("steps").forEach(s -> steps.put(s.get("name").asString(), s.get("status").asString()));
        assertThat(steps).containsEntry("FENCE_SOURCE_WRITES", "COMPENSATED")
                .containsEntry("VALIDATE_DATA", "FAILED").containsEntry("REDIRECT_TRAFFIC", "PENDING")
                .containsEntry("VERIFY_TARGET", "PENDING");
        try (Connection source = db.source(database)) {
            Sql.execute(source, "INSERT INTO events (occurred_at, kind, payload) VALUES (now(), 'after', '{}')");
        }
        assertThat(stack.proxy().upstream()).isEqualTo(upstreamBefore);
        assertThat(subjects("bad.example.com", 6)).contains("[Cutover] FAILED: E2E sabotaged");
    }

    private static List<String> details(JsonNode state, String step) {
        List<String> lines = new ArrayList<>();
        state.get("steps").forEach(s -> {
            if (s.get("name").asString().equals(step)) {
                s.get("details").forEach(d -> lines.add(d.asString()));
            }
        });
        return lines;
    }

    /** A target that quietly loses every 97th event: the kind of fault validation exists to catch. */
    private void sabotageTarget(String database) throws SQLException {
        try (Connection c = db.target("postgres")) {
            Sql.execute(c, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            Sql.execute(c, "CREATE DATABASE " + database);
        }
        try (Connection c = db.target(database)) {
            Sql.execute(c, """
                    CREATE FUNCTION lose_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.id % 97 = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$""");
            Sql.execute(c, """
                    CREATE FUNCTION sabotage() RETURNS event_trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
                                 WHERE command_tag = 'CREATE TABLE' AND object_identity = 'public.events') THEN
                        CREATE TRIGGER lose_rows BEFORE INSERT ON public.events FOR EACH ROW EXECUTE FUNCTION lose_rows();
                      END IF;
                    END $$""");
            Sql.execute(c, "CREATE EVENT TRIGGER sabotage ON ddl_command_end EXECUTE FUNCTION sabotage()");
        }
    }

    private List<String> subjects(String domain, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        List<String> subjects = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            subjects.clear();
            for (MimeMessage m : stack.smtp().getReceivedMessages()) {
                if (m.getRecipients(Message.RecipientType.TO)[0].toString().endsWith("@" + domain)) {
                    subjects.add(m.getSubject());
                }
            }
            if (subjects.size() >= expected) {
                break;
            }
            Thread.sleep(100);
        }
        return subjects;
    }

    private List<LifecycleEvent> lifecycle(String id) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + id);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<LifecycleEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, LifecycleEvent> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                AvroSerde.of(LifecycleEvent.class))) {
            consumer.subscribe(List.of(Topics.LIFECYCLE));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline
                    && events.stream().noneMatch(e -> e.getPayload() instanceof CutoverCompleted)) {
                for (ConsumerRecord<String, LifecycleEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(id)) {
                        events.add(r.value());
                    }
                }
            }
        }
        return events;
    }
}
