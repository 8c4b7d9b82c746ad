package io.cutover.coordinator.domain;

/** The steps a cutover can have; the saga definition decides their order and which apply. */
public enum StepName {
    ANNOUNCE, PROVISION_TARGET, CHECK_READINESS, FENCE_SOURCE_WRITES, TRANSFER_DATA, VALIDATE_DATA, REDIRECT_TRAFFIC,
    VERIFY_TARGET;

    /** announce, provision-target, ...: the spelling plans use. */
    public String planKey() {
        return name().toLowerCase().replace('_', '-');
    }
}
