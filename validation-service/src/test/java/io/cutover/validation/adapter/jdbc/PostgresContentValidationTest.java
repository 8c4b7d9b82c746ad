package io.cutover.validation.adapter.jdbc;

import static io.cutover.testing.TestPostgres.endpoint;
import static io.cutover.testing.TestPostgres.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.schemas.TableValidation;
import io.cutover.validation.application.DataValidation;

class PostgresContentValidationTest {

    private final PostgresContentValidation validation = new PostgresContentValidation(2);


    @Test
    void identicalDataIsEqualEvenWhenTheTargetPrintsValuesDifferently() throws Exception {
        pair("same");
        sql("postgres", "ALTER DATABASE same_tgt SET TimeZone = 'Asia/Tokyo'",
                "ALTER DATABASE same_tgt SET DateStyle = 'SQL, DMY'", "ALTER DATABASE same_tgt SET extra_float_digits = 0",
                "ALTER DATABASE same_tgt SET bytea_output = 'escape'");

        Progress progress = new Progress();
        List<TableValidation> r = validation.validate(endpoint("same_src"), endpoint("same_tgt"), List.of(), progress);

        assertThat(r).allSatisfy(t -> assertThat(DataValidation.equal(t)).as(t.toString()).isTrue());
        assertThat(progress.get("rowsCompared")).isEqualTo(25_000 + 100 + 40);
        assertThat(progress.get("tablesDone")).isEqualTo(3);
        assertThat(progress.get("etaSeconds")).isZero();
        TableValidation people = result(r, "public.people");
        assertThat(people.getSourceRows()).isEqualTo(25_000);
        assertThat(people.getRanges()).isEqualTo(3);
        assertThat(result(r, "public.visits").getRowsCompared()).isEqualTo(40);
    }

    @Test
    void aChangedColumnIsNamedWithItsKeyAndColumn() throws Exception {
        pair("changed");
        sql("changed_tgt", "UPDATE people SET balance = balance + 0.001 WHERE id = 12345");

        TableValidation people = result(validate("changed"), "public.people");

        assertThat(people.getDifferent()).isEqualTo(1);
        assertThat(people.getMissing() + people.getExtra()).isZero();
        assertThat(people.getExamples()).containsExactly("different: id=12345 (columns balance)");
    }

    @Test
    void missingAndExtraRowsAreNamedInKeyOrderAndCounted() throws Exception {
        pair("gaps");
        sql("gaps_tgt", "DELETE FROM people WHERE id IN (7, 20, 100, 20001)",
                "INSERT INTO people (id, name) VALUES (99999, 'stranger')");

        TableValidation people = result(validate("gaps"), "public.people");

        assertThat(people.getMissing()).isEqualTo(4);
        assertThat(people.getExtra()).isEqualTo(1);
        assertThat(people.getTargetRows()).isEqualTo(24_997);
        assertThat(people.getExamples()).containsExactly("missing on the target: id=7",
                "missing on the target: id=20", "missing on the target: id=100", "missing on the target: id=20001",
                "extra on the target: id=99999");
    }

    @Test
    void equalDataWithTextKeysSortedByDifferentCollationsIsEqual() throws Exception {
        for (String[] side : new String[][] {{"coll_src", "C"}, {"coll_tgt", "und-x-icu"}}) {
            sql("postgres", "DROP DATABASE IF EXISTS " + side[0] + " WITH (FORCE)", "CREATE DATABASE " + side[0]);
            sql(side[0], "CREATE TABLE words (w text COLLATE \"" + side[1] + "\" PRIMARY KEY, n int)",
                    "INSERT INTO words SELECT CASE WHEN g % 2 = 0 THEN upper(md5(g::text)) ELSE md5(g::text) END, g "
                            + "FROM generate_series(1, 25000) g");
        }

        TableValidation words = result(validate("coll"), "public.words");

        assertThat(words.getRanges()).isEqualTo(3);
        assertThat(DataValidation.equal(words)).as(words.toString()).isTrue();
    }

    @Test
    void skewedKeysAreHalvedUntilTheDifferingRowsCanBeNamed() throws Exception {
        twins("skew", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 60000) g",
                "INSERT INTO t VALUES (1000000000000, 'far away')");
        sql("skew_tgt", "UPDATE t SET v = 'changed' WHERE id = 31337");

        TableValidation t = result(validate("skew"), "public.t");

