package io.cutover.notification.application;

import io.cutover.notification.domain.Message;

/** Sends one email. Throws when the mail server refuses it or cannot be reached. */
public interface EmailChannel {

    void send(Message message) throws Exception;
}
