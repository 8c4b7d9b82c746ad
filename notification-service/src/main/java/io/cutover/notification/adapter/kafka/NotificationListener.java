package io.cutover.notification.adapter.kafka;

import java.util.List;
import java.util.Map;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.cutover.kit.Job;
import io.cutover.kit.Jobs;
import io.cutover.kit.UnsupportedCommandException;
import io.cutover.notification.application.Mailer;
import io.cutover.notification.domain.Message;
import io.cutover.notification.domain.Templates;
import io.cutover.schemas.AnnounceCutover;
import io.cutover.schemas.AnnouncementFailed;
import io.cutover.schemas.Command;
import io.cutover.schemas.CutoverAnnounced;
import io.cutover.schemas.NotificationFailed;
import io.cutover.schemas.NotifyStakeholders;
import io.cutover.schemas.StakeholdersNotified;
import io.cutover.schemas.Topics;

/**
 * Maps notification commands to emails. Undelivered emails are named in the outcome's summary and counted in its
 * figures, and still count as success: a mail server outage must not stop a cutover.
 */
@Component
public class NotificationListener {

    private final Jobs jobs;
    private final Mailer mailer;

    public NotificationListener(Jobs jobs, Mailer mailer) {
        this.jobs = jobs;
        this.mailer = mailer;
    }

    @KafkaListener(topics = Topics.NOTIFICATION_COMMANDS, groupId = "notification-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        if (payload instanceof AnnounceCutover a) {
            List<Message> messages = a.getStakeholders().stream().map(s -> Templates.announcement(a, s)).toList();
            jobs.run(command, Job.of(p -> {
                Mailer.Delivery d = mailer.deliver(messages);
                return new CutoverAnnounced(summary("announced", messages, d), figures(messages, d));
            }, (reason, p) -> new AnnouncementFailed(reason, p.snapshot())));
        } else if (payload instanceof NotifyStakeholders n) {
            List<Message> messages = n.getStakeholders().stream().map(s -> Templates.outcome(n, s)).toList();
            jobs.run(command, Job.of(p -> {
                Mailer.Delivery d = mailer.deliver(messages);
                return new StakeholdersNotified(summary(n.getKind().name().toLowerCase(), messages, d),
                        figures(messages, d));
            }, (reason, p) -> new NotificationFailed(reason, p.snapshot())));
        } else {
            throw new UnsupportedCommandException("notification-service", payload);
        }
    }

    private static String summary(String what, List<Message> messages, Mailer.Delivery d) {
        String text = what + " to " + d.delivered() + " of " + messages.size() + " stakeholders by email";
        return d.failed().isEmpty() ? text : text + "; not delivered: " + String.join(", ", d.failed());
    }

    private static Map<String, Long> figures(List<Message> messages, Mailer.Delivery d) {
        return Map.of("recipients", (long) messages.size(), "delivered", (long) d.delivered(),
                "undelivered", (long) d.failed().size());
    }
}
