package io.cutover.coordinator.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.cutover.coordinator.adapter.kafka.CoordinatorStreams;
import io.cutover.coordinator.adapter.kafka.KafkaIntentPublisher;
import io.cutover.coordinator.application.CutoverAdmin;

/** The saga runtime and the admin use cases. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoordinatorProperties.class)
public class CoordinatorConfiguration {

    @Bean
    CoordinatorStreams coordinatorStreams(CoordinatorProperties props, KafkaProperties kafka) {
        return new CoordinatorStreams(new CoordinatorStreams.Settings(bootstrap(kafka), props.applicationId(),
                props.stateDir(), props.tickInterval(), props.topicPartitions(), props.topicReplicationFactor(),
                props.streams()));
    }

    @Bean(destroyMethod = "close")
    KafkaIntentPublisher intentPublisher(KafkaProperties kafka) {
        return new KafkaIntentPublisher(bootstrap(kafka));
    }

    @Bean
    CutoverAdmin cutoverAdmin(KafkaIntentPublisher intents, CoordinatorStreams streams, CoordinatorProperties props) {
        return new CutoverAdmin(intents, streams, props.createVisibleWithin());
    }

    private static String bootstrap(KafkaProperties kafka) {
        return String.join(",", kafka.getBootstrapServers());
    }
}
