package io.cutover.provisioning;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Provisions the target and moves traffic. Reads provisioning.yml / provisioning.properties. */
@SpringBootApplication
public class ProvisioningApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ProvisioningApplication.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=provisioning");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
