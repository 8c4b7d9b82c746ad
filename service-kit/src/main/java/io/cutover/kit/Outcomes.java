package io.cutover.kit;

import org.apache.avro.specific.SpecificRecord;

import io.cutover.schemas.Command;

/** Where a participant reports outcomes: to the coordinator, in reply to the command that caused them. */
@FunctionalInterface
public interface Outcomes {

    /** Returns once the outcome is stored; throws when it could not be. */
    void reply(Command cause, SpecificRecord payload);

    /**
     * Sends a report that nothing waits for (a command taken up), without waiting for the broker: it goes out
     * before anything replied later for the same cutover, and a failure to store it is only logged.
     */
    default void replyInPassing(Command cause, SpecificRecord payload) {
        reply(cause, payload);
    }
}
