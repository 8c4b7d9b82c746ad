package io.cutover.coordinator;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Sequences cutovers and serves the admin API. Reads coordinator.yml / coordinator.properties. */
@SpringBootApplication
public class CoordinatorApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .properties("spring.config.name=coordinator");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
