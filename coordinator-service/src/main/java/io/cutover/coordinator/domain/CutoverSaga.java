package io.cutover.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cutover saga as a pure function: {@code (state, event, now) -> (new state, commands, notices)}. The input
 * state is never changed. The order of steps comes from the {@link SagaDefinition} for the plan's mode.
 */
public final class CutoverSaga {

    public static final String WORK_STARTED = "WorkStarted";
    public static final String WORK_PROGRESSED = "WorkProgressed";
    /** Raised by a participant while work goes on; published, never a step's outcome. */
    public static final String REPLICATION_ALARM = "ReplicationAlarm";

    public Transition apply(CutoverState current, SagaEvent event, Instant now) {
        if (event instanceof SagaEvent.Create create) {
            if (current != null) {
                throw new IllegalTransitionException("cutover " + create.id() + " already exists");
            }
            CutoverState created = CutoverState.create(create.id(), create.plan(),
                    CutoverSagas.forMode(create.plan().mode()), now);
            return new Transition(created, List.of(),
                    List.of(Notice.of(Notice.Type.CUTOVER_CREATED, null, 0, create.plan().title())), true);
        }
        if (current == null) {
            throw new IllegalTransitionException("no such cutover");
        }
        Run run = new Run(current.copy(), now);
        if (event instanceof SagaEvent.Start) {
            run.start();
        } else if (event instanceof SagaEvent.Abort abort) {
            run.abort(abort.reason());
        } else if (event instanceof SagaEvent.OutcomeReceived outcome) {
            run.outcome(outcome);
        } else if (event instanceof SagaEvent.Tick) {
            run.tick();
        }
        return new Transition(run.state, run.commands, run.notices, run.changed);
    }

    /** One application of the saga to a private copy of the state. */
    private static final class Run {

        private final CutoverState state;
        private final SagaDefinition saga;
        private final Instant now;
        private final List<CommandRequest> commands = new ArrayList<>();
        private final List<Notice> notices = new ArrayList<>();
        private boolean changed = true;

        Run(CutoverState state, Instant now) {
            this.state = state;
            this.saga = CutoverSagas.forMode(state.plan().mode());
            this.now = now;
        }

        void start() {
            requireStatus(CutoverStatus.CREATED, "start");
            state.status(CutoverStatus.RUNNING);
            state.started(now);
            notices.add(Notice.of(Notice.Type.CUTOVER_STARTED, null, 0, state.plan().title()));
            startStep(0);
        }

        void abort(String reason) {
            switch (state.status()) {
                case CREATED -> {
                    state.abortReason(reason);
                    state.status(CutoverStatus.ABORTED);
                    state.ended(now);
                    notices.add(Notice.of(Notice.Type.CUTOVER_ABORTED, null, 0, reason));
                }
                case RUNNING -> {
                    if (state.pointOfNoReturnPassed()) {
                        throw new IllegalTransitionException(
                                "cutover is past the point of no return (traffic is on the target); fall back instead");
                    }
                    StepState running = state.stepWithStatus(StepStatus.RUNNING);
                    running.fail(now, "aborted by operator while running", StepStatus.TIMED_OUT);
                    notices.add(Notice.of(Notice.Type.STEP_FAILED, running.name().name(), running.attempts(),
                            "aborted by operator"));
                    state.abortReason(reason);
                    beginCompensation("aborted by operator: " + reason);
                }
                case COMPENSATING -> throw new IllegalTransitionException("cutover is already rolling back");
                default -> throw new IllegalTransitionException("cutover already ended as " + state.status());
            }
        }

