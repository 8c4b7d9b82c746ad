package io.cutover.notification.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mail.javamail.JavaMailSender;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.notification.adapter.mail.SmtpEmailChannel;
import io.cutover.notification.application.Mailer;

/** Email delivery with retries. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
@Import(ParticipantKafkaConfiguration.class)
public class NotificationConfiguration {

    @Bean
    Mailer mailer(JavaMailSender sender, NotificationProperties props) {
        return new Mailer(new SmtpEmailChannel(sender, props.from()), props.maxAttempts(), props.firstBackoff());
    }
}
