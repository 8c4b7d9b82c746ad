package io.cutover.validation.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.validation.adapter.jdbc.PostgresReadiness;
import io.cutover.validation.adapter.jdbc.PostgresRowCounts;

/** PostgreSQL readiness checks and row counts. */
@Configuration(proxyBeanMethods = false)
@Import(ParticipantKafkaConfiguration.class)
public class ValidationConfiguration {

    @Bean
    PostgresReadiness readiness() {
        return new PostgresReadiness();
    }

    @Bean
    PostgresRowCounts rowCounts() {
        return new PostgresRowCounts();
    }
}
