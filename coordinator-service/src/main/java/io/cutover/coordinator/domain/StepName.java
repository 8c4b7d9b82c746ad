package io.cutover.coordinator.domain;

/** The steps a cutover can have; the saga definition decides their order and which apply. */
public enum StepName {
    ANNOUNCE, PROVISION_TARGET, CHECK_READINESS, START_REPLICATION, AWAIT_CATCH_UP, HOLD_TRAFFIC, FENCE_SOURCE_WRITES,
    DRAIN_REPLICATION, TRANSFER_DATA, VALIDATE_DATA, VALIDATE_RECENT, VALIDATE_CHANGES, REDIRECT_TRAFFIC,
    STOP_REPLICATION, VERIFY_TARGET;

    /** announce, provision-target, ...: the spelling plans use. */
    public String planKey() {
        return name().toLowerCase().replace('_', '-');
    }
}
