package io.cutover.coordinator.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.cutover.coordinator.domain.Mode;
import io.cutover.coordinator.domain.Plan;
import io.cutover.coordinator.domain.PlanReader;

/** The example plans the README points to are plans the coordinator accepts, as written. */
class ExamplePlansTest {

    private final PlanDocumentParser parser = new PlanDocumentParser();

    @Test
    void theOfflineExampleIsAValidOfflinePlan() throws Exception {
        Plan plan = PlanReader.read(parser.parse(Files.readString(Path.of("../examples/offline-plan.yml"))));

        assertThat(plan.mode()).isEqualTo(Mode.OFFLINE);
        assertThat(plan.targetStorageBytes()).isEqualTo(256L << 30);
    }

    @Test
    void theOnlineExampleIsAValidOnlinePlan() throws Exception {
        Plan plan = PlanReader.read(parser.parse(Files.readString(Path.of("../examples/online-plan.yml"))));

        assertThat(plan.mode()).isEqualTo(Mode.ONLINE);
        assertThat(plan.online().replicaIdentityFull()).containsExactly("public.audit_log");
        assertThat(plan.online().maxLag().toMillis()).isEqualTo(500);
        assertThat(plan.targetStorageBytes()).isEqualTo(512L << 30);
    }
}
