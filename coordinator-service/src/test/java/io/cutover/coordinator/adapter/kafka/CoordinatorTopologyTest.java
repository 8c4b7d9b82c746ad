package io.cutover.coordinator.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cutover.coordinator.domain.CutoverSagas;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.CutoverStatus;
import io.cutover.coordinator.domain.StepDefinition;
import io.cutover.coordinator.domain.StepName;
import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.Command;
import io.cutover.schemas.CreateCutover;
import io.cutover.schemas.CutoverRequest;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.LifecycleEvent;
import io.cutover.schemas.NotificationKind;
import io.cutover.schemas.NotifyStakeholders;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.StartCutover;
import io.cutover.schemas.Topics;
import io.cutover.schemas.WorkProgressed;

class CoordinatorTopologyTest {

    private static final String ID = "c-42";
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String PLAN = """
            {"title": "Shop to Azure", "downtimeBudget": "30m", "heartbeatTimeout": "60s",
             "source": {"host": "localhost", "port": 5432, "database": "shop", "user": "u", "password": "p"},
             "target": {"host": "localhost", "port": 5433, "database": "shop", "user": "u", "password": "p"},
             "stakeholders": [{"name": "Ops", "email": "ops@example.com"}]}""";

    @TempDir
    Path stateDir;

    private final AvroSerde<CutoverRequest> requestSerde = AvroSerde.of(CutoverRequest.class);
    private final AvroSerde<Outcome> outcomeSerde = AvroSerde.of(Outcome.class);
    private final AvroSerde<Command> commandSerde = AvroSerde.of(Command.class);
    private final OutcomeFactory outcomeFactory = new OutcomeFactory();
    private Harness harness;

    @BeforeEach
    void start() {
        harness = new Harness(T0);
    }

    @AfterEach
    void stop() {
        harness.driver.close();
    }

    @Test
    void anOfflineCutoverRunsThroughEveryParticipant() {
        harness.request(new CreateCutover(PLAN));
        harness.request(new StartCutover("test"));

        for (StepDefinition def : CutoverSagas.OFFLINE.steps()) {
            Command command = harness.onlyCommand();
            assertThat(command.getPayload().getClass().getSimpleName()).isEqualTo(def.command());
            assertThat(command.getEnvelope().getMessageId())
                    .isEqualTo(Envelopes.commandId(ID, def.name().name(), 1, def.command()));
            harness.outcome(outcomeFactory.success(command, def.succeededEvent()));
        }

        assertThat(harness.state().status()).isEqualTo(CutoverStatus.COMPLETED);
        assertThat(harness.allCommands()).singleElement().satisfies(c ->
                assertThat(c.getPayload()).isInstanceOfSatisfying(NotifyStakeholders.class,
                        n -> assertThat(n.getKind()).isEqualTo(NotificationKind.COMPLETED)));
        List<String> lifecycle = harness.lifecycle.readValuesToList().stream()
                .map(e -> e.getPayload().getClass().getSimpleName()).toList();
        assertThat(lifecycle).startsWith("CutoverCreated", "CutoverStarted", "StepStarted")
                .endsWith("StepCompleted", "CutoverCompleted");
    }

    @Test
    void aSilentParticipantIsAskedAgainByTheWallClockPunctuator() {
        harness.request(new CreateCutover(PLAN));
        harness.request(new StartCutover("test"));
        Command first = harness.onlyCommand();

        harness.advance(Duration.ofSeconds(61));

        Command again = harness.onlyCommand();
        assertThat(again.getEnvelope().getAttempt()).isEqualTo(2);
        assertThat(again.getEnvelope().getStep()).isEqualTo(first.getEnvelope().getStep());
    }

    @Test
    void aRestartedCoordinatorResumesTheCutoverFromItsStore() {
        harness.request(new CreateCutover(PLAN));
        harness.request(new StartCutover("test"));
        for (StepName step : List.of(StepName.ANNOUNCE, StepName.PROVISION_TARGET, StepName.CHECK_READINESS)) {
            harness.outcome(outcomeFactory.success(harness.onlyCommand(),
                    CutoverSagas.OFFLINE.step(step).succeededEvent()));
        }
        Command fence = harness.onlyCommand();
        byte[] persisted = harness.store().get(ID);

        // The process dies; a new one restores the store from its changelog and the clock has moved on.
        harness.driver.close();
        harness = new Harness(T0.plusSeconds(70));
        harness.store().put(ID, persisted);
        harness.advance(Duration.ofSeconds(1));

        Command resent = harness.onlyCommand();
        assertThat(resent.getPayload().getClass().getSimpleName()).isEqualTo("FenceSourceWrites");
        assertThat(resent.getEnvelope().getAttempt()).isEqualTo(2);
        harness.outcome(outcomeFactory.success(fence, "SourceWritesFenced"));
        assertThat(harness.onlyCommand().getPayload().getClass().getSimpleName()).isEqualTo("TransferData");
    }

