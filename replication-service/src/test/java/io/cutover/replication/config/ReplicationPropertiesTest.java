package io.cutover.replication.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReplicationPropertiesTest {

    @Test
    void aSettingOutOfItsRangeIsRefusedByName() {
        assertThatThrownBy(() -> new ReplicationProperties(Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(-1)))
                .hasMessage("cutover.replication.source-outage-limit must be between 0s and 24h, not PT-1S");
        assertThatThrownBy(() -> new ReplicationProperties(Duration.ofMillis(5), Duration.ofSeconds(1),
                Duration.ofMinutes(2)))
                .hasMessageStartingWith("cutover.replication.watch-interval must be between 10ms and 60s");
        assertThat(new ReplicationProperties(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ZERO)
                .sourceOutageLimit()).isZero();
    }
}
