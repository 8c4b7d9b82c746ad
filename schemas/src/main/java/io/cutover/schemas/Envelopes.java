package io.cutover.schemas;

import java.time.Instant;
import java.util.UUID;

/** Builds envelopes. A command's id is deterministic so a redelivered command is recognised. */
public final class Envelopes {

    private Envelopes() {
    }

    public static String commandId(String cutoverId, String step, int attempt, String commandName) {
        return cutoverId + ":" + step + ":" + commandName + ":" + attempt;
    }

    public static Envelope command(String cutoverId, String step, int attempt, String commandName, Instant at) {
        return Envelope.newBuilder()
                .setCutoverId(cutoverId)
                .setMessageId(commandId(cutoverId, step, attempt, commandName))
                .setStep(step)
                .setAttempt(attempt)
                .setTimestamp(at)
                .build();
    }

    /** An envelope caused by another message: same cutover, step and attempt. */
    public static Envelope reply(Envelope cause, Instant at) {
        return Envelope.newBuilder()
                .setCutoverId(cause.getCutoverId())
                .setMessageId(UUID.randomUUID().toString())
                .setCausationId(cause.getMessageId())
                .setStep(cause.getStep())
                .setAttempt(cause.getAttempt())
                .setTimestamp(at)
                .build();
    }

    public static Envelope fresh(String cutoverId, String step, int attempt, Instant at) {
        return Envelope.newBuilder()
                .setCutoverId(cutoverId)
                .setMessageId(UUID.randomUUID().toString())
                .setStep(step)
                .setAttempt(attempt)
                .setTimestamp(at)
                .build();
    }
}
