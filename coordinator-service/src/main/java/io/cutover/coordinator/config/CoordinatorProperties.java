package io.cutover.coordinator.config;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the coordinator ({@code cutover.coordinator.*}). The broker is Spring's
 * {@code spring.kafka.bootstrap-servers}.
 *
 * @param streams extra Kafka Streams settings, passed through as they are
 */
@Validated
@ConfigurationProperties("cutover.coordinator")
public record CoordinatorProperties(
        @NotBlank @DefaultValue("cutover-coordinator") String applicationId,
        @NotBlank @DefaultValue("${java.io.tmpdir}/cutover-coordinator") String stateDir,
        @NotNull @DefaultValue("1s") Duration tickInterval,
        @Min(1) @Max(1000) @DefaultValue("3") int topicPartitions,
        @Min(1) @Max(7) @DefaultValue("1") short topicReplicationFactor,
        @NotNull @DefaultValue("15s") Duration createVisibleWithin,
        @DefaultValue Map<String, String> streams) {
}
