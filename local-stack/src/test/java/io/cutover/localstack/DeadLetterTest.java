package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.cutover.schemas.Topics;

class DeadLetterTest {

    private final LocalStack stack = SharedStack.get();

    @Test
    void poisonMessagesToTheCoordinatorAndToAParticipantEndInTheDeadLetterTopicWithTheReason() throws Exception {
        String toCoordinator = "poison-" + UUID.randomUUID();
        String toReplication = "poison-" + UUID.randomUUID();
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, toCoordinator, garbage)).get();
            producer.send(new ProducerRecord<>(Topics.REPLICATION_COMMANDS, toReplication, garbage)).get();
        }

        Map<String, String> reasons = deadLetters(List.of(toCoordinator, toReplication));

        assertThat(reasons.get(toCoordinator)).contains("not a valid CutoverRequest message");
        assertThat(reasons.get(toReplication)).contains("not a valid Command message");
    }

    private Map<String, String> deadLetters(List<String> keys) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && !reasons.keySet().containsAll(keys)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header reason = r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER);
                    if (keys.contains(r.key()) && reason != null) {
                        reasons.put(r.key(), new String(reason.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return reasons;
    }
}
