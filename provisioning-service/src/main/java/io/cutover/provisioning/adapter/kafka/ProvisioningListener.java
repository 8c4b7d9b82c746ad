package io.cutover.provisioning.adapter.kafka;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.cutover.kit.Job;
import io.cutover.kit.Jobs;
import io.cutover.kit.UnsupportedCommandException;
import io.cutover.provisioning.application.TargetProvider;
import io.cutover.provisioning.application.TrafficSwitch;
import io.cutover.schemas.Command;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.ProvisionTarget;
import io.cutover.schemas.ProvisioningFailed;
import io.cutover.schemas.RedirectTraffic;
import io.cutover.schemas.RevertTraffic;
import io.cutover.schemas.TargetProvisioned;
import io.cutover.schemas.Topics;
import io.cutover.schemas.TrafficRedirectFailed;
import io.cutover.schemas.TrafficRedirected;
import io.cutover.schemas.TrafficRevertFailed;
import io.cutover.schemas.TrafficReverted;

/** Maps provisioning commands to the target provider and the traffic switch. */
@Component
public class ProvisioningListener {

    private final Jobs jobs;
    private final TargetProvider targets;
    private final TrafficSwitch traffic;

    public ProvisioningListener(Jobs jobs, TargetProvider targets, TrafficSwitch traffic) {
        this.jobs = jobs;
        this.targets = targets;
        this.traffic = traffic;
    }

    @KafkaListener(topics = Topics.PROVISIONING_COMMANDS, groupId = "provisioning-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        if (payload instanceof ProvisionTarget p) {
            jobs.run(command, Job.of(progress -> new TargetProvisioned(targets.provision(p.getTarget()), Map.of()),
                    (reason, progress) -> new ProvisioningFailed(reason, Map.of())));
        } else if (payload instanceof RedirectTraffic r) {
            jobs.run(command, Job.of(progress -> redirected(r.getTarget()),
                    (reason, progress) -> new TrafficRedirectFailed(reason, Map.of())));
        } else if (payload instanceof RevertTraffic r) {
            jobs.run(command, Job.of(progress -> reverted(r.getSource()),
                    (reason, progress) -> new TrafficRevertFailed(reason, Map.of())));
        } else {
            throw new UnsupportedCommandException("provisioning-service", payload);
        }
    }

    private SpecificRecord redirected(DatabaseEndpoint target) throws Exception {
        String upstream = traffic.pointTo(target.getHost(), target.getPort());
        return new TrafficRedirected("proxy now sends connections to " + upstream, Map.of(), upstream);
    }

    private SpecificRecord reverted(DatabaseEndpoint source) throws Exception {
        String upstream = traffic.pointTo(source.getHost(), source.getPort());
        return new TrafficReverted("proxy sends connections to " + upstream + " again", Map.of(), upstream);
    }
}
