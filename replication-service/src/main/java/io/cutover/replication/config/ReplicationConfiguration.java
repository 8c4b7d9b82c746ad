package io.cutover.replication.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.replication.adapter.cdc.PostgresOnlineReplication;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.replication.adapter.jdbc.PostgresWriteFence;

/** PostgreSQL write fencing, offline transfer and online sync. */
@Configuration(proxyBeanMethods = false)
@Import(ParticipantKafkaConfiguration.class)
@EnableConfigurationProperties(ReplicationProperties.class)
public class ReplicationConfiguration {

    @Bean
    PostgresWriteFence writeFence() {
        return new PostgresWriteFence();
    }

    @Bean
    PostgresDataTransfer dataTransfer() {
        return new PostgresDataTransfer();
    }

    /** Owns every running change stream; closing it stops them (the slots keep what was not applied). */
    @Bean(destroyMethod = "close")
    PostgresOnlineReplication onlineReplication(PostgresDataTransfer transfer, ReplicationProperties props) {
        return new PostgresOnlineReplication(transfer, props.watchInterval().toMillis(),
                props.slotFlushInterval().toMillis(), props.sourceOutageLimit().toMillis());
    }
}
