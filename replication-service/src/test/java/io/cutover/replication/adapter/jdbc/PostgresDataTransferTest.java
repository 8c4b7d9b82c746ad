package io.cutover.replication.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cutover.kit.Progress;
import io.cutover.replication.application.DataTransfer;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.testing.Sql;
import io.cutover.testing.TestPostgres;


class PostgresDataTransferTest {

    private static final List<String> TABLES = List.of("public.people", "sales.orders", "public.scratch");
    /** Everything the schema copy must reproduce, as the catalog prints it. */
    private static final String DEFINITIONS = """
            SELECT c.oid::regclass || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
                   || a.attnotnull || ' ' || a.attidentity::text || a.attgenerated::text || ' ' || coalesce(co.collname, '')
                   || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || c.relpersistence::text
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
            WHERE c.relnamespace IN ('public'::regnamespace, 'sales'::regnamespace) AND c.relkind IN ('r', 'v')
              AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname IN ('public', 'sales')
            UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                      FROM pg_constraint WHERE connamespace IN ('public'::regnamespace, 'sales'::regnamespace)
            UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT pg_get_viewdef('sales.big_orders'::regclass)
            UNION ALL SELECT pg_get_functiondef('public.touch'::regproc)
            UNION ALL SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum
            UNION ALL SELECT sequencename || ' ' || last_value FROM pg_sequences
            UNION ALL SELECT a.attrelid::regclass || ' ' || a.attname || ' storage ' || a.attstorage::text
                   || ' statistics ' || coalesce(a.attstattarget, -1)
                      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      WHERE c.relnamespace IN ('public'::regnamespace, 'sales'::regnamespace) AND c.relkind = 'r'
                        AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL SELECT c.oid::regclass || ' with ' || coalesce(array_to_string(c.reloptions, ','), '')
                   || ' toast ' || coalesce(array_to_string(t.reloptions, ','), '')
                      FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
                      WHERE c.relnamespace IN ('public'::regnamespace, 'sales'::regnamespace) AND c.relkind = 'r'
            ORDER BY 1""";

    private final PostgresDataTransfer transfer = new PostgresDataTransfer();

    @Test
    void everyObjectAndRowArrivesAsTheSourceHasIt() throws Exception {
        DatabaseEndpoint source = richSource("xfer_src");
        DatabaseEndpoint target = TestPostgres.database("xfer_tgt");

        DataTransfer.Result result = transfer.transfer("c-full", source, target, List.of(), 2, new Progress());

        assertThat(result.figures()).containsEntry("tables", 3L).containsEntry("rows", 7010L)
                .containsEntry("resumedTables", 0L).containsEntry("sequences", 2L);
        try (Connection s = TestPostgres.connect("xfer_src"); Connection t = TestPostgres.connect("xfer_tgt")) {
            assertThat(Sql.column(t, DEFINITIONS)).isEqualTo(Sql.column(s, DEFINITIONS));
            for (String table : TABLES) {
                assertThat(Sql.digest(t, table)).as(table).isEqualTo(Sql.digest(s, table));
            }
            for (String table : TABLES) {
                String[] parts = table.split("\\.");
                assertThat(Sql.column(t, "SELECT count(*) FROM pg_stats WHERE schemaname = '" + parts[0]
                        + "' AND tablename = '" + parts[1] + "'").get(0)).as("statistics of " + table)
                        .isNotEqualTo("0");
            }
            Sql.execute(t, "INSERT INTO public.people (name) VALUES ('after')");
            assertThat(Sql.column(t, "SELECT max(id) FROM public.people")).containsExactly("2001");
        }
    }

