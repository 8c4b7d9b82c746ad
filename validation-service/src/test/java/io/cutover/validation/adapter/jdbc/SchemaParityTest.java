package io.cutover.validation.adapter.jdbc;

import static io.cutover.testing.TestPostgres.endpoint;
import static io.cutover.testing.TestPostgres.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;


class SchemaParityTest {



    @Test
    void theSameSchemaHasNoDifferences() throws Exception {
        pair("same_schema");

        assertThat(SchemaParity.differences(endpoint("same_schema_src"), endpoint("same_schema_tgt"), List.of()))
                .isEmpty();
    }

    @Test
    void everyDriftIsNamedWithTheSideItIsMissingFrom() throws Exception {
        pair("drift");
        sql("drift_tgt", "DROP INDEX orders_placed_idx", "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2)",
                "ALTER TABLE orders DROP CONSTRAINT orders_total_check", "CREATE INDEX orders_extra_idx ON orders (status)",
                "DROP TABLE audit");

        List<String> differences = SchemaParity.differences(endpoint("drift_src"), endpoint("drift_tgt"), List.of());

        assertThat(differences).containsExactlyInAnyOrder(
                "table public.audit is missing on the target",
                "column public.orders.total numeric(12,2) not null is missing on the target",
                "column public.orders.total numeric(14,2) not null is only on the target",
                "constraint public.orders orders_total_check CHECK ((total >= (0)::numeric)) is missing on the target",
                "index CREATE INDEX orders_placed_idx ON public.orders USING btree (placed_at) is missing on the target",
                "index CREATE INDEX orders_extra_idx ON public.orders USING btree (status) is only on the target");
    }

    private static void pair(String name) throws SQLException {
        for (String db : List.of(name + "_src", name + "_tgt")) {
            sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db);
            sql(db, "CREATE TABLE orders (id bigserial PRIMARY KEY, status text NOT NULL, "
                    + "total numeric(12,2) NOT NULL CHECK (total >= 0), placed_at timestamptz)",
                    "CREATE INDEX orders_placed_idx ON orders (placed_at)",
                    "CREATE TABLE audit (at timestamptz, what text)");
        }
    }


}
