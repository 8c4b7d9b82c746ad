package io.cutover.validation.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.OnlineValidation;
import io.cutover.schemas.ValidateData;
import io.cutover.testing.TestPostgres;
import io.cutover.validation.adapter.jdbc.PostgresContentValidation;

/** A schema that differs is what a validation reports, before the rows, and at the switch while they compare. */
class DataComparisonTest {

    private final DataComparison comparison = new DataComparison(new PostgresContentValidation(2));

    @Test
    void aColumnMissingOnTheTargetFailsTheValidationNamingIt() throws Exception {
        ValidateData command = pair("dc_offline", null);
        TestPostgres.sql("dc_offline_tgt", "ALTER TABLE items DROP COLUMN v");

        SpecificRecord result = comparison.validate(command, new Progress());

        assertThat(result).isInstanceOf(DataValidationFailed.class);
        assertThat(((DataValidationFailed) result).getSummary())
                .isEqualTo("the target's schema differs from the source's in 1 places: column public.items.v text"
                        + " is missing on the target");
    }

    @Test
    void atTheSwitchASchemaChangedSinceTheBaselineIsWhatTheOutcomeSays() throws Exception {
        OnlineValidation baseline = OnlineValidation.newBuilder().setCutoverId("dc_switch").setFinalPass(false)
                .build();
        ValidateData first = pair("dc_switch", baseline);
        assertThat(comparison.validate(first, new Progress())).isInstanceOf(DataValidated.class);
        try (Connection t = Databases.open(first.getTarget())) {
            t.setAutoCommit(false);
            ChangedKeys.record(t, "dc_switch", "public.items", Long.MAX_VALUE / 2 + 1, false, List.of(List.of("3")));
            t.commit();
        }
        // a column someone added on the target: every row of it now hashes differently
        TestPostgres.sql("dc_switch_tgt", "ALTER TABLE items ADD COLUMN extra int");

        SpecificRecord result = comparison.validate(command("dc_switch", OnlineValidation.newBuilder()
                .setCutoverId("dc_switch").setFinalPass(true).build()), new Progress());

        assertThat(result).isInstanceOf(DataValidationFailed.class);
        assertThat(((DataValidationFailed) result).getSummary())
                .startsWith("the target's schema differs from the source's in 1 places: column public.items.extra");
    }

    /** Equal source and target; for an online validation, the target holds a sync that has caught up. */
    private static ValidateData pair(String name, OnlineValidation online) throws Exception {
        for (String db : List.of(name + "_src", name + "_tgt")) {
            TestPostgres.database(db);
            TestPostgres.sql(db, "CREATE TABLE items (id int PRIMARY KEY, v text)",
                    "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        if (online != null) {
            TestPostgres.sql(name + "_tgt", "CREATE SCHEMA " + Databases.STATE_SCHEMA,
                    "CREATE TABLE " + ChangedKeys.SYNC + " (cutover_id text PRIMARY KEY, applied_lsn bigint NOT NULL)",
                    "INSERT INTO " + ChangedKeys.SYNC + " VALUES ('" + online.getCutoverId() + "', "
                            + Long.MAX_VALUE / 2 + ")");
        }
        return command(name, online);
    }

    private static ValidateData command(String name, OnlineValidation online) {
        return ValidateData.newBuilder()
                .setSource(TestPostgres.endpoint(name + "_src"))
                .setTarget(TestPostgres.endpoint(name + "_tgt"))
                .setTables(List.of("public.items"))
                .setOnline(online)
                .build();
    }
}
