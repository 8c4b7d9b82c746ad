package io.cutover.coordinator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The progress of one step. Every move is guarded: an illegal one throws {@link IllegalTransitionException}. */
public final class StepState {

    private StepName name;
    private StepStatus status = StepStatus.PENDING;
    private int attempts;
    private Instant startedAt;
    private Instant endedAt;
    private Instant deadline;
    private Instant lastBeatAt;
    private String lastError;
    private String summary;
    private Map<String, Long> metrics = new LinkedHashMap<>();
    private List<String> details = new ArrayList<>();

    StepState() {
        // for the state codec
    }

    StepState(StepName name) {
        this.name = name;
    }

    StepState copy() {
        StepState c = new StepState(name);
        c.status = status;
        c.attempts = attempts;
        c.startedAt = startedAt;
        c.endedAt = endedAt;
        c.deadline = deadline;
        c.lastBeatAt = lastBeatAt;
        c.lastError = lastError;
        c.summary = summary;
        c.metrics = new LinkedHashMap<>(metrics);
        c.details = new ArrayList<>(details()); // a state stored before details existed decodes it as null
        return c;
    }

    void start(Instant now, Duration timeout) {
        require(EnumSet.of(StepStatus.PENDING), "start");
        status = StepStatus.RUNNING;
        attempts = 1;
        startedAt = now;
        lastBeatAt = now;
        deadline = now.plus(timeout);
    }

    void retry(Instant now) {
        require(EnumSet.of(StepStatus.RUNNING), "retry");
        attempts++;
        lastBeatAt = now;
    }

    void beat(Instant now, String text, Map<String, Long> figures) {
        require(EnumSet.of(StepStatus.RUNNING, StepStatus.COMPENSATING), "report progress");
        lastBeatAt = now;
        record(text, figures);
    }

    void succeed(Instant now, String text, Map<String, Long> figures, List<String> lines) {
        require(EnumSet.of(StepStatus.RUNNING), "succeed");
        status = StepStatus.SUCCEEDED;
        endedAt = now;
        record(text, figures);
        details = new ArrayList<>(lines);
    }

    /** @param outcome FAILED when the participant said so, TIMED_OUT when nobody knows what happened */
    void fail(Instant now, String reason, StepStatus outcome, List<String> lines) {
        details = new ArrayList<>(lines);
        fail(now, reason, outcome);
    }

    void fail(Instant now, String reason, StepStatus outcome) {
        require(EnumSet.of(StepStatus.RUNNING), "fail");
        if (outcome != StepStatus.FAILED && outcome != StepStatus.TIMED_OUT) {
            throw new IllegalArgumentException("a step fails as FAILED or TIMED_OUT, not " + outcome);
        }
        status = outcome;
        endedAt = now;
        lastError = reason;
    }

    void compensate(Instant now, Duration timeout) {
        require(EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.TIMED_OUT), "compensate");
        status = StepStatus.COMPENSATING;
        lastBeatAt = now;
        deadline = now.plus(timeout);
    }

    void compensated(Instant now, String text) {
        require(EnumSet.of(StepStatus.COMPENSATING), "finish compensating");
        status = StepStatus.COMPENSATED;
        endedAt = now;
        summary = text;
    }

    void compensationFailed(Instant now, String reason) {
        require(EnumSet.of(StepStatus.COMPENSATING), "fail compensating");
        status = StepStatus.COMPENSATION_FAILED;
        endedAt = now;
        lastError = reason;
    }

    /** Whether the step ran, or may have run, so that its compensation applies. */
    boolean mayHaveRun() {
        return status == StepStatus.SUCCEEDED || status == StepStatus.FAILED || status == StepStatus.TIMED_OUT;
    }

    private void record(String text, Map<String, Long> figures) {
        if (text != null && !text.isBlank()) {
            summary = text;
        }
        if (figures != null) {
            metrics.putAll(figures);
        }
    }

    private void require(Set<StepStatus> allowed, String move) {
        if (!allowed.contains(status)) {
            throw new IllegalTransitionException("step " + name + " cannot " + move + " while " + status);
        }
    }

    public StepName name() {
        return name;
    }

    public StepStatus status() {
        return status;
    }

    public int attempts() {
        return attempts;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }

    public Instant deadline() {
        return deadline;
    }

    public Instant lastBeatAt() {
        return lastBeatAt;
    }

    public String lastError() {
        return lastError;
    }

    public String summary() {
        return summary;
    }

    public Map<String, Long> metrics() {
        return Map.copyOf(metrics);
    }

    /** Lines beyond the summary from the step's outcome, for example one per table validated. */
    public List<String> details() {
        return details == null ? List.of() : List.copyOf(details);
    }
}