        void outcome(SagaEvent.OutcomeReceived o) {
            if (CommandRequest.NOTIFY.equals(o.step())) {
                if (o.name().equals(WORK_STARTED) || o.name().equals(WORK_PROGRESSED)) {
                    changed = false; // the final notice is sent after the saga ended; only its result is kept
                } else {
                    state.addNotification(o.name() + ": " + o.summary());
                }
                return;
            }
            StepState step = state.stepNamed(o.step());
            if (step == null) {
                throw new IllegalTransitionException("this cutover has no step " + o.step());
            }
            if (o.name().equals(REPLICATION_ALARM)) {
                state.addAlarm(now + " " + step.name() + ": " + o.summary());
                notices.add(new Notice(Notice.Type.ALARM_RAISED, step.name().name(), o.attempt(), o.summary(), 0,
                        o.metrics(), false, o.details()));
                return;
            }
            StepDefinition def = saga.step(step.name());
            boolean beat = o.name().equals(WORK_STARTED) || o.name().equals(WORK_PROGRESSED);
            switch (step.status()) {
                case PENDING -> throw new IllegalTransitionException(
                        "step " + step.name() + " has not started, yet got " + o.name());
                case RUNNING -> {
                    if (beat) {
                        step.beat(now, o.summary(), o.metrics());
                    } else if (o.name().equals(def.succeededEvent())) {
                        succeed(step, def, o);
                    } else if (o.name().equals(def.failedEvent())) {
                        step.fail(now, o.summary(), StepStatus.FAILED, o.details());
                        notices.add(new Notice(Notice.Type.STEP_FAILED, step.name().name(), o.attempt(), o.summary(),
                                0, Map.of(), false, o.details()));
                        beginCompensation(step.name() + " failed: " + o.summary());
                    } else {
                        throw unexpected(step, def.succeededEvent(), def.failedEvent(), o.name());
                    }
                }
                case COMPENSATING -> compensationOutcome(step, def, o, beat);
                default -> changed = false; // a late or repeated outcome of a finished step: delivery is at least once
            }
        }

        private void succeed(StepState step, StepDefinition def, SagaEvent.OutcomeReceived o) {
            step.succeed(now, o.summary(), o.metrics(), o.details());
            notices.add(new Notice(Notice.Type.STEP_COMPLETED, step.name().name(), o.attempt(), o.summary(),
                    Duration.between(step.startedAt(), now).toMillis(), step.metrics(), false, o.details()));
            if (def.irreversible()) {
                state.passPointOfNoReturn();
            }
            int next = state.indexOf(step) + 1;
            if (next < state.steps().size()) {
                startStep(next);
            } else {
                complete();
            }
        }

        private void compensationOutcome(StepState step, StepDefinition def, SagaEvent.OutcomeReceived o,
                                         boolean beat) {
            StepDefinition.Compensation comp = def.compensation();
            if (beat) {
                step.beat(now, null, null);
            } else if (o.name().equals(comp.succeededEvent())) {
                step.compensated(now, o.summary());
                notices.add(Notice.of(Notice.Type.STEP_COMPENSATED, step.name().name(), o.attempt(), o.summary()));
                compensateNext();
            } else if (o.name().equals(comp.failedEvent())) {
                compensationFailed(step, o.summary());
            } else if (o.name().equals(def.succeededEvent()) || o.name().equals(def.failedEvent())) {
                changed = false; // the original step answered late; its compensation is already under way
            } else {
                throw unexpected(step, comp.succeededEvent(), comp.failedEvent(), o.name());
            }
        }

        void tick() {
            changed = false;
            if (state.status() == CutoverStatus.RUNNING) {
                tickRunning(state.stepWithStatus(StepStatus.RUNNING));
            } else if (state.status() == CutoverStatus.COMPENSATING) {
                StepState step = state.stepWithStatus(StepStatus.COMPENSATING);
                if (step != null && !now.isBefore(step.deadline())) {
                    changed = true;
                    compensationFailed(step, "no outcome within " + state.plan().compensationTimeout());
                }
            }
        }

        private void tickRunning(StepState step) {
            if (step == null) {
                return;
            }
            StepDefinition def = saga.step(step.name());
            Plan plan = state.plan();
            if (!now.isBefore(step.deadline())) {
                changed = true;
                timeOut(step, stallLimited(def, step) ? stallReason(step)
                        : "no outcome within " + def.timeoutFor(plan));
            } else if (!now.isBefore(step.lastBeatAt().plus(plan.heartbeatTimeout()))) {
                changed = true;
                if (step.attempts() < plan.maxAttempts()) {
                    step.retry(now);
                    commands.add(new CommandRequest(def.command(), step.name().name(), step.attempts(), Map.of()));
                    notices.add(Notice.of(Notice.Type.STEP_STARTED, step.name().name(), step.attempts(),
                            "re-sent after " + plan.heartbeatTimeout() + " without a sign of life"));
                } else {
                    timeOut(step, "no sign of life for " + plan.heartbeatTimeout() + " after " + step.attempts()
                            + " attempts");
                }
            }
        }

        private String stallReason(StepState step) {
            return "the applications' write stall reached the downtime budget of " + state.plan().downtimeBudget()
                    + " before " + step.name() + " ended; the source stays live";
        }

        /** Whether the step's deadline is the write stall's end rather than its own timeout. */
        private boolean stallLimited(StepDefinition def, StepState step) {
            return def.writeStall() && state.writeStallStartedAt() != null
                    && !step.deadline().isBefore(state.writeStallStartedAt().plus(state.plan().downtimeBudget()));
        }

