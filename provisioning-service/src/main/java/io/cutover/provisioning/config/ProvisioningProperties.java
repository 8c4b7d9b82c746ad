package io.cutover.provisioning.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * Settings of the provisioning-service ({@code cutover.provisioning.*}).
 *
 * @param maintenanceDatabase the database on the target server used to create the target database
 */
@Validated
@ConfigurationProperties("cutover.provisioning")
public record ProvisioningProperties(
        @NotBlank @DefaultValue("postgres") String maintenanceDatabase,
        @Valid @DefaultValue Proxy proxy) {

    /**
     * The switchable proxy that applications connect to.
     *
     * @param listenPort 0 picks a free port
     * @param upstreamHost where connections go before any redirect: the source database
     */
    public record Proxy(
            @NotBlank @DefaultValue("127.0.0.1") String listenHost,
            @Min(0) @Max(65535) @DefaultValue("6432") int listenPort,
            @NotBlank @DefaultValue("localhost") String upstreamHost,
            @Min(1) @Max(65535) @DefaultValue("5432") int upstreamPort) {
    }
}
