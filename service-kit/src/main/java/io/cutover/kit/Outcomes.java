package io.cutover.kit;

import org.apache.avro.specific.SpecificRecord;

import io.cutover.schemas.Command;

/** Where a participant reports outcomes: to the coordinator, in reply to the command that caused them. */
@FunctionalInterface
public interface Outcomes {

    /** Returns once the outcome is stored; throws when it could not be. */
    void reply(Command cause, SpecificRecord payload);
}
