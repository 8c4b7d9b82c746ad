package io.cutover.notification.domain;

/** An email to one stakeholder. */
public record Message(String to, String subject, String body) {
}
