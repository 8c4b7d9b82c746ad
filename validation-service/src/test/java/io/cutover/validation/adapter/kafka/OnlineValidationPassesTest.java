package io.cutover.validation.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.OnlineValidation;
import io.cutover.schemas.TableValidation;
import io.cutover.schemas.ValidateData;
import io.cutover.testing.TestPostgres;
import io.cutover.validation.adapter.jdbc.PostgresContentValidation;

/**
 * The baseline pass of an online cutover waits for the stream before it selects what changed; the pass at the switch
 * compares only that.
 */
class OnlineValidationPassesTest {

    private final OnlineValidationPasses passes = new OnlineValidationPasses(new PostgresContentValidation(2));

    @Test
    void theFullPassAndItsRoundsBeginOnceTheTargetHoldsWhatTheSourceHasWritten() throws Exception {
        Progress progress = new Progress();
        CompletableFuture<SpecificRecord> baseline = waitingBaseline(pair("ovp_wait", 1), progress);
        Thread.sleep(1_000);
        assertThat(baseline).as("the stream (still at position 1) has not caught up").isNotDone();
        assertThat(progress.get("rowsCompared")).as("the full pass has not begun either").isZero();

        applied("ovp_wait", Long.MAX_VALUE / 2); // everything the source had written, and more
        DataValidated done = (DataValidated) baseline.get(30, TimeUnit.SECONDS);
        assertThat(done.getSummary()).startsWith("baseline while the sync runs: content equal in all 1 tables")
                .contains("then 0 rounds");
    }

    @Test
    void aStreamThatReachedWhereTheSourceWasIsWaitedForAgainWhileItIsStillBehind() throws Exception {
        Progress progress = new Progress();
        CompletableFuture<SpecificRecord> baseline = waitingBaseline(pair("ovp_again_wait", 1), progress);
        String first = progress.summary();
        Thread.sleep(700); // longer than a wait that finds the stream caught up

        // the stream reaches where the source was when the wait began, but the source has written on meanwhile
        long reached;
        try (Connection s = TestPostgres.connect("ovp_again_wait_src")) {
            reached = Databases.walInsertLsn(s);
        }
        TestPostgres.sql("ovp_again_wait_src", "CREATE TABLE written_meanwhile AS SELECT g FROM generate_series(1,"
                + " 1000) g");
        applied("ovp_again_wait", reached);
        long until = System.currentTimeMillis() + 10_000;
        while (progress.summary().equals(first) && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }

        assertThat(progress.summary()).as("a second wait, from where the source is now")
                .startsWith("waiting for the stream to apply what the source has written").isNotEqualTo(first);
        Thread.sleep(300);
        assertThat(baseline).isNotDone();
        assertThat(progress.get("rowsCompared")).isZero();
        applied("ovp_again_wait", Long.MAX_VALUE / 2);
        assertThat(((DataValidated) baseline.get(30, TimeUnit.SECONDS)).getSummary())
                .startsWith("baseline while the sync runs: content equal in all 1 tables");
    }

    @Test
    void aStreamThatDoesNotMoveIsNotWaitedForLong() throws Exception {
        ValidateData command = pair("ovp_still", 1);

        // without the guard, the wait would last five minutes
        DataValidated done = (DataValidated) CompletableFuture.supplyAsync(() -> validate(command, new Progress()))
                .get(30, TimeUnit.SECONDS);

        assertThat(done.getSummary()).startsWith("baseline while the sync runs: content equal");
    }

    @Test
    void theFinalPassComparesWhatChangedSinceTheBaselineAndNamesWhatDiffers() throws Exception {
        ValidateData baseline = pair("ovp_final", Long.MAX_VALUE / 2);
        assertThat(validate(baseline, new Progress())).isInstanceOf(DataValidated.class);
        // the baseline noted where it began; the stream then changes row 7 on the target, but not as the source has
        // it, and row 5 differs without the stream having touched it (so it is not looked at again)
        TestPostgres.sql("ovp_final_src", "UPDATE items SET v = 'source' WHERE id = 7");
        TestPostgres.sql("ovp_final_tgt", "UPDATE items SET v = 'stale' WHERE id IN (5, 7)");
        try (Connection t = Databases.open(baseline.getTarget())) {
            t.setAutoCommit(false);
            ChangedKeys.record(t, "ovp_final", "public.items", Long.MAX_VALUE / 2 + 1, false, List.of(List.of("7")));
            t.commit();
        }
        SpecificRecord result = validate(atTheSwitch(baseline), new Progress());

        assertThat(result).isInstanceOf(DataValidationFailed.class);
        TableValidation items = ((DataValidationFailed) result).getResults().get(0);
        assertThat(items.getSourceRows()).as("only the changed row, on each side").isEqualTo(1);
        assertThat(items.getExamples()).containsExactly("different: id=7 (columns v)");
    }

