package io.cutover.validation.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.validation.adapter.jdbc.PostgresReadiness;
import io.cutover.validation.adapter.jdbc.PostgresContentValidation;

/** PostgreSQL readiness checks and data validation. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ValidationProperties.class)
@Import(ParticipantKafkaConfiguration.class)
public class ValidationConfiguration {

    @Bean
    PostgresReadiness readiness() {
        return new PostgresReadiness();
    }

    @Bean
    PostgresContentValidation dataValidation(ValidationProperties props) {
        return new PostgresContentValidation(props.threads());
    }
}
