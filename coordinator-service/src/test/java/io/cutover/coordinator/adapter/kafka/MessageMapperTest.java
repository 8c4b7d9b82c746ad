package io.cutover.coordinator.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cutover.coordinator.domain.CommandRequest;
import io.cutover.coordinator.domain.CutoverSaga;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.PlanReader;
import io.cutover.coordinator.domain.Plans;
import io.cutover.coordinator.domain.SagaEvent;
import io.cutover.coordinator.domain.StepName;
import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.Envelope;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.StopReplication;
import io.cutover.schemas.TableValidation;

/** The commands the saga's requests become, and the events its outcomes become. */
class MessageMapperTest {

    private final MessageMapper mapper = new MessageMapper();
    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
    // as the coordinator reads outcomes: loading the serde also lets Avro build our records
    private final AvroSerde<Outcome> outcomes = AvroSerde.of(Outcome.class);

    @Test
    void theStopAfterTheSwitchChecksTheSlotAndKeepsItWhenThePlanDoesAndARollbackDropsIt() {
        CutoverState keeping = online(true);

        StopReplication after = stop(keeping, StepName.STOP_REPLICATION);
        assertThat(after.getAfterSwitch()).isTrue();
        assertThat(after.getKeepSlot()).isTrue();
        StopReplication rollback = stop(keeping, StepName.START_REPLICATION);
        assertThat(rollback.getAfterSwitch()).as("the compensation of the start: the source stays live").isFalse();
        assertThat(rollback.getKeepSlot()).isFalse();
        assertThat(stop(online(false), StepName.STOP_REPLICATION).getKeepSlot()).isFalse();
    }

    @Test
    void eachTablesValidationBecomesALineOfTheOutcome() {
        Outcome outcome = Outcome.newBuilder()
                .setEnvelope(Envelope.newBuilder().setCutoverId("c-map").setMessageId("m").setStep("VALIDATE_DATA")
                        .setAttempt(1).setTimestamp(now).build())
                .setPayload(DataValidated.newBuilder().setSummary("2 tables").setResults(List.of(
                        table("public.products", 10_000, 10_000, 1, 0, List.of()),
                        table("public.orders", 30_000, 29_999, 3, 1, List.of("missing on the target: id=7"))))
                        .build())
                .build();

        Outcome read = outcomes.deserialize("outcomes", outcomes.serialize("outcomes", outcome));
        assertThat(mapper.toEvent(read).details()).containsExactly(
                "public.products: 10,000 source rows, 10,000 target rows, 1 range, 20 ms (500,000 rows/s): equal",
                "public.orders: 30,000 source rows, 29,999 target rows, 3 ranges, 20 ms (1,500,000 rows/s):"
                        + " 1 missing, 0 extra, 0 different (missing on the target: id=7)");
    }

    private static TableValidation table(String name, long source, long target, int ranges, long missing,
            List<String> examples) {
        return TableValidation.newBuilder().setTable(name).setSourceRows(source).setTargetRows(target)
                .setRowsCompared(source).setRanges(ranges).setMissing(missing).setExtra(0).setDifferent(0)
                .setDurationMillis(20).setExamples(examples).build();
    }

    private StopReplication stop(CutoverState state, StepName step) {
        return (StopReplication) mapper.toCommand(new CommandRequest("StopReplication", step.name(), 1, Map.of()),
                state, now).getPayload();
    }

    private CutoverState online(boolean keepSlot) {
        Map<String, Object> doc = Plans.document();
        doc.put("mode", "online");
        doc.put("downtimeBudget", "10s");
        doc.put("online", Map.of("keepSlot", keepSlot));
        return new CutoverSaga().apply(null, new SagaEvent.Create("c-map", PlanReader.read(doc)), now).state();
    }
}