    @Test
    void aResentCommandCopiesOnlyWhatWasNotCommittedAndNeverARowTwice() throws Exception {
        DatabaseEndpoint source = richSource("resume_src");
        DatabaseEndpoint target = TestPostgres.database("resume_tgt");
        transfer.transfer("c-resume", source, target, List.of(), 2, new Progress());
        // as if the service died while copying scratch: its rows and checkpoint were never committed
        try (Connection t = TestPostgres.connect("resume_tgt")) {
            Sql.execute(t, "TRUNCATE public.scratch");
            Sql.execute(t, "DELETE FROM cutover_state.transfer_checkpoints "
                    + "WHERE item IN ('table:public.scratch', 'post-data')");
        }

        DataTransfer.Result again = transfer.transfer("c-resume", source, target, List.of(), 2, new Progress());

        assertThat(again.figures()).containsEntry("resumedTables", 2L).containsEntry("rows", 7010L);
        try (Connection s = TestPostgres.connect("resume_src"); Connection t = TestPostgres.connect("resume_tgt")) {
            for (String table : TABLES) {
                assertThat(Sql.digest(t, table)).as(table).isEqualTo(Sql.digest(s, table));
            }
            assertThat(Sql.column(t, DEFINITIONS)).isEqualTo(Sql.column(s, DEFINITIONS));
        }
        DataTransfer.Result third = transfer.transfer("c-resume", source, target, List.of(), 2, new Progress());
        assertThat(third.figures()).containsEntry("resumedTables", 3L);
    }

