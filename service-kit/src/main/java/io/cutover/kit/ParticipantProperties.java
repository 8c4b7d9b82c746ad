package io.cutover.kit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Settings every participant shares ({@code cutover.participant.*}).
 *
 * @param beatInterval how often long-running work reports progress; keep it well under the plan's heartbeat timeout
 * @param workers how many commands one instance works on at once
 */
@Validated
@ConfigurationProperties("cutover.participant")
public record ParticipantProperties(
        @NotNull @DefaultValue("2s") Duration beatInterval,
        @Min(1) @Max(256) @DefaultValue("8") int workers,
        @Min(1) @Max(1000) @DefaultValue("3") int topicPartitions,
        @Min(1) @Max(7) @DefaultValue("1") short topicReplicationFactor) {
}
