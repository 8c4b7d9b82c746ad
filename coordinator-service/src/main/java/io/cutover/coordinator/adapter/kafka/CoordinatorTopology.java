package io.cutover.coordinator.adapter.kafka;

import java.time.Duration;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

import io.cutover.schemas.AvroSerde;
import io.cutover.schemas.Command;
import io.cutover.schemas.LifecycleEvent;
import io.cutover.schemas.Topics;

/**
 * requests + outcomes -> saga (state store "cutovers") -> participant command topics, lifecycle, dead letters.
 * Values are read as bytes so that the processor itself decides what is poison.
 */
public final class CoordinatorTopology {

    public static final String STORE = "cutovers";
    static final String COMMAND_SINK = "commands";
    static final String LIFECYCLE_SINK = "lifecycle";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private CoordinatorTopology() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(Duration tickInterval) {
        Topology topology = new Topology();
        topology.addSource("requests", new StringDeserializer(), new ByteArrayDeserializer(), Topics.REQUESTS);
        topology.addSource("outcomes", new StringDeserializer(), new ByteArrayDeserializer(), Topics.OUTCOMES);
        topology.addProcessor("saga", () -> new SagaProcessor(tickInterval), "requests", "outcomes");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.ByteArray()), "saga");
        TopicNameExtractor<String, Command> byParticipant =
                (key, command, context) -> MessageMapper.topicOf(command.getPayload());
        topology.addSink(COMMAND_SINK, byParticipant, new StringSerializer(),
                (Serializer) AvroSerde.of(Command.class), "saga");
        topology.addSink(LIFECYCLE_SINK, Topics.LIFECYCLE, new StringSerializer(),
                (Serializer) AvroSerde.of(LifecycleEvent.class), "saga");
        topology.addSink(DEAD_LETTER_SINK, Topics.DEAD_LETTER, new StringSerializer(),
                (Serializer) new ByteArraySerializer(), "saga");
        return topology;
    }
}
