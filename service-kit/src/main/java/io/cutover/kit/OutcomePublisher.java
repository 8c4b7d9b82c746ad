package io.cutover.kit;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

import io.cutover.schemas.Command;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.Topics;

/** Sends a participant's outcome for a command to the coordinator, and waits until the broker has it. */
public final class OutcomePublisher implements Outcomes {

    private final KafkaTemplate<String, Object> kafka;

    public OutcomePublisher(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    @Override
    public void reply(Command cause, SpecificRecord payload) {
        Outcome outcome = new Outcome(Envelopes.reply(cause.getEnvelope(), Instant.now()), payload);
        String key = cause.getEnvelope().getCutoverId();
        try {
            kafka.send(Topics.OUTCOMES, key, outcome).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reporting " + payload.getSchema().getName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot report " + payload.getSchema().getName() + " for cutover "
                    + key + ": " + e.getMessage(), e);
        }
    }
}
