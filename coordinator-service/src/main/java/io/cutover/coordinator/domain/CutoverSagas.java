package io.cutover.coordinator.domain;

import static io.cutover.coordinator.domain.StepName.ANNOUNCE;
import static io.cutover.coordinator.domain.StepName.AWAIT_CATCH_UP;
import static io.cutover.coordinator.domain.StepName.DRAIN_REPLICATION;
import static io.cutover.coordinator.domain.StepName.HOLD_TRAFFIC;
import static io.cutover.coordinator.domain.StepName.START_REPLICATION;
import static io.cutover.coordinator.domain.StepName.STOP_REPLICATION;
import static io.cutover.coordinator.domain.StepName.CHECK_READINESS;
import static io.cutover.coordinator.domain.StepName.FENCE_SOURCE_WRITES;
import static io.cutover.coordinator.domain.StepName.PROVISION_TARGET;
import static io.cutover.coordinator.domain.StepName.REDIRECT_TRAFFIC;
import static io.cutover.coordinator.domain.StepName.TRANSFER_DATA;
import static io.cutover.coordinator.domain.StepName.VALIDATE_CHANGES;
import static io.cutover.coordinator.domain.StepName.VALIDATE_DATA;
import static io.cutover.coordinator.domain.StepName.VALIDATE_RECENT;
import static io.cutover.coordinator.domain.StepName.VERIFY_TARGET;
import static io.cutover.coordinator.domain.StepDefinition.step;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;

/** The runbooks. This is the one place that knows the order of a cutover's steps. */
public final class CutoverSagas {

    /** The steps both runbooks share. */
    private static final StepDefinition ANNOUNCING = step(ANNOUNCE).sends("AnnounceCutover")
            .succeedsOn("CutoverAnnounced").failsOn("AnnouncementFailed")
            .timeout(ofMinutes(2));
    private static final StepDefinition PROVISIONING = step(PROVISION_TARGET).sends("ProvisionTarget")
            .succeedsOn("TargetProvisioned").failsOn("ProvisioningFailed")
            .timeout(ofMinutes(30));
    private static final StepDefinition READINESS = step(CHECK_READINESS).sends("CheckReadiness")
            .succeedsOn("ReadinessConfirmed").failsOn("ReadinessFailed")
            .timeout(ofMinutes(5));
    private static final StepDefinition VERIFYING = step(VERIFY_TARGET).sends("VerifyCutover")
            .succeedsOn("CutoverVerified").failsOn("CutoverVerificationFailed")
            .timeout(ofMinutes(10));

    /**
     * Offline: the source is fenced for the whole copy; a failure before the redirect leaves the source live. After
     * the redirect the target is verified; a failure there is reported, and falling back is the operator's call.
     */
    public static final SagaDefinition OFFLINE = SagaDefinition.of(
            ANNOUNCING,
            PROVISIONING,
            READINESS,
            step(FENCE_SOURCE_WRITES).sends("FenceSourceWrites")
                    .succeedsOn("SourceWritesFenced").failsOn("WriteFencingFailed")
                    .timeout(ofMinutes(2))
                    .compensatedBy("UnfenceSourceWrites", "SourceWritesUnfenced", "WriteUnfencingFailed"),
            step(TRANSFER_DATA).sends("TransferData")
                    .succeedsOn("DataTransferred").failsOn("DataTransferFailed")
                    .timeout(ofHours(12)),
            step(VALIDATE_DATA).sends("ValidateData")
                    .succeedsOn("DataValidated").failsOn("DataValidationFailed")
                    .timeout(ofHours(2)),
            step(REDIRECT_TRAFFIC).sends("RedirectTraffic")
                    .succeedsOn("TrafficRedirected").failsOn("TrafficRedirectFailed")
                    .timeout(ofMinutes(2))
                    .compensatedBy("RevertTraffic", "TrafficReverted", "TrafficRevertFailed")
                    .pointOfNoReturn(),
            VERIFYING);

    /**
     * Online: the target is filled and kept current while the source stays live, and compared in full while it is; what
     * changed since (and what differed) is compared once more, so that little is left for the switch. Once the stream's
     * lag and drain ETA allow it (the go/no-go, just before the hold), the switch holds new queries at the proxy,
     * fences the source, lets the target apply the source's final position, sets the sequences, compares again only
     * what changed since that last comparison (and what differed in it), and moves the proxy to the target, which
     * releases the held queries. The steps from the hold to the redirect must all end within the plan's downtime
     * budget; if they cannot, the source is unfenced, the queries are released to it, and the stream stops: the
     * applications stay on the source. After the switch the stream, which applies nothing more once drained, stops, and
     * its slot and publication go (unless the plan keeps them).
     */
    public static final SagaDefinition ONLINE = SagaDefinition.of(
            ANNOUNCING,
            PROVISIONING,
            READINESS,
            step(START_REPLICATION).sends("StartReplication")
                    .succeedsOn("ReplicationStarted").failsOn("ReplicationStartFailed")
                    .timeout(ofHours(12))
                    .compensatedBy("StopReplication", "ReplicationStopped", "ReplicationStopFailed"),
            step(VALIDATE_DATA).sends("ValidateData")
                    .succeedsOn("DataValidated").failsOn("DataValidationFailed")
                    .timeout(ofHours(2)),
            step(VALIDATE_RECENT).sends("ValidateData")
                    .succeedsOn("DataValidated").failsOn("DataValidationFailed")
                    .timeout(ofMinutes(30)),
            step(AWAIT_CATCH_UP).sends("AwaitReplicationCatchUp")
                    .succeedsOn("ReplicationCaughtUp").failsOn("ReplicationCatchUpFailed")
                    .timeout(ofHours(1)),
            step(HOLD_TRAFFIC).sends("HoldTraffic")
                    .succeedsOn("TrafficHeld").failsOn("TrafficHoldFailed")
                    .timeout(ofMinutes(1))
                    .compensatedBy("ReleaseTraffic", "TrafficReleased", "TrafficReleaseFailed")
                    .withinWriteStall(),
            step(FENCE_SOURCE_WRITES).sends("FenceSourceWrites")
                    .succeedsOn("SourceWritesFenced").failsOn("WriteFencingFailed")
                    .timeout(ofMinutes(1))
                    .compensatedBy("UnfenceSourceWrites", "SourceWritesUnfenced", "WriteUnfencingFailed")
                    .withinWriteStall(),
            step(DRAIN_REPLICATION).sends("DrainReplication")
                    .succeedsOn("ReplicationDrained").failsOn("ReplicationDrainFailed")
                    .timeout(ofMinutes(5))
                    .withinWriteStall(),
            step(VALIDATE_CHANGES).sends("ValidateData")
                    .succeedsOn("DataValidated").failsOn("DataValidationFailed")
                    .timeout(ofMinutes(30))
                    .withinWriteStall(),
            step(REDIRECT_TRAFFIC).sends("RedirectTraffic")
                    .succeedsOn("TrafficRedirected").failsOn("TrafficRedirectFailed")
                    .timeout(ofMinutes(1))
                    .compensatedBy("RevertTraffic", "TrafficReverted", "TrafficRevertFailed")
                    .withinWriteStall()
                    .pointOfNoReturn(),
            step(STOP_REPLICATION).sends("StopReplication")
                    .succeedsOn("ReplicationStopped").failsOn("ReplicationStopFailed")
                    .timeout(ofMinutes(5)),
            VERIFYING);

    private CutoverSagas() {
    }

    public static SagaDefinition forMode(Mode mode) {
        return mode == Mode.ONLINE ? ONLINE : OFFLINE;
    }
}
