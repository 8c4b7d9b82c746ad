package io.cutover.replication.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the replication-service ({@code cutover.replication.*}).
 *
 * @param pgBinDir folder with pg_dump and pg_restore at least as new as the source server; empty means PATH
 */
@Validated
@ConfigurationProperties("cutover.replication")
public record ReplicationProperties(@DefaultValue("") String pgBinDir) {
}
