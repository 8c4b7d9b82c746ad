package io.cutover.replication.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.replication.adapter.jdbc.PostgresWriteFence;

/** PostgreSQL write fencing and offline transfer. */
@Configuration(proxyBeanMethods = false)
@Import(ParticipantKafkaConfiguration.class)
public class ReplicationConfiguration {

    @Bean
    PostgresWriteFence writeFence() {
        return new PostgresWriteFence();
    }

    @Bean
    PostgresDataTransfer dataTransfer() {
        return new PostgresDataTransfer();
    }
}
