package io.cutover.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro binary serde for one message type. The schema travels in the schemas artifact, so no registry is needed;
 * readers use their own (newer) schema, which the build keeps backward compatible.
 * Serializing a byte[] passes it through unchanged, so a dead-letter publisher can forward undecodable bytes.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static {
        // Avro 1.12 only instantiates classes it trusts; our generated messages are safe to instantiate.
        ClassSecurityValidator.ClassSecurityPredicate ours = c -> c.getName().startsWith("io.cutover.schemas.");
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
    }

    private final Class<T> type;
    private final SpecificDatumReader<T> reader;
    private final SpecificDatumWriter<T> writer;

    public AvroSerde(Class<T> type) {
        this.type = type;
        this.reader = new SpecificDatumReader<>(type);
        this.writer = new SpecificDatumWriter<>(type);
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        return toBytes(data);
    }

    public byte[] toBytes(T data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return fromBytes(data);
    }

    public T fromBytes(byte[] data) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException(decoder.inputStream().available() + " trailing bytes");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + " message: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // configured by its constructor; declared because Serde, Serializer and Deserializer each have a default
    }

    @Override
    public void close() {
        // nothing to release; declared because Serde, Serializer and Deserializer each have a default
    }

    /** Serializer that forwards raw bytes (dead letters) and writes any SpecificRecord as Avro binary. */
    public static Serializer<Object> passThroughOrAvro() {
        return (topic, data) -> {
            if (data == null || data instanceof byte[]) {
                return (byte[]) data;
            }
            if (data instanceof SpecificRecord record) {
                return writeAny(record);
            }
            throw new SerializationException("cannot serialize " + data.getClass().getName());
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] writeAny(SpecificRecord record) {
        return new AvroSerde(record.getClass()).toBytes(record);
    }

    @Override
    public String toString() {
        return "AvroSerde[" + type.getSimpleName() + "]";
    }
}
