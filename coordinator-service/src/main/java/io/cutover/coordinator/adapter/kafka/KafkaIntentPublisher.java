package io.cutover.coordinator.adapter.kafka;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.cutover.coordinator.application.IntentPublisher;
import io.cutover.schemas.AbortCutover;
import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.CreateCutover;
import io.cutover.schemas.CutoverRequest;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.StartCutover;
import io.cutover.schemas.Topics;
import tools.jackson.databind.json.JsonMapper;

/** Writes intents to {@link Topics#REQUESTS}, keyed by cutover id, and waits for the broker's acknowledgement. */
public final class KafkaIntentPublisher implements IntentPublisher, AutoCloseable {

    private final KafkaProducer<String, CutoverRequest> producer;
    private final JsonMapper json = JsonMapper.builder().build();

    public KafkaIntentPublisher(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), AvroSerde.of(CutoverRequest.class));
    }

    @Override
    public void create(String id, Map<String, Object> planDocument) {
        send(id, "CREATE", new CreateCutover(json.writeValueAsString(planDocument)));
    }

    @Override
    public void start(String id) {
        send(id, "START", new StartCutover("admin-api"));
    }

    @Override
    public void abort(String id, String reason) {
        send(id, "ABORT", new AbortCutover(reason, "admin-api"));
    }

    private void send(String id, String intent, Object payload) {
        CutoverRequest request = new CutoverRequest(Envelopes.fresh(id, intent, 1, Instant.now()), payload);
        try {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, id, request)).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + intent + " for " + id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take " + intent + " for cutover " + id + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