    @Test
    void theRecentPassLeavesTheFinalPassOnlyWhatDifferedThenAndWhatChangedAfter() throws Exception {
        ValidateData baseline = pair("ovp_recent", Long.MAX_VALUE / 2);
        assertThat(validate(baseline, new Progress())).isInstanceOf(DataValidated.class);
        // after the baseline the stream applied row 7 as the source has it; row 9 changed on the source and is still
        // on its way; row 5 differs without the stream having touched it (nothing looks at it again)
        TestPostgres.sql("ovp_recent_src", "UPDATE items SET v = 'seven' WHERE id = 7",
                "UPDATE items SET v = 'nine' WHERE id = 9");
        TestPostgres.sql("ovp_recent_tgt", "UPDATE items SET v = 'seven' WHERE id = 7",
                "UPDATE items SET v = 'stale' WHERE id = 5");
        changed("ovp_recent", Long.MAX_VALUE / 2 + 1, "7", "9");
        applied("ovp_recent", Long.MAX_VALUE / 2 + 2);

        DataValidated recent = (DataValidated) validate(recently(baseline), new Progress());

        assertThat(recent.getSummary()).startsWith("before the switch, what changed since the last pass: 2 rows"
                + " compared; 1 rows still differ for now");
        assertThat(recent.getMetrics()).containsEntry("rowsSelected", 2L).containsEntry("rowsToRecheck", 1L);

        // row 9 arrives, and row 3 changes after the recent pass began
        TestPostgres.sql("ovp_recent_src", "UPDATE items SET v = 'three' WHERE id = 3");
        TestPostgres.sql("ovp_recent_tgt", "UPDATE items SET v = 'nine' WHERE id = 9",
                "UPDATE items SET v = 'three' WHERE id = 3");
        changed("ovp_recent", Long.MAX_VALUE / 2 + 3, "9", "3");
        DataValidated last = (DataValidated) validate(atTheSwitch(baseline), new Progress());

        assertThat(last.getResults().get(0).getSourceRows()).as("rows 9 and 3, not 7 (equal in the recent pass)")
                .isEqualTo(2);
    }

    @Test
    void theRecentPassComparesAgainWhileWhatChangedDuringItShrinks() throws Exception {
        ValidateData baseline = pair("ovp_again", Long.MAX_VALUE / 2);
        assertThat(validate(baseline, new Progress())).isInstanceOf(DataValidated.class);
        // 4,000 rows changed after the baseline, before the recent pass began; 1,500 more after it began (the
        // target's position is then MAX/2 + 10), which its second comparison takes up; nothing changes after that,
        // and a third would compare the same 1,500 again
        changed("ovp_again", Long.MAX_VALUE / 2 + 1, keys(1_001, 5_000));
        applied("ovp_again", Long.MAX_VALUE / 2 + 10);
        changed("ovp_again", Long.MAX_VALUE / 2 + 20, keys(5_001, 6_500));

        DataValidated recent = (DataValidated) validate(recently(baseline), new Progress());

        assertThat(recent.getSummary()).startsWith("before the switch, what changed since the last pass: 7000 rows"
                + " compared in 2 passes (5500, 1500 rows); 0 rows still differ for now");
        assertThat(recent.getMetrics()).containsEntry("passes", 2L).containsEntry("rowsSelected", 7_000L);
        try (Connection t = TestPostgres.connect("ovp_again_tgt")) {
            assertThat(ChangedKeys.sinceBaseline(t, "ovp_again").get("public.items").keys())
                    .as("the pass at the switch is left with what changed since the second comparison began")
                    .hasSize(1_500);
        }
    }

    @Test
    void aPassBothRecentAndFinalIsRefused() throws Exception {
        ValidateData baseline = pair("ovp_both", 1);
        ValidateData both = as(baseline, OnlineValidation.newBuilder().setCutoverId("ovp_both").setFinalPass(true)
                .setRecentOnly(true).build());

        assertThatThrownBy(() -> passes.validate(both, new Progress())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a validation of cutover ovp_both cannot be both the recent pass (recentOnly) and the"
                        + " final one (finalPass)");
    }

