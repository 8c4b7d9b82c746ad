package io.cutover.coordinator.application;

/** No cutover has this id. */
public class CutoverNotFoundException extends RuntimeException {

    public CutoverNotFoundException(String id) {
        super("no cutover with id " + id);
    }
}
