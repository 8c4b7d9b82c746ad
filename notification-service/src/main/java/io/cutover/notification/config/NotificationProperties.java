package io.cutover.notification.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the notification-service ({@code cutover.notification.*}); the mail server is Spring's
 * {@code spring.mail.*}.
 */
@Validated
@ConfigurationProperties("cutover.notification")
public record NotificationProperties(
        @NotBlank @Email @DefaultValue("cutover@localhost.localdomain") String from,
        @Min(1) @Max(20) @DefaultValue("3") int maxAttempts,
        @NotNull @DefaultValue("500ms") Duration firstBackoff) {
}
