package io.cutover.replication.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * Online sync settings ({@code cutover.replication.*}).
 *
 * @param watchInterval how often the source is watched (WAL position, slot retention, schema) and a heartbeat is
 *                      written to it; lag and the drain ETA are as fresh as this
 * @param slotFlushInterval how often the slot learns what the target holds, so the source can recycle its WAL;
 *                          after a crash at most this much is read again (and recognised as applied)
 * @param sourceOutageLimit how long a change stream whose source session ended (a network cut, a failover) keeps
 *                          starting again before the sync fails
 */
@Validated
@ConfigurationProperties("cutover.replication")
public record ReplicationProperties(
        @NotNull @DefaultValue("500ms") Duration watchInterval,
        @NotNull @DefaultValue("1s") Duration slotFlushInterval,
        @NotNull @DefaultValue("2m") Duration sourceOutageLimit) {

    public ReplicationProperties {
        if (watchInterval != null && (watchInterval.toMillis() < 10 || watchInterval.toSeconds() > 60)) {
            throw new IllegalArgumentException("cutover.replication.watch-interval must be between 10ms and 60s, not "
                    + watchInterval);
        }
        if (slotFlushInterval != null && slotFlushInterval.toMillis() < 100) {
            throw new IllegalArgumentException("cutover.replication.slot-flush-interval must be 100ms or more, not "
                    + slotFlushInterval);
        }
        if (sourceOutageLimit != null && (sourceOutageLimit.isNegative() || sourceOutageLimit.toHours() >= 24)) {
            throw new IllegalArgumentException("cutover.replication.source-outage-limit must be between 0s and 24h,"
                    + " not " + sourceOutageLimit);
        }
    }
}
