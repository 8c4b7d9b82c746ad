package io.cutover.coordinator.adapter.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.coordinator.domain.CommandRequest;
import io.cutover.coordinator.domain.CutoverSaga;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.Notice;
import io.cutover.coordinator.domain.SagaEvent;
import io.cutover.coordinator.domain.Transition;
import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.CutoverRequest;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.Topics;

/**
 * Feeds the saga from the request and outcome topics and from a wall-clock punctuator, keeps its state in the
 * store, and forwards the commands and lifecycle events it produces. A message that cannot be decoded or that the
 * saga refuses goes to the dead-letter topic with the reason; processing of everything else goes on.
 */
final class SagaProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(SagaProcessor.class);

    private final CutoverSaga saga = new CutoverSaga();
    private final MessageMapper mapper = new MessageMapper();
    private final StateCodec codec = new StateCodec();
    private final AvroSerde<CutoverRequest> requests = AvroSerde.of(CutoverRequest.class);
    private final AvroSerde<Outcome> outcomes = AvroSerde.of(Outcome.class);
    private final Duration tickInterval;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> store;

    SagaProcessor(Duration tickInterval) {
        this.tickInterval = tickInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(CoordinatorTopology.STORE);
        context.schedule(tickInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    /**
     * Only the message's own faults (undecodable, refused by the saga) make a dead letter. Failures of Kafka Streams
     * itself (a rebalance, the store, the producer) propagate, so that the message is processed again, not lost.
     */
    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("?");
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Transition t;
        try {
            if (record.key() == null) {
                throw new IllegalArgumentException("message has no key (the cutover id)");
            }
            SagaEvent event = topic.equals(Topics.REQUESTS)
                    ? mapper.toEvent(requests.deserialize(topic, record.value()))
                    : mapper.toEvent(outcomes.deserialize(topic, record.value()));
            t = saga.apply(codec.decode(store.get(record.key())), event, now);
            if (!t.changed()) {
                log.debug("cutover {}: {} was already applied", record.key(), event);
            }
        } catch (StreamsException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(record, topic, e);
            return;
        }
        emit(record.key(), t, now);
    }

    private void tick(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        List<KeyValue<String, CutoverState>> active = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> {
                CutoverState state = codec.decode(kv.value);
                if (!state.status().terminal()) {
                    active.add(KeyValue.pair(kv.key, state));
                }
            });
        }
        for (KeyValue<String, CutoverState> kv : active) {
            emit(kv.key, saga.apply(kv.value, new SagaEvent.Tick(), now), now);
        }
    }

    private void emit(String id, Transition t, Instant now) {
        if (!t.changed()) {
            return;
        }
        store.put(id, codec.encode(t.state()));
        for (CommandRequest request : t.commands()) {
            context.forward(new Record<>(id, (Object) mapper.toCommand(request, t.state(), now), now.toEpochMilli()),
                    CoordinatorTopology.COMMAND_SINK);
        }
        for (Notice notice : t.notices()) {
            context.forward(new Record<>(id, (Object) mapper.toLifecycle(notice, t.state(), now), now.toEpochMilli()),
                    CoordinatorTopology.LIFECYCLE_SINK);
        }
    }

    private void deadLetter(Record<String, byte[]> record, String topic, RuntimeException e) {
        log.warn("message from {} for cutover {} refused: {}", topic, record.key(), e.getMessage());
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(Topics.DEAD_LETTER_REASON_HEADER, String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add("cutover-dead-letter-topic", topic.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(record.key(), (Object) record.value(), record.timestamp(), headers),
                CoordinatorTopology.DEAD_LETTER_SINK);
    }
}
