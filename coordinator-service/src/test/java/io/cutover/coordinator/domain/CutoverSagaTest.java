package io.cutover.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CutoverSagaTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final CutoverSaga saga = new CutoverSaga();
    private Instant now = T0;

    @Test
    void theHappyPathRunsEveryStepInOrderAndCompletes() {
        CutoverState state = started();
        for (StepDefinition def : CutoverSagas.OFFLINE.steps()) {
            state = succeed(state, def);
        }

        assertThat(state.status()).isEqualTo(CutoverStatus.COMPLETED);
        assertThat(state.steps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED));
        assertThat(state.pointOfNoReturnPassed()).isTrue();
    }

    @Test
    void eachStepSendsItsCommandWhenThePreviousOneSucceeds() {
        Transition t = saga.apply(created(), new SagaEvent.Start(), now);
        assertThat(t.commands()).containsExactly(new CommandRequest("AnnounceCutover", "ANNOUNCE", 1, Map.of()));

        t = saga.apply(t.state(), outcome("ANNOUNCE", "CutoverAnnounced"), now);
        assertThat(t.commands()).containsExactly(new CommandRequest("ProvisionTarget", "PROVISION_TARGET", 1, Map.of()));
        assertThat(t.notices()).extracting(Notice::type)
                .containsExactly(Notice.Type.STEP_COMPLETED, Notice.Type.STEP_STARTED);
    }

    @Test
    void completionNotifiesStakeholders() {
        CutoverState state = started();
        List<StepDefinition> steps = CutoverSagas.OFFLINE.steps();
        for (StepDefinition def : steps.subList(0, steps.size() - 1)) {
            state = succeed(state, def);
        }
        StepDefinition lastStep = steps.get(steps.size() - 1);
        Transition last = saga.apply(state, outcome(lastStep.name().name(), lastStep.succeededEvent()), now);

        assertThat(last.commands()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("NotifyStakeholders");
            assertThat(c.args()).containsEntry("kind", "COMPLETED");
        });
        assertThat(last.notices()).extracting(Notice::type).contains(Notice.Type.CUTOVER_COMPLETED);
    }

    @ParameterizedTest
    @EnumSource(value = StepName.class, names = {"VERIFY_TARGET", "START_REPLICATION", "AWAIT_CATCH_UP",
            "VALIDATE_RECENT", "HOLD_TRAFFIC", "DRAIN_REPLICATION", "VALIDATE_CHANGES", "STOP_REPLICATION"},
            mode = EnumSource.Mode.EXCLUDE)
    void aFailureAtAnyStepBeforeThePointOfNoReturnCompensatesWhatRanInReverseAndEndsFailed(StepName failing) {
        CutoverState state = runUntil(failing);
        StepDefinition def = CutoverSagas.OFFLINE.step(failing);

        Transition t = saga.apply(state, new SagaEvent.OutcomeReceived(failing.name(), 1, def.failedEvent(),
                "it broke", Map.of()), now);
        state = drainCompensations(t);

        assertThat(state.status()).isEqualTo(CutoverStatus.FAILED);
        assertThat(state.failureReason()).startsWith(failing + " failed: it broke");
        boolean fenced = failing.ordinal() >= StepName.FENCE_SOURCE_WRITES.ordinal();
        assertThat(stepNamed(state, StepName.FENCE_SOURCE_WRITES).status())
                .isEqualTo(fenced ? StepStatus.COMPENSATED : StepStatus.PENDING);
        assertThat(stepNamed(state, StepName.REDIRECT_TRAFFIC).status())
                .isEqualTo(failing == StepName.REDIRECT_TRAFFIC ? StepStatus.COMPENSATED : StepStatus.PENDING);
        assertThat(stepNamed(state, failing).lastError()).isEqualTo("it broke");
    }

    @Test
    void aFailureAfterThePointOfNoReturnEndsFailedWithoutRollingBack() {
        CutoverState state = runUntil(StepName.VERIFY_TARGET);
        assertThat(state.pointOfNoReturnPassed()).isTrue();

        Transition t = saga.apply(state, outcome("VERIFY_TARGET", "CutoverVerificationFailed"), now);

        assertThat(t.state().status()).isEqualTo(CutoverStatus.FAILED);
        assertThat(t.state().failureReason()).startsWith("VERIFY_TARGET failed:");
        assertThat(stepNamed(t.state(), StepName.FENCE_SOURCE_WRITES).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(stepNamed(t.state(), StepName.REDIRECT_TRAFFIC).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("NotifyStakeholders");
        assertThat(t.notices()).last().satisfies(n -> {
            assertThat(n.type()).isEqualTo(Notice.Type.CUTOVER_FAILED);
            assertThat(n.compensated()).isFalse();
            assertThat(n.text()).contains("traffic is already on the target, so nothing was rolled back");
        });
    }

    @Test
    void compensationsRunNewestFirst() {
        CutoverState state = runUntil(StepName.REDIRECT_TRAFFIC);

        Transition t = saga.apply(state, outcome("REDIRECT_TRAFFIC", "TrafficRedirectFailed"), now);
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("RevertTraffic");

        t = saga.apply(t.state(), outcome("REDIRECT_TRAFFIC", "TrafficReverted"), now);
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("UnfenceSourceWrites");

        t = saga.apply(t.state(), outcome("FENCE_SOURCE_WRITES", "SourceWritesUnfenced"), now);
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("NotifyStakeholders");
        assertThat(t.notices()).last().satisfies(n -> {
            assertThat(n.type()).isEqualTo(Notice.Type.CUTOVER_FAILED);
            assertThat(n.compensated()).isTrue();
        });
    }

    @Test
    void aStepPastItsDeadlineTimesOutAndIsCompensatedAsIfItMightHaveRun() {
        CutoverState state = runUntil(StepName.FENCE_SOURCE_WRITES);
        Duration timeout = CutoverSagas.OFFLINE.step(StepName.FENCE_SOURCE_WRITES).timeout();
        // keep the heartbeat alive so that the deadline, not the beat, ends it
        now = now.plus(timeout.minusSeconds(1));
        state = saga.apply(state, outcome("FENCE_SOURCE_WRITES", "WorkProgressed"), now).state();
        now = now.plusSeconds(1);

        Transition t = saga.apply(state, new SagaEvent.Tick(), now);

        assertThat(stepNamed(t.state(), StepName.FENCE_SOURCE_WRITES).status()).isEqualTo(StepStatus.COMPENSATING);
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("UnfenceSourceWrites");
        assertThat(t.state().failureReason()).contains("FENCE_SOURCE_WRITES timed out");
    }

    @Test
    void aSilentParticipantGetsTheCommandAgainWithTheNextAttemptThenTimesOut() {
        CutoverState state = runUntil(StepName.TRANSFER_DATA);
        Duration beat = state.plan().heartbeatTimeout();

        now = now.plus(beat);
        Transition t = saga.apply(state, new SagaEvent.Tick(), now);
        assertThat(t.commands()).containsExactly(new CommandRequest("TransferData", "TRANSFER_DATA", 2, Map.of()));

        now = now.plus(beat);
        t = saga.apply(t.state(), new SagaEvent.Tick(), now);
        assertThat(t.commands()).containsExactly(new CommandRequest("TransferData", "TRANSFER_DATA", 3, Map.of()));

        now = now.plus(beat);
        t = saga.apply(t.state(), new SagaEvent.Tick(), now);
        assertThat(stepNamed(t.state(), StepName.TRANSFER_DATA).status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(t.state().status()).isEqualTo(CutoverStatus.COMPENSATING);
    }

    @Test
    void aTickBeforeAnyDeadlineChangesNothing() {
        CutoverState state = runUntil(StepName.TRANSFER_DATA);

        Transition t = saga.apply(state, new SagaEvent.Tick(), now.plusSeconds(1));

        assertThat(t.changed()).isFalse();
        assertThat(t.commands()).isEmpty();
    }

    @Test
    void aCompensationWithoutOutcomeEndsInCompensationFailedForAnOperator() {
        CutoverState state = runUntil(StepName.TRANSFER_DATA);
        state = saga.apply(state, outcome("TRANSFER_DATA", "DataTransferFailed"), now).state();
        now = now.plus(state.plan().compensationTimeout());

        Transition t = saga.apply(state, new SagaEvent.Tick(), now);

        assertThat(t.state().status()).isEqualTo(CutoverStatus.COMPENSATION_FAILED);
        assertThat(t.state().failureReason()).contains("an operator must act");
        assertThat(t.notices()).last().satisfies(n -> assertThat(n.compensated()).isFalse());
    }

    @Test
    void aFailedCompensationIsATerminalStateOfItsOwn() {
        CutoverState state = runUntil(StepName.VALIDATE_DATA);
        state = saga.apply(state, outcome("VALIDATE_DATA", "DataValidationFailed"), now).state();

        Transition t = saga.apply(state, outcome("FENCE_SOURCE_WRITES", "WriteUnfencingFailed"), now);

        assertThat(t.state().status()).isEqualTo(CutoverStatus.COMPENSATION_FAILED);
        assertThat(stepNamed(t.state(), StepName.FENCE_SOURCE_WRITES).status())
                .isEqualTo(StepStatus.COMPENSATION_FAILED);
    }

    @Test
    void abortWhileRunningRollsBackAndEndsAborted() {
        CutoverState state = runUntil(StepName.TRANSFER_DATA);

        Transition t = saga.apply(state, new SagaEvent.Abort("change window closed"), now);
        t = saga.apply(t.state(), outcome("FENCE_SOURCE_WRITES", "SourceWritesUnfenced"), now);

        assertThat(t.state().status()).isEqualTo(CutoverStatus.ABORTED);
        assertThat(t.state().abortReason()).isEqualTo("change window closed");
    }

    @Test
    void illegalTransitionsThrow() {
        CutoverState created = created();
        assertThatThrownBy(() -> saga.apply(created, outcome("ANNOUNCE", "CutoverAnnounced"), now))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("has not started");

        CutoverState started = started();
        assertThatThrownBy(() -> saga.apply(started, new SagaEvent.Start(), now))
                .isInstanceOf(IllegalTransitionException.class).hasMessage("cannot start a cutover that is RUNNING");
        assertThatThrownBy(() -> saga.apply(started, outcome("ANNOUNCE", "DataTransferred"), now))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("waits for CutoverAnnounced or AnnouncementFailed, not DataTransferred");
        assertThatThrownBy(() -> saga.apply(started, new SagaEvent.Create("c-1", Plans.plan()), now))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("already exists");

        CutoverState done = runUntil(null);
        assertThatThrownBy(() -> saga.apply(done, new SagaEvent.Abort("too late"), now))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("already ended as COMPLETED");
    }

    @Test
    void aRepeatedOutcomeIsRecognisedAndChangesNothing() {
        CutoverState state = started();
        Transition first = saga.apply(state, outcome("ANNOUNCE", "CutoverAnnounced"), now);

        Transition again = saga.apply(first.state(), outcome("ANNOUNCE", "CutoverAnnounced"), now);

        assertThat(again.changed()).isFalse();
        assertThat(again.commands()).isEmpty();
    }

    @Test
    void theInputStateIsNeverChanged() {
        CutoverState state = started();

        saga.apply(state, outcome("ANNOUNCE", "CutoverAnnounced"), now);

        assertThat(stepNamed(state, StepName.ANNOUNCE).status()).isEqualTo(StepStatus.RUNNING);
    }

    @Test
    void anOnlineCutoverSyncsHoldsFencesDrainsAndSwitches() {
        CutoverState state = saga.apply(online(Duration.ofSeconds(30)), new SagaEvent.Start(), now).state();
        for (StepDefinition def : CutoverSagas.ONLINE.steps()) {
            state = succeed(state, def);
        }

        assertThat(state.status()).isEqualTo(CutoverStatus.COMPLETED);
        assertThat(state.steps()).extracting(StepState::name).containsExactly(StepName.ANNOUNCE,
                StepName.PROVISION_TARGET, StepName.CHECK_READINESS, StepName.START_REPLICATION,
                StepName.VALIDATE_DATA, StepName.VALIDATE_RECENT, StepName.AWAIT_CATCH_UP, StepName.HOLD_TRAFFIC,
                StepName.FENCE_SOURCE_WRITES, StepName.DRAIN_REPLICATION, StepName.VALIDATE_CHANGES,
                StepName.REDIRECT_TRAFFIC, StepName.STOP_REPLICATION, StepName.VERIFY_TARGET);
        assertThat(state.writeStallStartedAt()).isNotNull();
    }

    @Test
    void aWriteStallThatOutlastsTheBudgetGivesUpAndLeavesTheSourceLive() {
        CutoverState state = saga.apply(online(Duration.ofSeconds(30)), new SagaEvent.Start(), now).state();
        for (StepDefinition def : CutoverSagas.ONLINE.steps()) {
            if (def.name() == StepName.HOLD_TRAFFIC) {
                break;
            }
            state = succeed(state, def);
        }
        Instant stallStarts = now; // the hold is sent as the catch-up succeeds: the stall starts
        state = succeed(state, CutoverSagas.ONLINE.step(StepName.HOLD_TRAFFIC));
        state = succeed(state, CutoverSagas.ONLINE.step(StepName.FENCE_SOURCE_WRITES));
        assertThat(stepNamed(state, StepName.DRAIN_REPLICATION).deadline())
                .isEqualTo(stallStarts.plusSeconds(30));

        now = stallStarts.plusSeconds(30);
        Transition t = saga.apply(state, new SagaEvent.Tick(), now);

        assertThat(stepNamed(t.state(), StepName.DRAIN_REPLICATION).lastError())
                .contains("write stall reached the downtime budget of PT30S");
        assertThat(t.commands()).extracting(CommandRequest::name).containsExactly("UnfenceSourceWrites");
        CutoverState ended = drainCompensations(t);
        assertThat(ended.status()).isEqualTo(CutoverStatus.FAILED);
        assertThat(stepNamed(ended, StepName.FENCE_SOURCE_WRITES).status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(stepNamed(ended, StepName.HOLD_TRAFFIC).status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(stepNamed(ended, StepName.START_REPLICATION).status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(ended.failureReason()).contains("write stall reached the downtime budget");
    }

    @Test
    void anAlarmIsPublishedAndKeptWithoutChangingAnyStep() {
        CutoverState state = saga.apply(online(Duration.ofSeconds(30)), new SagaEvent.Start(), now).state();
        for (StepDefinition def : CutoverSagas.ONLINE.steps().subList(0, 5)) {
            state = succeed(state, def);
        }

        Transition t = saga.apply(state, new SagaEvent.OutcomeReceived("START_REPLICATION", 1,
                CutoverSaga.REPLICATION_ALARM, "slot retains 2 GB", Map.of("slotRetentionBytes", 2L << 30),
                List.of("slot-retention")), now);

        assertThat(t.notices()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(Notice.Type.ALARM_RAISED);
            assertThat(n.details()).containsExactly("slot-retention");
        });
        assertThat(t.state().alarms()).singleElement().asString().contains("slot retains 2 GB");
        assertThat(stepNamed(t.state(), StepName.VALIDATE_RECENT).status()).isEqualTo(StepStatus.RUNNING);
        assertThat(t.commands()).isEmpty();
    }

    private CutoverState online(Duration budget) {
        Map<String, Object> doc = Plans.document();
        doc.put("mode", "online");
        doc.put("downtimeBudget", budget.toString());
        return saga.apply(null, new SagaEvent.Create("c-on", PlanReader.read(doc)), now).state();
    }

    private CutoverState created() {
        return saga.apply(null, new SagaEvent.Create("c-1", Plans.plan()), now).state();
    }

    private CutoverState started() {
        return saga.apply(created(), new SagaEvent.Start(), now).state();
    }

    /** Runs the happy path until {@code stop} is running; null runs it to the end. */
    private CutoverState runUntil(StepName stop) {
        CutoverState state = started();
        for (StepDefinition def : CutoverSagas.OFFLINE.steps()) {
            if (def.name() == stop) {
                return state;
            }
            state = succeed(state, def);
        }
        return state;
    }

    private CutoverState succeed(CutoverState state, StepDefinition def) {
        now = now.plusSeconds(5);
        return saga.apply(state, outcome(def.name().name(), def.succeededEvent()), now).state();
    }

    private CutoverState drainCompensations(Transition t) {
        CutoverState state = t.state();
        List<CommandRequest> pending = t.commands();
        while (state.status() == CutoverStatus.COMPENSATING) {
            CommandRequest c = pending.get(0);
            StepDefinition.Compensation comp = CutoverSagas.forMode(state.plan().mode())
                    .step(StepName.valueOf(c.step())).compensation();
            Transition next = saga.apply(state, outcome(c.step(), comp.succeededEvent()), now);
            state = next.state();
            pending = next.commands();
        }
        return state;
    }

    private static SagaEvent.OutcomeReceived outcome(String step, String name) {
        return new SagaEvent.OutcomeReceived(step, 1, name, name.toLowerCase(), Map.of());
    }

    private static StepState stepNamed(CutoverState state, StepName name) {
        return state.steps().stream().filter(s -> s.name() == name).findFirst().orElseThrow();
    }
}