        private void timeOut(StepState step, String reason) {
            step.fail(now, reason, StepStatus.TIMED_OUT);
            notices.add(Notice.of(Notice.Type.STEP_FAILED, step.name().name(), step.attempts(), reason));
            beginCompensation(step.name() + " timed out: " + reason);
        }

        private void startStep(int index) {
            StepState step = state.steps().get(index);
            StepDefinition def = saga.step(step.name());
            Duration limit = def.timeoutFor(state.plan());
            if (def.writeStall()) {
                state.writeStallStarts(now);
                Instant stallEnds = state.writeStallStartedAt().plus(state.plan().downtimeBudget());
                Duration left = Duration.between(now, stallEnds);
                if (left.isNegative() || left.isZero()) {
                    // the budget is spent before this step could even start: do not send it
                    step.start(now, Duration.ZERO);
                    timeOut(step, stallReason(step));
                    return;
                }
                limit = left.compareTo(limit) < 0 ? left : limit;
            }
            step.start(now, limit);
            commands.add(new CommandRequest(def.command(), step.name().name(), 1, Map.of()));
            notices.add(Notice.of(Notice.Type.STEP_STARTED, step.name().name(), 1, def.command()));
        }

        private void complete() {
            state.status(CutoverStatus.COMPLETED);
            state.ended(now);
            long millis = Duration.between(state.startedAt(), now).toMillis();
            String summary = "all " + state.steps().size() + " steps succeeded in " + Duration.ofMillis(millis);
            notices.add(new Notice(Notice.Type.CUTOVER_COMPLETED, null, 0, summary, millis, Map.of(), false));
            notifyStakeholders("COMPLETED", summary);
        }

        private void beginCompensation(String reason) {
            state.failureReason(reason);
            if (state.pointOfNoReturnPassed()) {
                state.status(CutoverStatus.FAILED);
                state.ended(now);
                String text = reason + "; traffic is already on the target, so nothing was rolled back";
                notices.add(new Notice(Notice.Type.CUTOVER_FAILED, null, 0, text, 0, Map.of(), false));
                notifyStakeholders("FAILED", text);
                return;
            }
            state.status(CutoverStatus.COMPENSATING);
            compensateNext();
        }

        /** Compensates, newest first, every step that ran or may have run and has a compensation. */
        private void compensateNext() {
            List<StepState> steps = state.steps();
            for (int i = steps.size() - 1; i >= 0; i--) {
                StepState step = steps.get(i);
                StepDefinition.Compensation comp = saga.step(step.name()).compensation();
                if (comp != null && step.mayHaveRun()) {
                    step.compensate(now, state.plan().compensationTimeout());
                    commands.add(new CommandRequest(comp.command(), step.name().name(), 1, Map.of()));
                    return;
                }
            }
            boolean aborted = state.abortReason() != null;
            state.status(aborted ? CutoverStatus.ABORTED : CutoverStatus.FAILED);
            state.ended(now);
            String text = state.failureReason() + "; every step was rolled back and the source is live";
            notices.add(new Notice(aborted ? Notice.Type.CUTOVER_ABORTED : Notice.Type.CUTOVER_FAILED, null, 0,
                    text, 0, Map.of(), true));
            notifyStakeholders("FAILED", text);
        }

        private void compensationFailed(StepState step, String reason) {
            step.compensationFailed(now, reason);
            state.status(CutoverStatus.COMPENSATION_FAILED);
            state.ended(now);
            String text = state.failureReason() + "; rolling back " + step.name() + " failed: " + reason
                    + "; an operator must act";
            state.failureReason(text);
            notices.add(new Notice(Notice.Type.CUTOVER_FAILED, null, 0, text, 0, Map.of(), false));
            notifyStakeholders("FAILED", text);
        }

        private void notifyStakeholders(String kind, String summary) {
            commands.add(new CommandRequest("NotifyStakeholders", CommandRequest.NOTIFY, 1,
                    Map.of("kind", kind, "summary", summary)));
        }

        private void requireStatus(CutoverStatus wanted, String move) {
            if (state.status() != wanted) {
                throw new IllegalTransitionException("cannot " + move + " a cutover that is " + state.status());
            }
        }

        private static IllegalTransitionException unexpected(StepState step, String ok, String failed, String got) {
            return new IllegalTransitionException("step " + step.name() + " is " + step.status() + " and waits for "
                    + ok + " or " + failed + ", not " + got);
        }
    }
}
