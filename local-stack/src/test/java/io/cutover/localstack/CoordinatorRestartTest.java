package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cutover.testing.Sql;

import tools.jackson.databind.JsonNode;

class CoordinatorRestartTest {

    private final LocalStack stack = SharedStack.get();
    private final DatabaseServers db = stack.databases();

    @Test
    void aCoordinatorRestartedMidCutoverOnANewMachineFinishesIt() throws Exception {
        String database = "e2e_restart";
        SampleWorkload.create(db.sourcePort(), database, 10_000);
        AdminClient admin = SharedStack.admin();
        String id = admin.create(SamplePlan.json("E2E restart", db.sourcePort(), db.targetPort(), database, 2,
                "restart.example.com"));
        admin.start(id);
        assertThat(admin.get(id).get("status").asString()).isEqualTo("RUNNING");

        stack.restartCoordinator();

        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(3), s -> { });
        assertThat(end.get("status").asString()).as(end.toString()).isEqualTo("COMPLETED");
        assertThat(end.get("steps").get(0).get("status").asString()).isEqualTo("SUCCEEDED");
        try (Connection source = db.source(database); Connection target = db.target(database)) {
            for (String table : List.of("public.customers", "public.orders", "public.order_items")) {
                assertThat(Sql.digest(target, table)).as(table).isEqualTo(Sql.digest(source, table));
            }
        }
    }
}
