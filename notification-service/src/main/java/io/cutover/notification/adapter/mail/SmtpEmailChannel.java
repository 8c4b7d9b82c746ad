package io.cutover.notification.adapter.mail;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import io.cutover.notification.application.EmailChannel;
import io.cutover.notification.domain.Message;

/** Email over SMTP through Spring's mail sender ({@code spring.mail.*}). */
public final class SmtpEmailChannel implements EmailChannel {

    private final JavaMailSender sender;
    private final String from;

    public SmtpEmailChannel(JavaMailSender sender, String from) {
        this.sender = sender;
        this.from = from;
    }

    @Override
    public void send(Message message) {
        SimpleMailMessage mail = new SimpleMailMessage();
        mail.setFrom(from);
        mail.setTo(message.to());
        mail.setSubject(message.subject());
        mail.setText(message.body());
        sender.send(mail);
    }
}
