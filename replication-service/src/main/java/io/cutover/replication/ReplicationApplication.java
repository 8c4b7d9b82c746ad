package io.cutover.replication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Moves the data. Reads replication.yml / replication.properties. */
@SpringBootApplication
public class ReplicationApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ReplicationApplication.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=replication");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
