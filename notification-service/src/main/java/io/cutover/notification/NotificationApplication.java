package io.cutover.notification;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Tells the stakeholders. Reads notification.yml / notification.properties. */
@SpringBootApplication
public class NotificationApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(NotificationApplication.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=notification");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
