package io.cutover.notification.application;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.kit.Jobs;
import io.cutover.notification.domain.Message;

/**
 * Delivers emails with retries. A recipient that still fails after the last attempt is reported, never hidden; a
 * failed delivery never fails the cutover.
 */
public final class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    /** Who got the message and who did not (with why). */
    public record Delivery(int delivered, List<String> failed) {
    }

    private final EmailChannel channel;
    private final int maxAttempts;
    private final Duration firstBackoff;

    public Mailer(EmailChannel channel, int maxAttempts, Duration firstBackoff) {
        this.channel = channel;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    public Delivery deliver(List<Message> messages) throws InterruptedException {
        int delivered = 0;
        List<String> failed = new ArrayList<>();
        for (Message m : messages) {
            String error = send(m);
            if (error == null) {
                delivered++;
            } else {
                failed.add(m.to() + " (" + error + ")");
            }
        }
        return new Delivery(delivered, failed);
    }

    private String send(Message m) throws InterruptedException {
        long backoff = firstBackoff.toMillis();
        String error = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                channel.send(m);
                return null;
            } catch (Exception e) {
                error = Jobs.describe(e);
                log.warn("email to {} failed (attempt {} of {}): {}", m.to(), attempt, maxAttempts, error);
                if (attempt < maxAttempts) {
                    Thread.sleep(backoff);
                    backoff *= 2;
                }
            }
        }
        log.error("email to {} not delivered after {} attempts: {}", m.to(), maxAttempts, error);
        return error;
    }
}
