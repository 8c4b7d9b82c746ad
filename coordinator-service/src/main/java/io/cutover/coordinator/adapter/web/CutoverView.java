package io.cutover.coordinator.adapter.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.StepState;

/** A cutover as the admin API shows it. Connection details are described without credentials. */
public record CutoverView(String id, String title, String mode, String status, String source, String target,
                          Instant createdAt, Instant startedAt, Instant endedAt, Long durationMillis,
                          String failureReason, boolean pointOfNoReturnPassed, List<Step> steps,
                          List<String> notifications, List<String> alarms) {

    public record Step(String name, String status, int attempts, Instant startedAt, Instant endedAt,
                       Long durationMillis, String summary, String lastError, Map<String, Long> metrics,
                       List<String> details) {
    }

    public static CutoverView of(CutoverState s) {
        return new CutoverView(s.id(), s.plan().title(), s.plan().mode().name(), s.status().name(),
                s.plan().source().describe(), s.plan().target().describe(), s.createdAt(), s.startedAt(),
                s.endedAt(), millis(s.startedAt(), s.endedAt()), s.failureReason(), s.pointOfNoReturnPassed(),
                s.steps().stream().map(CutoverView::step).toList(), s.notifications(),
                s.alarms());
    }

    private static Step step(StepState st) {
        return new Step(st.name().name(), st.status().name(), st.attempts(), st.startedAt(), st.endedAt(),
                millis(st.startedAt(), st.endedAt()), st.summary(), st.lastError(), st.metrics(), st.details());
    }

    private static Long millis(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
