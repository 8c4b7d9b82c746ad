package io.cutover.validation.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Settings of the validation-service ({@code cutover.validation.*}).
 *
 * @param threads connections per database that hash key ranges at once
 */
@Validated
@ConfigurationProperties("cutover.validation")
public record ValidationProperties(@Min(1) @Max(64) @DefaultValue("2") int threads) {
}
