package io.cutover.provisioning.adapter.kafka;

import java.time.Duration;
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
import io.cutover.schemas.HoldTraffic;
import io.cutover.schemas.ReleaseTraffic;
import io.cutover.schemas.TrafficHeld;
import io.cutover.schemas.TrafficHoldFailed;
import io.cutover.schemas.TrafficReleaseFailed;
import io.cutover.schemas.TrafficReleased;
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
        } else if (payload instanceof HoldTraffic h) {
            jobs.run(command, Job.of(progress -> {
                traffic.hold(Duration.ofMillis(h.getMaxHoldMillis()));
                return new TrafficHeld("proxy holds new queries to " + traffic.upstream() + " (at most "
                        + h.getMaxHoldMillis() + " ms)", Map.of());
            }, (reason, progress) -> new TrafficHoldFailed(reason, Map.of())));
        } else if (payload instanceof ReleaseTraffic r) {
            jobs.run(command, Job.of(progress -> {
                long held = traffic.release();
                return new TrafficReleased("proxy released held queries to " + traffic.upstream() + " after "
                        + held + " ms", Map.of("heldMillis", held));
            }, (reason, progress) -> new TrafficReleaseFailed(reason, Map.of())));
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
