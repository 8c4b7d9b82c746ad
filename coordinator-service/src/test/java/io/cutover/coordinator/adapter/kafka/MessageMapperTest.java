package io.cutover.coordinator.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cutover.coordinator.domain.CommandRequest;
import io.cutover.coordinator.domain.CutoverSaga;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.PlanReader;
import io.cutover.coordinator.domain.Plans;
import io.cutover.coordinator.domain.SagaEvent;
import io.cutover.coordinator.domain.StepName;
import io.cutover.schemas.StopReplication;

/** The commands the saga's requests become. */
class MessageMapperTest {

    private final MessageMapper mapper = new MessageMapper();
    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");

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
