package io.cutover.coordinator.domain;

/** Where a cutover stands. The last four are terminal. */
public enum CutoverStatus {
    CREATED, RUNNING, COMPENSATING, COMPLETED, FAILED, ABORTED, COMPENSATION_FAILED;

    public boolean terminal() {
        return ordinal() >= COMPLETED.ordinal();
    }
}
