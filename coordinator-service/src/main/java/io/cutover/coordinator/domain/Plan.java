package io.cutover.coordinator.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated cutover plan. Build one with {@link PlanReader}. stepTimeouts holds only the plan's overrides;
 * targetStorageBytes is the target's storage size when the plan gives it, else -1.
 */
public record Plan(String title, Mode mode, Endpoint source, Endpoint target, List<String> tables, int parallelism,
                   List<Stakeholder> stakeholders, Duration downtimeBudget, Map<StepName, Duration> stepTimeouts,
                   Duration compensationTimeout, Duration heartbeatTimeout, int maxAttempts, List<UserCheck> checks,
                   List<UserCheck> smoke, List<CriticalQuery> criticalQueries, Online online,
                   Long targetStorageBytes) {

    /**
     * Settings of an online cutover. maxLag: fencing starts only when the target is this close behind;
     * replicaIdentityFull: keyless tables to replicate with REPLICA IDENTITY FULL; slotRetentionAlarmBytes: source
     * WAL kept for the slot above which an alarm is raised; keepSlot: keep slot and publication after the switch.
     */
    public record Online(Duration maxLag, List<String> replicaIdentityFull, long slotRetentionAlarmBytes,
                         boolean keepSlot) {

        public static final Online DEFAULTS = new Online(Duration.ofSeconds(1), List.of(), 1L << 30, false);

        public Online {
            replicaIdentityFull = List.copyOf(replicaIdentityFull == null ? List.of() : replicaIdentityFull);
        }
    }

    /** A query timed on the source before the cutover and on the target after it. */
    public record CriticalQuery(String name, String sql) {
    }

    public Plan {
        checks = List.copyOf(checks == null ? List.of() : checks);
        smoke = List.copyOf(smoke == null ? List.of() : smoke);
        criticalQueries = List.copyOf(criticalQueries == null ? List.of() : criticalQueries);
        tables = List.copyOf(tables);
        stakeholders = List.copyOf(stakeholders);
        stepTimeouts = Map.copyOf(stepTimeouts);
        online = online == null ? Online.DEFAULTS : online;
        // a plan stored before the setting existed has none
        targetStorageBytes = targetStorageBytes == null ? Long.valueOf(-1) : targetStorageBytes;
    }
}
