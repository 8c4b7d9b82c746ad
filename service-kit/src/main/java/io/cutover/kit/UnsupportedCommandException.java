package io.cutover.kit;

/** A command this participant does not handle: it goes to the dead-letter topic, never retried. */
public class UnsupportedCommandException extends RuntimeException {

    public UnsupportedCommandException(String participant, Object payload) {
        super(participant + " does not handle " + (payload == null ? "an empty command"
                : payload.getClass().getSimpleName()));
    }
}
