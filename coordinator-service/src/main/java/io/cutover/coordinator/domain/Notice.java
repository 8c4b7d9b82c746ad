package io.cutover.coordinator.domain;

import java.util.List;
import java.util.Map;

/** A public lifecycle event the saga wants published. */
public record Notice(Type type, String step, int attempt, String text, long durationMillis,
                     Map<String, Long> metrics, boolean compensated, List<String> details) {

    public enum Type {
        CUTOVER_CREATED, CUTOVER_STARTED, STEP_STARTED, STEP_COMPLETED, STEP_FAILED, STEP_COMPENSATED,
        CUTOVER_COMPLETED, CUTOVER_FAILED, CUTOVER_ABORTED, ALARM_RAISED
    }

    public Notice {
        metrics = Map.copyOf(metrics == null ? Map.of() : metrics);
        details = List.copyOf(details == null ? List.of() : details);
    }

    public Notice(Type type, String step, int attempt, String text, long durationMillis, Map<String, Long> metrics,
                  boolean compensated) {
        this(type, step, attempt, text, durationMillis, metrics, compensated, List.of());
    }

    static Notice of(Type type, String step, int attempt, String text) {
        return new Notice(type, step, attempt, text, 0, Map.of(), false);
    }
}
