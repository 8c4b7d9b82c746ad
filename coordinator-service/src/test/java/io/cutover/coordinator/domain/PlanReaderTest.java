package io.cutover.coordinator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlanReaderTest {

    @Test
    void aCompletePlanReadsWithDefaults() {
        Plan plan = Plans.plan();

        assertThat(plan.mode()).isEqualTo(Mode.OFFLINE);
        assertThat(plan.downtimeBudget()).isEqualTo(Duration.ofMinutes(30));
        assertThat(plan.parallelism()).isEqualTo(4);
        assertThat(plan.tables()).isEmpty();
        assertThat(plan.stakeholders()).extracting(Stakeholder::role)
                .containsExactly("IT_STAFF", "APPLICATION_OWNER");
        assertThat(plan.source().password().toString()).isEqualTo("****");
        assertThat(plan.source().toString()).doesNotContain("s3cret");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, Object> doc = Plans.document();
        doc.remove("title");
        doc.put("mode", "sideways");
        ((Map<String, Object>) doc.get("source")).remove("host");
        doc.put("parallelism", 500);
        doc.put("tables", List.of("orders", "bad name;drop"));
        doc.put("downtimeBudget", "soon");
        doc.put("stepTimeouts", Map.of("teleport", "5m", "transfer-data", "0s"));
        doc.put("stakeholders", List.of(Map.of("email", "not-an-address", "role", "boss")));
        doc.put("colour", "blue");

        assertThatThrownBy(() -> PlanReader.read(doc))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "colour: unknown setting",
                        "title: required",
                        "mode: must be offline or online, not 'sideways'",
                        "source.host: required",
                        "parallelism: must be between 1 and 64, not 500",
                        "tables: 'bad name;drop' is not a table name (table or schema.table)",
                        "stakeholders[0].email: 'not-an-address' is not an email address",
                        "stakeholders[0].role: must be one of [IT_STAFF, APPLICATION_OWNER, END_USER, SUPPORT], not 'boss'",
                        "downtimeBudget: 'soon' is not a duration (for example 90s, 30m, 2h or PT30M)",
                        "stepTimeouts.teleport: no such step in an offline cutover; steps are [announce, provision-target, check-readiness,"
                                + " fence-source-writes, transfer-data, validate-data, redirect-traffic, verify-target]",
                        "stepTimeouts.transfer-data: must be positive, not 0s"));
    }

    @Test
    void userChecksAreReadAndWrongOnesNamed() {
        Map<String, Object> doc = Plans.document();
        doc.put("checks", List.of(
                Map.of("name", "orders present", "sql", "SELECT count(*) > 0 FROM orders", "expect", "t"),
                Map.of("name", "app up", "http", "http://app.internal/health"),
                Map.of("name", "both", "sql", "SELECT 1", "http", "http://x/"),
                Map.of("name", "where", "sql", "SELECT 1", "on", "elsewhere"),
                Map.of("name", "ftp", "http", "ftp://files/")));

        assertThatThrownBy(() -> PlanReader.read(doc))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.problems()).containsExactly(
                        "checks[2]: needs exactly one of sql or http",
                        "checks[3].on: must be source or target, not 'elsewhere'",
                        "checks[4].http: 'ftp://files/' is not an http:// or https:// address"));

        doc.put("checks", List.of(Map.of("name", "orders present", "sql", "SELECT 1", "on", "target",
                "expect", 1), Map.of("name", "app up", "http", "http://app.internal/health", "expectStatus", 204)));
        assertThat(PlanReader.read(doc).checks()).containsExactly(
                new UserCheck("orders present", "SELECT 1", "target", "1", null, 200),
                new UserCheck("app up", null, "source", null, "http://app.internal/health", 204));
    }

    @Test
    void smokeChecksRunOnTheTargetAndCriticalQueriesNeedANameAndSql() {
        Map<String, Object> doc = Plans.document();
        doc.put("smoke", List.of(Map.of("name", "orders readable", "sql", "SELECT 1", "on", "source")));
        doc.put("criticalQueries", List.of(Map.of("name", "recent orders")));

        assertThatThrownBy(() -> PlanReader.read(doc))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.problems()).containsExactly(
                        "smoke[0].on: smoke checks run on the target after the redirect, not on the source",
                        "criticalQueries[0].sql: required"));

        doc.put("smoke", List.of(Map.of("name", "orders readable", "sql", "SELECT 1")));
        doc.put("criticalQueries", List.of(Map.of("name", "recent orders", "sql", "SELECT 2")));
        Plan plan = PlanReader.read(doc);
        assertThat(plan.smoke()).extracting(UserCheck::on).containsExactly("target");
        assertThat(plan.criticalQueries()).containsExactly(new Plan.CriticalQuery("recent orders", "SELECT 2"));
    }

    @Test
    void theSameDatabaseOnBothSidesIsRefused() {
        Map<String, Object> doc = Plans.document();
        doc.put("target", Plans.endpoint("localhost", 5432, "shop"));

        assertThatThrownBy(() -> PlanReader.read(doc))
                .hasMessageContaining("target: is the same database as source (localhost:5432/shop)");
    }

    @Test
    void onlineSettingsAreReadWithDefaultsForWhatIsLeftOut() {
        Map<String, Object> doc = Plans.document();
        doc.put("mode", "online");
        doc.put("online", Map.of("maxLag", "250ms", "replicaIdentityFull", List.of("audit"),
                "slotRetentionAlarm", "512MB"));

        Plan plan = PlanReader.read(doc);

        assertThat(plan.mode()).isEqualTo(Mode.ONLINE);
        assertThat(plan.online().maxLag()).isEqualTo(Duration.ofMillis(250));
        assertThat(plan.online().replicaIdentityFull()).containsExactly("public.audit");
        assertThat(plan.online().slotRetentionAlarmBytes()).isEqualTo(512L << 20);
        assertThat(plan.online().keepSlot()).isFalse();
        assertThat(PlanReader.read(Plans.document()).online()).isEqualTo(Plan.Online.DEFAULTS);
    }

    @Test
    void wrongOnlineSettingsAreEachNamed() {
        Map<String, Object> doc = Plans.document();
        doc.put("online", Map.of("maxLag", "soon", "slotRetentionAlarm", "lots", "keepSlot", "yes",
                "replicaIdentityFull", List.of("bad name"), "lagg", 1));

        assertThatThrownBy(() -> PlanReader.read(doc))
                .hasMessageContaining("online: settings for mode online, but the plan's mode is offline")
                .hasMessageContaining("online.maxLag")
                .hasMessageContaining("online.slotRetentionAlarm: 'lots' is not a size")
                .hasMessageContaining("online.keepSlot: must be true or false")
                .hasMessageContaining("online.replicaIdentityFull: 'bad name' is not a table name")
                .hasMessageContaining("online.lagg");
    }

    @Test
    void stepTimeoutsOverrideTheSagaDefaults() {
        Map<String, Object> doc = Plans.document();
        doc.put("stepTimeouts", Map.of("transfer-data", "PT3H"));

        Plan plan = PlanReader.read(doc);

        assertThat(CutoverSagas.OFFLINE.step(StepName.TRANSFER_DATA).timeoutFor(plan)).isEqualTo(Duration.ofHours(3));
        assertThat(CutoverSagas.OFFLINE.step(StepName.ANNOUNCE).timeoutFor(plan)).isEqualTo(Duration.ofMinutes(2));
        assertThat(plan.tables()).isEmpty();
    }
}
