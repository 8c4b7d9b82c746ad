package io.cutover.coordinator.application;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.CutoverStatus;
import io.cutover.coordinator.domain.IllegalTransitionException;
import io.cutover.coordinator.domain.PlanReader;

/**
 * The operator's use cases. Requests are checked against the current state so that a wrong call is refused at
 * once with a reason; the saga checks again when it processes the intent, since the state may move in between.
 */
public final class CutoverAdmin {

    private final IntentPublisher intents;
    private final CutoverRepository cutovers;
    private final Duration visibleWithin;

    public CutoverAdmin(IntentPublisher intents, CutoverRepository cutovers, Duration visibleWithin) {
        this.intents = intents;
        this.cutovers = cutovers;
        this.visibleWithin = visibleWithin;
    }

    /**
     * Validates the plan and creates the cutover.
     *
     * @return the new cutover, or empty when the coordinator has not processed it within the wait
     * @throws io.cutover.coordinator.domain.InvalidPlanException naming every problem of the plan
     */
    public Created create(Map<String, Object> planDocument) {
        PlanReader.read(planDocument);
        String id = UUID.randomUUID().toString();
        intents.create(id, planDocument);
        return new Created(id, awaitVisible(id));
    }

    /** Starts the cutover; returns once the saga has applied the start, or after the wait. */
    public Optional<CutoverState> start(String id) {
        CutoverState state = get(id);
        if (state.status() != CutoverStatus.CREATED) {
            throw new IllegalTransitionException("cannot start a cutover that is " + state.status());
        }
        intents.start(id);
        return awaitStatusOtherThan(id, CutoverStatus.CREATED);
    }

    /** Aborts the cutover; returns once the saga has applied the abort, or after the wait. */
    public Optional<CutoverState> abort(String id, String reason) {
        CutoverState state = get(id);
        if (!EnumSet.of(CutoverStatus.CREATED, CutoverStatus.RUNNING).contains(state.status())) {
            throw new IllegalTransitionException("cannot abort a cutover that is " + state.status());
        }
        if (state.pointOfNoReturnPassed()) {
            throw new IllegalTransitionException(
                    "cutover is past the point of no return (traffic is on the target); fall back instead");
        }
        intents.abort(id, reason);
        return awaitStatusOtherThan(id, state.status());
    }

    public CutoverState get(String id) {
        return cutovers.find(id).orElseThrow(() -> new CutoverNotFoundException(id));
    }

    public List<CutoverState> all() {
        return cutovers.all();
    }

    private Optional<CutoverState> awaitVisible(String id) {
        return await(id, state -> true);
    }

    private Optional<CutoverState> awaitStatusOtherThan(String id, CutoverStatus before) {
        return await(id, state -> state.status() != before);
    }

    /** Polls the saga state until the condition holds or the wait is over; empty when it never held. */
    private Optional<CutoverState> await(String id, java.util.function.Predicate<CutoverState> condition) {
        long deadline = System.nanoTime() + visibleWithin.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<CutoverState> state = cutovers.find(id).filter(condition);
            if (state.isPresent()) {
                return state;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    /** A created cutover; state is empty when the coordinator had not processed it yet. */
    public record Created(String id, Optional<CutoverState> state) {
    }
}
