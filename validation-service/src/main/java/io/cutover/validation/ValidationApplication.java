package io.cutover.validation;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Checks readiness and data. Reads validation.yml / validation.properties. */
@SpringBootApplication
public class ValidationApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ValidationApplication.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=validation");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
