package io.cutover.kit;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.Command;
import io.cutover.schemas.TopicSetup;
import io.cutover.schemas.Topics;

/**
 * Kafka wiring of a participant: commands decoded as Avro, undecodable or unsupported commands sent to the
 * dead-letter topic with the reason, other listener failures retried twice first. Outcomes go out through
 * {@link OutcomePublisher}; long work runs in {@link Jobs}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ParticipantProperties.class)
public class ParticipantKafkaConfiguration {

    /**
     * Makes sure the topics exist before any listener subscribes. It runs when the context starts, after every bean
     * (and so every setting) was created, so that a wrong setting is reported before Kafka is even contacted.
     */
    public static final class TopicsReady implements SmartLifecycle {

        private final String bootstrapServers;
        private final ParticipantProperties props;
        private volatile boolean running;

        TopicsReady(String bootstrapServers, ParticipantProperties props) {
            this.bootstrapServers = bootstrapServers;
            this.props = props;
        }

        public String bootstrapServers() {
            return bootstrapServers;
        }

        @Override
        public void start() {
            TopicSetup.ensure(bootstrapServers, props.topicPartitions(), props.topicReplicationFactor());
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        /** Before the listener containers, which start in a later phase. */
        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }
    }

    @Bean
    TopicsReady topicsReady(KafkaProperties kafka, ParticipantProperties props) {
        return new TopicsReady(String.join(",", kafka.getBootstrapServers()), props);
    }

    @Bean
    KafkaTemplate<String, Object> cutoverKafkaTemplate(TopicsReady topics) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
                AvroSerde.passThroughOrAvro()));
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, Command> kafkaListenerContainerFactory(
            TopicsReady topics, KafkaTemplate<String, Object> template) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // commands come one at a time and the switch waits for each: never let the broker sit on a fetch
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        var consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(AvroSerde.of(Command.class)));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, Command>();
        factory.setConsumerFactory(consumers);
        factory.setCommonErrorHandler(errorHandler(template));
        return factory;
    }

    static DefaultErrorHandler errorHandler(KafkaTemplate<String, Object> template) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, e) -> new TopicPartition(Topics.DEAD_LETTER, -1));
        recoverer.setHeadersFunction((record, e) -> {
            var headers = new RecordHeaders();
            headers.add(Topics.DEAD_LETTER_REASON_HEADER, reason(e).getBytes(StandardCharsets.UTF_8));
            return headers;
        });
        var handler = new DefaultErrorHandler(recoverer, new FixedBackOff(500, 2));
        handler.addNotRetryableExceptions(UnsupportedCommandException.class, IllegalArgumentException.class);
        return handler;
    }

    /** Our own words for why a message was refused, rather than a framework wrapper's or a decoder's internals. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SerializationException || t instanceof UnsupportedCommandException) {
                return t.getMessage();
            }
        }
        return Jobs.describe(e);
    }

    @Bean
    OutcomePublisher outcomePublisher(KafkaTemplate<String, Object> template) {
        return new OutcomePublisher(template);
    }

    @Bean(destroyMethod = "close")
    Jobs jobs(OutcomePublisher outcomes, ParticipantProperties props) {
        return new Jobs(outcomes, props.beatInterval(), props.workers());
    }
}
