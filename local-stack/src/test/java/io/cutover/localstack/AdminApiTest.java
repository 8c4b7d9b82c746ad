package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class AdminApiTest {

    private final LocalStack stack = SharedStack.get();
    private final AdminClient admin = SharedStack.admin();

    @Test
    void aBadPlanIsRefusedWithEveryProblemNamed() throws Exception {
        AdminClient.Reply r = admin.send("POST", "/api/cutovers", "application/yaml", """
                title: ""
                mode: offline
                source: {host: db1, port: 99999, database: shop, user: app}
                target: {host: db2, database: shop}
                downtimeBudget: soon
                colour: blue
                """);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("error").asString()).isEqualTo("invalid plan");
        assertThat(strings(r.body().get("problems"))).containsExactlyInAnyOrder(
                "colour: unknown setting",
                "title: required",
                "source.port: must be between 1 and 65535, not 99999",
                "target.user: required",
                "downtimeBudget: 'soon' is not a duration (for example 90s, 30m, 2h or PT30M)");
    }

    @Test
    void malformedBodiesAndWrongContentTypesAreRefused() throws Exception {
        AdminClient.Reply broken = admin.send("POST", "/api/cutovers", "application/json", "{\"title\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.body().get("message").asString()).startsWith("the plan is neither valid YAML nor JSON");

        AdminClient.Reply list = admin.send("POST", "/api/cutovers", "application/json", "[1, 2]");
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.body().get("message").asString()).contains("must be an object");

        AdminClient.Reply xml = admin.send("POST", "/api/cutovers", "application/xml", "<plan/>");
        assertThat(xml.status()).isEqualTo(415);
        assertThat(xml.body().get("message").asString()).contains("application/xml is not supported");
    }

    @Test
    void unknownCutoversAreNotFound() throws Exception {
        AdminClient.Reply get = admin.send("GET", "/api/cutovers/no-such-id", null, null);
        AdminClient.Reply start = admin.send("POST", "/api/cutovers/no-such-id/start", null, null);

        assertThat(get.status()).isEqualTo(404);
        assertThat(get.body().get("message").asString()).isEqualTo("no cutover with id no-such-id");
        assertThat(start.status()).isEqualTo(404);
    }

    @Test
    void moves_that_the_state_does_not_allow_are_conflicts() throws Exception {
        DatabaseServers db = stack.databases();
        String id = admin.create(SamplePlan.json("API unreachable source", db.sourcePort(), db.targetPort(),
                "no_such_database", 1, "api.example.com"));
        admin.start(id);

        AdminClient.Reply again = admin.send("POST", "/api/cutovers/" + id + "/start", null, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("message").asString()).startsWith("cannot start a cutover that is");

        JsonNode end = admin.awaitEnd(id, Duration.ofMinutes(2), s -> { });
        assertThat(end.get("status").asString()).isEqualTo("FAILED");
        assertThat(end.get("failureReason").asString())
                .contains("CHECK_READINESS failed").contains("no_such_database");
        AdminClient.Reply abort = admin.send("POST", "/api/cutovers/" + id + "/abort", "application/json",
                "{\"reason\": \"too late\"}");
        assertThat(abort.status()).isEqualTo(409);
        assertThat(abort.body().get("message").asString()).isEqualTo("cannot abort a cutover that is FAILED");
    }

    @Test
    void aCreatedCutoverCanBeAbortedBeforeItStarts() throws Exception {
        DatabaseServers db = stack.databases();
        String id = admin.create(SamplePlan.json("API abort", db.sourcePort(), db.targetPort(), "never_started", 1,
                "abort.example.com"));

        AdminClient.Reply abort = admin.send("POST", "/api/cutovers/" + id + "/abort", "application/json",
                "{\"reason\": \"window moved\"}");
        JsonNode end = admin.awaitEnd(id, Duration.ofSeconds(30), s -> { });

        assertThat(abort.status()).isEqualTo(202);
        assertThat(end.get("status").asString()).isEqualTo("ABORTED");
        assertThat(end.get("steps").get(0).get("status").asString()).isEqualTo("PENDING");
    }

    @Test
    void theApiDescribesItself() throws Exception {
        AdminClient.Reply docs = admin.send("GET", "/v3/api-docs", null, null);

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().get("paths").propertyNames()).contains("/api/cutovers", "/api/cutovers/{id}",
                "/api/cutovers/{id}/start", "/api/cutovers/{id}/abort");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
