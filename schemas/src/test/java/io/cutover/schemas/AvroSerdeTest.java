package io.cutover.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<Command> serde = AvroSerde.of(Command.class);

    @Test
    void aCommandSurvivesTheRoundTrip() {
        Command command = Command.newBuilder()
                .setEnvelope(Envelopes.command("c-1", "TRANSFER_DATA", 2, "TransferData",
                        Instant.now().truncatedTo(ChronoUnit.MILLIS)))
                .setPayload(ValidateData.newBuilder()
                        .setSource(endpoint("src"))
                        .setTarget(endpoint("tgt"))
                        .setTables(List.of("public.orders"))
                        .build())
                .build();

        Command back = serde.deserialize("t", serde.serialize("t", command));

        assertThat(back).isEqualTo(command);
        assertThat(back.getEnvelope().getMessageId()).isEqualTo("c-1:TRANSFER_DATA:TransferData:2");
    }

    @Test
    void garbageIsRefusedWithTheTypeNamed() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {(byte) 0xff, 1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a valid Command message");
    }

    @Test
    void rawBytesPassThroughForDeadLetters() {
        byte[] raw = {9, 8, 7};
        assertThat(AvroSerde.passThroughOrAvro().serialize("t", raw)).isSameAs(raw);
    }

    private static DatabaseEndpoint endpoint(String db) {
        return DatabaseEndpoint.newBuilder().setHost("localhost").setPort(5432).setDatabase(db)
                .setUser("u").setPassword("p").build();
    }
}