    @Test
    void twoDeliveriesOfTheSameTransferAtOnceCopyEachRowOnce() throws Exception {
        DatabaseEndpoint source = richSource("twice_src");
        DatabaseEndpoint target = TestPostgres.database("twice_tgt");

        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("c-twice", source, target));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> run("c-twice", source, target));

        List<Long> resumed = List.of(first.get().figures().get("resumedTables"),
                second.get().figures().get("resumedTables"));
        assertThat(resumed).containsExactlyInAnyOrder(0L, 3L);
        try (Connection s = TestPostgres.connect("twice_src"); Connection t = TestPostgres.connect("twice_tgt")) {
            for (String table : TABLES) {
                assertThat(Sql.digest(t, table)).as(table).isEqualTo(Sql.digest(s, table));
            }
        }
    }

    private DataTransfer.Result run(String id, DatabaseEndpoint source, DatabaseEndpoint target) {
        try {
            return transfer.transfer(id, source, target, List.of(), 2, new Progress());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTargetThatAlreadyHasTablesIsRefused() throws Exception {
        DatabaseEndpoint source = richSource("busy_src");
        DatabaseEndpoint target = TestPostgres.database("busy_tgt");
        try (Connection t = TestPostgres.connect("busy_tgt")) {
            Sql.execute(t, "CREATE TABLE precious (v int)");
        }

        assertThatThrownBy(() -> transfer.transfer("c-busy", source, target, List.of(), 2, new Progress()))
                .hasMessageContaining("already has 1 tables (public.precious): Cutover copies into an empty database");
    }

    @Test
    void objectsThatAreNotCopiedYetAreRefusedByNameBeforeAnythingMoves() throws Exception {
        DatabaseEndpoint source = TestPostgres.database("odd_src");
        DatabaseEndpoint target = TestPostgres.database("odd_tgt");
        try (Connection s = TestPostgres.connect("odd_src")) {
            Sql.execute(s, "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
            Sql.execute(s, "CREATE TABLE t (id posint PRIMARY KEY)");
            Sql.execute(s, "CREATE MATERIALIZED VIEW mv AS SELECT * FROM t");
        }

        assertThatThrownBy(() -> transfer.transfer("c-odd", source, target, List.of(), 2, new Progress()))
                .hasMessageContaining("does not copy yet")
                .hasMessageContaining("domain public.posint").hasMessageContaining("materialized view public.mv");
        try (Connection t = TestPostgres.connect("odd_tgt")) {
            assertThat(Sql.column(t, "SELECT count(*) FROM pg_class WHERE relname = 't'")).containsExactly("0");
        }
    }

    @Test
    void aTableListCopiesOnlyThoseTables() throws Exception {
        DatabaseEndpoint source = richSource("some_src");
        DatabaseEndpoint target = TestPostgres.database("some_tgt");

        DataTransfer.Result r = transfer.transfer("c-some", source, target, List.of("public.scratch"), 1,
                new Progress());

        assertThat(r.figures()).containsEntry("tables", 1L).containsEntry("rows", 10L);
        try (Connection t = TestPostgres.connect("some_tgt")) {
            assertThat(Sql.column(t, "SELECT relname FROM pg_class WHERE relkind = 'r' "
                    + "AND relnamespace IN ('public'::regnamespace) ORDER BY 1")).containsExactly("scratch");
        }
    }


    /** A source with enum and array types, identity, serial and generated columns, collations, bytea, jsonb,
     * numeric and floats, NULLs, a foreign key with cascade, check and unique constraints, a partial index, an
     * unlogged table, storage parameters, columns with their own storage and statistics target, a trigger with its
     * function, and a view over a second schema. */
    static DatabaseEndpoint richSource(String name) throws Exception {
        DatabaseEndpoint source = TestPostgres.database(name);
        try (Connection s = TestPostgres.connect(name)) {
            Sql.execute(s, "CREATE SCHEMA sales");
            Sql.execute(s, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            Sql.execute(s, """
                    CREATE TABLE public.people (
                      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                      name text COLLATE "C" NOT NULL,
                      mood mood,
                      tags text[],
                      photo bytea,
                      born date,
                      balance numeric(12,3),
                      score double precision,
                      shout text GENERATED ALWAYS AS (upper(name)) STORED,
                      data jsonb,
                      created timestamptz DEFAULT now())""");
            Sql.execute(s, """
                    CREATE TABLE sales.orders (
                      id serial PRIMARY KEY,
                      person_id bigint REFERENCES public.people(id) ON DELETE CASCADE,
                      amount numeric(10,2) CHECK (amount >= 0),
                      moods mood[],
                      UNIQUE (person_id, id)) WITH (fillfactor = 70, toast.autovacuum_enabled = false)""");
            Sql.execute(s, "CREATE INDEX orders_big ON sales.orders (amount) WHERE amount > 100");
            Sql.execute(s, "ALTER TABLE public.people ALTER COLUMN photo SET STORAGE EXTERNAL,"
                    + " ALTER COLUMN name SET STATISTICS 500, ALTER COLUMN tags SET STORAGE MAIN,"
                    + " ALTER COLUMN tags SET STATISTICS 0");
            Sql.execute(s, "CREATE UNLOGGED TABLE public.scratch (k text PRIMARY KEY, v text)");
            Sql.execute(s, """
                    CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN NEW.amount := round(NEW.amount, 2); RETURN NEW; END $$""");
            Sql.execute(s, "CREATE TRIGGER orders_touch BEFORE INSERT ON sales.orders FOR EACH ROW "
                    + "EXECUTE FUNCTION public.touch()");
            Sql.execute(s, "CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 100");
            Sql.execute(s, """
                    INSERT INTO public.people (name, mood, tags, photo, born, balance, score, data, created)
                    SELECT 'person ' || g, (ARRAY['sad','ok','happy']::mood[])[1 + g % 3],
                           CASE WHEN g % 4 = 0 THEN NULL ELSE ARRAY['a' || g, 'b'] END,
                           CASE WHEN g % 5 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
                           date '1970-01-01' + g, g * 1.125, g / 3.0, jsonb_build_object('g', g, 'e', ''),
                           timestamptz '2020-01-01 00:00:00+02' + g * interval '1 hour'
                    FROM generate_series(1, 2000) g""");
            Sql.execute(s, """
                    INSERT INTO sales.orders (person_id, amount, moods)
                    SELECT 1 + g % 2000, g * 0.37, ARRAY['ok', 'happy']::mood[] FROM generate_series(1, 5000) g""");
            Sql.execute(s, "INSERT INTO public.scratch SELECT 'k' || g, NULL FROM generate_series(1, 10) g");
        }
        return source;
    }
}
