package io.cutover.coordinator.domain;

/** Someone told about the cutover. Role is one of IT_STAFF, APPLICATION_OWNER, END_USER, SUPPORT. */
public record Stakeholder(String name, String email, String role) {
}
