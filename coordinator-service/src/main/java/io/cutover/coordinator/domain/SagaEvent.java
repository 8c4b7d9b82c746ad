package io.cutover.coordinator.domain;

import java.util.List;
import java.util.Map;

/** What can happen to a cutover: an operator's intent, a participant's outcome, or the passing of time. */
public sealed interface SagaEvent {

    record Create(String id, Plan plan) implements SagaEvent {
    }

    record Start() implements SagaEvent {
    }

    record Abort(String reason) implements SagaEvent {
    }

    /**
     * @param name the Avro record name of the outcome, for example DataTransferred or WorkProgressed
     * @param details lines for people beyond the summary, for example one per table validated
     */
    record OutcomeReceived(String step, int attempt, String name, String summary, Map<String, Long> metrics,
                           List<String> details) implements SagaEvent {

        public OutcomeReceived {
            metrics = Map.copyOf(metrics == null ? Map.of() : metrics);
            details = List.copyOf(details == null ? List.of() : details);
        }

        public OutcomeReceived(String step, int attempt, String name, String summary, Map<String, Long> metrics) {
            this(step, attempt, name, summary, metrics, List.of());
        }
    }

    /** Time passed: deadlines and heartbeats are checked. */
    record Tick() implements SagaEvent {
    }
}