    @Test
    void theFinalPassWithoutABaselineOnTheTargetSaysSo() throws Exception {
        ValidateData command = pair("ovp_none", 1);
        TestPostgres.sql("ovp_none_tgt", "CREATE TABLE IF NOT EXISTS " + Databases.STATE_SCHEMA
                + ".validation_baseline (cutover_id text NOT NULL, since_lsn bigint NOT NULL, table_name text,"
                + " whole boolean NOT NULL DEFAULT false, keys text[])");

        assertThatThrownBy(() -> passes.validate(atTheSwitch(command), new Progress()))
                .hasMessage("no baseline validation of cutover ovp_none on this target");
    }

    /** The baseline, started in the background, once it waits for the stream. */
    private CompletableFuture<SpecificRecord> waitingBaseline(ValidateData command, Progress progress)
            throws InterruptedException {
        CompletableFuture<SpecificRecord> baseline = CompletableFuture.supplyAsync(() -> validate(command, progress));
        String waiting = "waiting for the stream to apply what the source has written";
        long until = System.currentTimeMillis() + 30_000;
        while (!String.valueOf(progress.summary()).startsWith(waiting) && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertThat(progress.summary()).startsWith(waiting);
        return baseline;
    }

    /** The stream's position on the target, as the stream sets it when it commits. */
    private static void applied(String cutoverId, long lsn) throws Exception {
        TestPostgres.sql(cutoverId + "_tgt", "UPDATE " + ChangedKeys.SYNC + " SET applied_lsn = " + lsn);
    }

    private SpecificRecord validate(ValidateData command, Progress progress) {
        try {
            return passes.validate(command, progress);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Notes, as the stream does, that the transactions up to commitLsn changed these rows of items. */
    private static void changed(String cutoverId, long commitLsn, String... keys) throws Exception {
        try (Connection t = TestPostgres.connect(cutoverId + "_tgt")) {
            t.setAutoCommit(false);
            ChangedKeys.record(t, cutoverId, "public.items", commitLsn, false,
                    Arrays.stream(keys).map(List::of).toList());
            t.commit();
        }
    }

    private static String[] keys(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(String::valueOf).toArray(String[]::new);
    }

    /** The same comparison, as the recent pass before the switch. */
    private static ValidateData recently(ValidateData baseline) {
        return as(baseline, OnlineValidation.newBuilder().setCutoverId(baseline.getOnline().getCutoverId())
                .setRecentOnly(true).build());
    }

    /** The same comparison, as the pass at the switch. */
    private static ValidateData atTheSwitch(ValidateData baseline) {
        return as(baseline, OnlineValidation.newBuilder().setCutoverId(baseline.getOnline().getCutoverId())
                .setFinalPass(true).build());
    }

    /**
     * The same comparison as another pass; built field by field, since a builder copying a message makes Avro load
     * its classes, which only a serde of ours lets it do.
     */
    private static ValidateData as(ValidateData baseline, OnlineValidation pass) {
        return ValidateData.newBuilder()
                .setSource(baseline.getSource())
                .setTarget(baseline.getTarget())
                .setTables(baseline.getTables())
                .setOnline(pass)
                .build();
    }

    /** Equal source and target, the target holding an online sync at appliedLsn. */
    private static ValidateData pair(String name, long appliedLsn) throws Exception {
        for (String db : List.of(name + "_src", name + "_tgt")) {
            TestPostgres.database(db);
            TestPostgres.sql(db, "CREATE TABLE items (id int PRIMARY KEY, v text)",
                    "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        String cutoverId = name;
        TestPostgres.sql(name + "_tgt", "CREATE SCHEMA " + Databases.STATE_SCHEMA,
                "CREATE TABLE " + ChangedKeys.SYNC + " (cutover_id text PRIMARY KEY, applied_lsn bigint NOT NULL)",
                "INSERT INTO " + ChangedKeys.SYNC + " VALUES ('" + cutoverId + "', " + appliedLsn + ")");
        return ValidateData.newBuilder()
                .setSource(TestPostgres.endpoint(name + "_src"))
                .setTarget(TestPostgres.endpoint(name + "_tgt"))
                .setTables(List.of("public.items"))
                .setOnline(OnlineValidation.newBuilder().setCutoverId(cutoverId).setFinalPass(false).build())
                .build();
    }
}
