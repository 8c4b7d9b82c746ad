package io.cutover.kit;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import io.cutover.schemas.Command;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.Topics;

/**
 * Sends a participant's outcome for a command to the coordinator, and waits until the broker has it. All of a
 * cutover's reports go through one idempotent producer to one partition, so they arrive in the order sent.
 */
public final class OutcomePublisher implements Outcomes {

    private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

    private final KafkaTemplate<String, Object> kafka;

    public OutcomePublisher(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    @Override
    public void reply(Command cause, SpecificRecord payload) {
        String key = cause.getEnvelope().getCutoverId();
        try {
            send(cause, payload).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reporting " + payload.getSchema().getName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot report " + payload.getSchema().getName() + " for cutover "
                    + key + ": " + e.getMessage(), e);
        }
    }

    /** Inside the write stall every step's work waits for this; the broker's answer need not hold it back. */
    @Override
    public void replyInPassing(Command cause, SpecificRecord payload) {
        send(cause, payload).whenComplete((sent, e) -> {
            if (e != null) {
                log.warn("{} for cutover {} not delivered: {}", payload.getSchema().getName(),
                        cause.getEnvelope().getCutoverId(), e.getMessage());
            }
        });
    }

    private CompletableFuture<SendResult<String, Object>> send(Command cause, SpecificRecord payload) {
        Outcome outcome = new Outcome(Envelopes.reply(cause.getEnvelope(), Instant.now()), payload);
        return kafka.send(Topics.OUTCOMES, cause.getEnvelope().getCutoverId(), outcome);
    }
}
