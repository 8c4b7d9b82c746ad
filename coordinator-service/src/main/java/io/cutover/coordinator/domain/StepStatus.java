package io.cutover.coordinator.domain;

/** Where a step stands. TIMED_OUT means the outcome is unknown: the work may or may not have happened. */
public enum StepStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, COMPENSATING, COMPENSATED, COMPENSATION_FAILED
}
