package io.cutover.coordinator.domain;

/** A request or event that the cutover's current state does not allow. */
public class IllegalTransitionException extends RuntimeException {

    public IllegalTransitionException(String message) {
        super(message);
    }
}
