package io.cutover.provisioning.config;

import java.io.IOException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.cutover.kit.ParticipantKafkaConfiguration;
import io.cutover.provisioning.adapter.jdbc.LocalPostgresTargetProvider;
import io.cutover.provisioning.adapter.proxy.SwitchableTcpProxy;

/** The local target provider and the switchable proxy. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisioningProperties.class)
@Import(ParticipantKafkaConfiguration.class)
public class ProvisioningConfiguration {

    @Bean
    LocalPostgresTargetProvider targetProvider(ProvisioningProperties props) {
        return new LocalPostgresTargetProvider(props.maintenanceDatabase());
    }

    @Bean(destroyMethod = "close")
    SwitchableTcpProxy trafficSwitch(ProvisioningProperties props) throws IOException {
        ProvisioningProperties.Proxy p = props.proxy();
        return new SwitchableTcpProxy(p.listenHost(), p.listenPort(), p.upstreamHost(), p.upstreamPort());
    }
}
