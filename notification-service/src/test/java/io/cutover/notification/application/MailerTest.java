package io.cutover.notification.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.internet.MimeMessage;

import io.cutover.notification.adapter.mail.SmtpEmailChannel;
import io.cutover.notification.domain.Templates;
import io.cutover.schemas.AnnounceCutover;
import io.cutover.schemas.NotificationKind;
import io.cutover.schemas.NotifyStakeholders;
import io.cutover.schemas.Stakeholder;
import io.cutover.schemas.StakeholderRole;

class MailerTest {

    private final int port = freePort();
    private final GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @AfterEach
    void stop() {
        smtp.stop();
    }

    @Test
    void eachStakeholderGetsAnAnnouncementWrittenForTheirRole() throws Exception {
        smtp.start();
        AnnounceCutover announce = new AnnounceCutover("Orders to Azure", List.of(
                stakeholder("ops@example.com", StakeholderRole.IT_STAFF),
                stakeholder("users@example.com", StakeholderRole.END_USER)), "OFFLINE", 1800L,
                "db1:5432/orders", "db2:5432/orders");

        Mailer.Delivery d = mailer(3).deliver(announce.getStakeholders().stream()
                .map(s -> Templates.announcement(announce, s)).toList());

        assertThat(d.delivered()).isEqualTo(2);
        assertThat(d.failed()).isEmpty();
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2);
        assertThat(received[0].getSubject()).isEqualTo("[Cutover] Scheduled: Orders to Azure");
        String body = String.valueOf(received[1].getContent());
        assertThat(body).contains("db1:5432/orders moves to db2:5432/orders").contains("at most 30 minutes")
                .contains("read-only or briefly unavailable");
    }

    @Test
    void anUnreachableMailServerIsRetriedThenReportedWithoutThrowing() throws Exception {
        NotifyStakeholders failed = new NotifyStakeholders(NotificationKind.FAILED, "Orders to Azure",
                List.of(stakeholder("ops@example.com", StakeholderRole.IT_STAFF)), "validation failed");

        Mailer.Delivery d = mailer(2).deliver(failed.getStakeholders().stream()
                .map(s -> Templates.outcome(failed, s)).toList());

        assertThat(d.delivered()).isZero();
        assertThat(d.failed()).singleElement().asString().startsWith("ops@example.com (");
    }

    @Test
    void aMailServerThatComesBackDuringTheRetriesDelivers() throws Exception {
        NotifyStakeholders done = new NotifyStakeholders(NotificationKind.COMPLETED, "Orders to Azure",
                List.of(stakeholder("ops@example.com", StakeholderRole.IT_STAFF)), "all steps succeeded");
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(300);
                smtp.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        starter.start();

        Mailer.Delivery d = new Mailer(channel(), 6, Duration.ofMillis(200)).deliver(done.getStakeholders().stream()
                .map(s -> Templates.outcome(done, s)).toList());
        starter.join();

        assertThat(d.delivered()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("[Cutover] Completed: Orders to Azure");
    }

    private Mailer mailer(int attempts) {
        return new Mailer(channel(), attempts, Duration.ofMillis(50));
    }

    private SmtpEmailChannel channel() {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(port);
        sender.getJavaMailProperties().put("mail.smtp.connectiontimeout", "1000");
        return new SmtpEmailChannel(sender, "cutover@example.com");
    }

    private static Stakeholder stakeholder(String email, StakeholderRole role) {
        return new Stakeholder(email.substring(0, email.indexOf('@')), email, role);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