    @Test
    void poisonAndRefusedMessagesGoToTheDeadLetterTopicAndProcessingGoesOn() {
        harness.requestsRaw.pipeInput(ID, new byte[] {1, 2, 3});
        harness.request(new StartCutover("test")); // no such cutover
        harness.request(new CreateCutover("{\"title\": \"x\"}")); // invalid plan
        harness.request(new CreateCutover(PLAN));

        List<TestRecord<String, byte[]>> dead = harness.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                StandardCharsets.UTF_8))
                .satisfiesExactly(
                        r -> assertThat(r).contains("not a valid CutoverRequest"),
                        r -> assertThat(r).isEqualTo("no such cutover"),
                        r -> assertThat(r).contains("source: required").contains("downtimeBudget: required"));
        assertThat(harness.state().status()).isEqualTo(CutoverStatus.CREATED);
    }

    @Test
    void aBeatFromTheParticipantKeepsTheStepAliveAndRecordsItsFigures() {
        harness.request(new CreateCutover(PLAN));
        harness.request(new StartCutover("test"));
        Command announce = harness.onlyCommand();

        harness.advance(Duration.ofSeconds(40));
        harness.outcome(outcomeFactory.reply(announce, new WorkProgressed("2 of 3 sent", Map.of("sent", 2L))));
        harness.advance(Duration.ofSeconds(40));

        assertThat(harness.allCommands()).isEmpty();
        assertThat(harness.state().steps().get(0).metrics()).containsEntry("sent", 2L);
    }

    /** One TopologyTestDriver with typed topics. */
    private final class Harness {

        final TopologyTestDriver driver;
        final TestInputTopic<String, byte[]> requestsRaw;
        final TestInputTopic<String, byte[]> outcomes;
        final TestOutputTopic<String, LifecycleEvent> lifecycle;
        final TestOutputTopic<String, byte[]> deadLetters;
        private final StateCodec codec = new StateCodec();
        private final List<String> commandTopics = List.of(Topics.NOTIFICATION_COMMANDS,
                Topics.PROVISIONING_COMMANDS, Topics.REPLICATION_COMMANDS, Topics.VALIDATION_COMMANDS);

        Harness(Instant wallClock) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            driver = new TopologyTestDriver(CoordinatorTopology.build(Duration.ofSeconds(1)), props, wallClock);
            requestsRaw = driver.createInputTopic(Topics.REQUESTS, new StringSerializer(), new ByteArraySerializer());
            outcomes = driver.createInputTopic(Topics.OUTCOMES, new StringSerializer(), new ByteArraySerializer());
            lifecycle = driver.createOutputTopic(Topics.LIFECYCLE, new StringDeserializer(),
                    AvroSerde.of(LifecycleEvent.class));
            deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new StringDeserializer(),
                    new ByteArrayDeserializer());
        }

        void request(Object payload) {
            CutoverRequest r = new CutoverRequest(Envelopes.fresh(ID, "CUTOVER", 1, T0), payload);
            requestsRaw.pipeInput(ID, requestSerde.serialize(Topics.REQUESTS, r));
        }

        void outcome(Outcome outcome) {
            outcomes.pipeInput(ID, outcomeSerde.serialize(Topics.OUTCOMES, outcome));
        }

        void advance(Duration d) {
            driver.advanceWallClockTime(d);
        }

        /** The one command sent since the last look, on any participant's topic. */
        Command onlyCommand() {
            List<Command> sent = allCommands();
            assertThat(sent).hasSize(1);
            return sent.get(0);
        }

        /** Every command sent since the last look, on every participant's topic. */
        List<Command> allCommands() {
            List<Command> sent = new ArrayList<>();
            for (String topic : commandTopics) {
                sent.addAll(driver.createOutputTopic(topic, new StringDeserializer(), commandSerde)
                        .readValuesToList());
            }
            return sent;
        }

        KeyValueStore<String, byte[]> store() {
            return driver.getKeyValueStore(CoordinatorTopology.STORE);
        }

        CutoverState state() {
            return codec.decode(store().get(ID));
        }
    }

    /** Test data: outcomes as a participant sends them. */
    private static final class OutcomeFactory {

        Outcome success(Command command, String eventName) {
            try {
                Class<?> type = Class.forName("io.cutover.schemas." + eventName);
                Object builder = type.getMethod("newBuilder").invoke(null);
                builder.getClass().getMethod("setSummary", String.class).invoke(builder, eventName + " ok");
                try {
                    builder.getClass().getMethod("setUpstream", String.class).invoke(builder, "localhost:5433");
                } catch (NoSuchMethodException e) {
                    // only the traffic outcomes carry an upstream
                }
                return reply(command, builder.getClass().getMethod("build").invoke(builder));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("no outcome record " + eventName, e);
            }
        }

        Outcome reply(Command command, Object payload) {
            return new Outcome(Envelopes.reply(command.getEnvelope(), T0), payload);
        }
    }
}