        assertThat(t.getDifferent()).isEqualTo(1);
        assertThat(t.getExamples()).containsExactly("different: id=31337 (columns v)");
        assertThat(t.getRanges()).as("the crowded first range was halved").isGreaterThan(7);
    }

    @Test
    void aCompositeKeyLedByAFewIntegersIsCutIntoRangesOfAboutAChunk() throws Exception {
        twins("few", "CREATE TABLE writes (worker int, seq bigint, v text, PRIMARY KEY (worker, seq))",
                "INSERT INTO writes SELECT w, s, 'v' || s FROM generate_series(0, 7) w, generate_series(1, 9000) s");
        sql("few_tgt", "UPDATE writes SET v = 'changed' WHERE worker = 2 AND seq = 7001");

        TableValidation writes = result(validate("few"), "public.writes");

        assertThat(writes.getDifferent()).isEqualTo(1);
        assertThat(writes.getExamples()).containsExactly("different: worker=2, seq=7001 (columns v)");
        // ranges of whole workers would be 4 of two workers each, 18,000 rows compared key by key once they differ
        assertThat(writes.getRanges()).as("ranges cut at every 10,000th key").isEqualTo(8);
    }

    @Test
    void theRowsToCompareFollowEachTablesCountOnceItIsKnown() throws Exception {
        twins("grown", "CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g", "ANALYZE t",
                // the table grew nine times over since its statistics were taken
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1001, 10000) g");
        Progress progress = new Progress();

        validation.validate(endpoint("grown_src"), endpoint("grown_tgt"), List.of(), progress);

        assertThat(progress.get("rowsCompared")).isEqualTo(10_000);
        assertThat(progress.get("rowsEstimated")).as("the count, not the statistics' 1,000").isEqualTo(10_000);
        assertThat(progress.summary()).isEqualTo("comparing public.t: 10,000 of about 10,000 rows compared");
    }

    @Test
    void aSwappedValueInACompositeKeyTableIsFoundOnBothRows() throws Exception {
        pair("swap");
        sql("swap_tgt", """
                UPDATE stock SET qty = CASE sku WHEN 'sku-3' THEN (SELECT qty FROM stock WHERE region = 'eu' AND sku = 'sku-4')
                                                ELSE (SELECT qty FROM stock WHERE region = 'eu' AND sku = 'sku-3') END
                WHERE region = 'eu' AND sku IN ('sku-3', 'sku-4')""");

        TableValidation stock = result(validate("swap"), "public.stock");

        assertThat(stock.getDifferent()).isEqualTo(2);
        assertThat(stock.getExamples()).containsExactly("different: region=eu, sku=sku-3 (columns qty)",
                "different: region=eu, sku=sku-4 (columns qty)");
    }

    @Test
    void aRowDifferenceInATableWithoutAKeyIsFoundAsAMultiset() throws Exception {
        pair("multiset");
        sql("multiset_tgt", "INSERT INTO visits SELECT * FROM visits WHERE page = '/p3'",
                "DELETE FROM visits WHERE page = '/p5'");

        TableValidation visits = result(validate("multiset"), "public.visits");

        // /p3 and /p5 are 4 of the 40 visits each (one of them twice over)
        assertThat(visits.getExtra()).isEqualTo(4);
        assertThat(visits.getMissing()).isEqualTo(4);
        assertThat(visits.getExamples()).anySatisfy(e -> assertThat(e).startsWith("extra on the target (2x): (/p3,"))
                .anySatisfy(e -> assertThat(e).startsWith("missing on the target (2x): (/p5,"));
    }

    @Test
    void unequalValuesOfEveryKindAreNeverEqual() throws Exception {
        String[] changes = {
            "UPDATE people SET nick = '' WHERE id = 1",                       // NULL versus empty
            "UPDATE people SET balance = 2.50 WHERE id = 2",                  // numeric scale 2.500 versus 2.50
            "UPDATE people SET score = score + 1e-12 WHERE id = 3",           // floating point
            "UPDATE people SET seen = seen + interval '1 microsecond' WHERE id = 4",
            "UPDATE people SET data = data || '{\"x\": 1}' WHERE id = 5",     // jsonb
            "UPDATE people SET tags = ARRAY[tags[2], tags[1]] WHERE id = 6",  // array order
            "UPDATE people SET photo = photo || '\\x00'::bytea WHERE id = 8", // bytea
        };
        pair("kinds");
        sql("kinds_tgt", changes);

        TableValidation people = result(validate("kinds"), "public.people");

        assertThat(people.getDifferent()).isEqualTo(changes.length);
        assertThat(people.getExamples()).containsExactly("different: id=1 (columns nick)",
                "different: id=2 (columns balance)", "different: id=3 (columns score)",
                "different: id=4 (columns seen)", "different: id=5 (columns data)", "different: id=6 (columns tags)",
                "different: id=8 (columns photo)");
    }

    @Test
    void jsonbKeyOrderAndTimeZonesOfTheSameInstantAreEqual() throws Exception {
        pair("same_value");
        sql("same_value_tgt", "UPDATE people SET data = '{\"b\": 2, \"a\": 1}'::jsonb WHERE id = 9",
                "UPDATE people SET seen = (seen AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' WHERE id = 10");
        sql("same_value_src", "UPDATE people SET data = '{\"a\": 1, \"b\": 2}'::jsonb WHERE id = 9");

        assertThat(validate("same_value")).allSatisfy(t -> assertThat(DataValidation.equal(t)).isTrue());
    }

    @Test
    void selectedRowsAreComparedByKeyAcrossManyQueriesAndNamedInTheirOrder() throws Exception {
        pair("picked");
        sql("picked_tgt", "UPDATE people SET nick = 'changed' WHERE id IN (1500, 2999)",
                "DELETE FROM people WHERE id = 4321", "UPDATE people SET nick = 'not selected' WHERE id = 24000",
                "UPDATE stock SET qty = 0 WHERE region = 'us' AND sku = 'sku-7'");
        // more keys than one query takes, with differences in the later queries; one key on neither side
        Set<List<String>> people = new LinkedHashSet<>();
        for (int id = 1; id <= 4_500; id++) {
            people.add(List.of(Integer.toString(id)));
        }
        people.add(List.of("99999"));
        Set<List<String>> stock = new LinkedHashSet<>();
        for (int sku = 1; sku <= 50; sku++) {
            stock.add(List.of("us", "sku-" + sku));
        }
        Map<String, ChangedKeys.Selection> selected = new LinkedHashMap<>();
        selected.put("public.people", new ChangedKeys.Selection(false, people));
        selected.put("public.stock", new ChangedKeys.Selection(false, stock));
        Progress progress = new Progress();

        DataValidation.Pass pass = validation.validateSelected(endpoint("picked_src"), endpoint("picked_tgt"),
                selected, progress);

        TableValidation p = result(pass.tables(), "public.people");
        assertThat(p.getRanges()).as("queries of at most 1,000 keys").isEqualTo(5);
        assertThat(p.getSourceRows()).isEqualTo(4_500);
        assertThat(p.getTargetRows()).isEqualTo(4_499);
        assertThat(p.getDifferent()).isEqualTo(2);
        assertThat(p.getMissing()).isEqualTo(1);
        assertThat(p.getExamples()).containsExactly("different: id=1500 (columns nick)",
                "different: id=2999 (columns nick)", "missing on the target: id=4321");
        assertThat(result(pass.tables(), "public.stock").getExamples())
                .containsExactly("different: region=us, sku=sku-7 (columns qty)");
        assertThat(pass.differing().get("public.people").keys())
                .containsExactlyInAnyOrder(List.of("1500"), List.of("2999"), List.of("4321"));
        assertThat(progress.get("rowsCompared")).isEqualTo(4_501 + 50);

        // a second pass in the same step counts its own rows against its own estimate
        Map<String, ChangedKeys.Selection> again = Map.of("public.stock", new ChangedKeys.Selection(false, stock));
        validation.validateSelected(endpoint("picked_src"), endpoint("picked_tgt"), again, progress);
        assertThat(progress.get("rowsCompared")).isEqualTo(50);
        assertThat(progress.get("rowsEstimated")).isEqualTo(50);
        assertThat(progress.get("tablesDone")).isEqualTo(1);
        assertThat(progress.summary()).isEqualTo("comparing public.stock: 50 of about 50 rows compared");
    }

    private List<TableValidation> validate(String name) throws Exception {
        return validation.validate(endpoint(name + "_src"), endpoint(name + "_tgt"), List.of(), new Progress());
    }

    private static TableValidation result(List<TableValidation> results, String table) {
        return results.stream().filter(t -> t.getTable().equals(table)).findFirst().orElseThrow();
    }

    /** Source and target databases with the same schema and data. */
    /** Databases name_src and name_tgt, new, each made by the same statements. */
    private static void twins(String name, String... statements) throws SQLException {
        for (String db : List.of(name + "_src", name + "_tgt")) {
            sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db);
            sql(db, statements);
        }
    }

    private static void pair(String name) throws SQLException {
        twins(name, """
                CREATE TABLE people (id bigint PRIMARY KEY, name text COLLATE "C", nick text, balance numeric,
                  score double precision, seen timestamptz, data jsonb, tags text[], photo bytea)""",
                """
                INSERT INTO people SELECT g, 'person ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END,
                  round(g / 8.0, 3), g / 7.0, timestamptz '2024-03-10 12:00:00+01' + g * interval '1 minute',
                  jsonb_build_object('g', g, 'nested', jsonb_build_object('v', g % 5)), ARRAY['a' || g, 'b'],
                  decode(md5(g::text), 'hex')
                FROM generate_series(1, 25000) g""",
                "CREATE TABLE stock (region text, sku text, qty int, PRIMARY KEY (region, sku))",
                "INSERT INTO stock SELECT r, 'sku-' || g, g * 10 FROM unnest(ARRAY['eu', 'us']) r, "
                        + "generate_series(1, 50) g",
                "CREATE TABLE visits (page text, at date)",
                "INSERT INTO visits SELECT '/p' || (g % 10), date '2025-01-01' + g % 3 FROM generate_series(1, 40) g");
    }
}
