package io.cutover.coordinator.domain;

/** A credential. It prints as **** so it never reaches a log line, an event or a report by accident. */
public record Secret(String value) {

    @Override
    public String toString() {
        return "****";
    }
}
