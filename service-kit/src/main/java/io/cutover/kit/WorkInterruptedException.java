package io.cutover.kit;

/**
 * Thrown by work that the service itself stopped, for example on shutdown. It says nothing about the command, so
 * no outcome is sent: the coordinator sends the command again when the beat stops, and the work resumes.
 */
public class WorkInterruptedException extends RuntimeException {

    public WorkInterruptedException(String message) {
        super(message);
    }
}
