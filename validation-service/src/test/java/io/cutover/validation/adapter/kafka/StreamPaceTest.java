package io.cutover.validation.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.testing.TestPostgres;

/** A comparison paced by the stream waits until the target holds what the source had written, and not forever. */
class StreamPaceTest {

    @Test
    void aQueryWaitsUntilTheTargetHoldsWhatTheSourceHadWritten() throws Exception {
        pair("sp_wait", 1);
        try (StreamPace pace = pace("sp_wait", 60_000, 60_000)) {
            CompletableFuture<Void> query = CompletableFuture.runAsync(() -> await(pace));
            Thread.sleep(500);
            assertThat(query).as("the stream (at position 1) is behind the source").isNotDone();

            TestPostgres.sql("sp_wait_tgt", "UPDATE " + ChangedKeys.SYNC + " SET applied_lsn = " + Long.MAX_VALUE / 2);
            query.get(30, TimeUnit.SECONDS);

            assertThat(pace.holds()).isEqualTo(1);
            assertThat(pace.heldMillis()).isGreaterThanOrEqualTo(500);
            assertThat(pace.streamStood()).isFalse();
        }
    }

    @Test
    void aStreamThatStandsStillIsNotWaitedForAgain() throws Exception {
        pair("sp_still", 1);
        try (StreamPace pace = pace("sp_still", 60_000, 200)) {
            CompletableFuture.runAsync(() -> await(pace)).get(30, TimeUnit.SECONDS);
            assertThat(pace.streamStood()).isTrue();
            assertThat(pace.holds()).isEqualTo(1);

            Thread.sleep(StreamPace.CHECK_EVERY_MILLIS * 2);
            pace.await();
            assertThat(pace.holds()).as("the next query goes at once").isEqualTo(1);
        }
    }

    @Test
    void aHoldEndsAfterItsLongestWaitAndTheComparisonGoesOn() throws Exception {
        pair("sp_max", 1);
        try (StreamPace pace = pace("sp_max", 300, 60_000)) {
            // the position moves, but never reaches the source's
            CompletableFuture<Void> query = CompletableFuture.runAsync(() -> await(pace));
            for (int lsn = 2; !query.isDone() && lsn < 1_000; lsn++) {
                TestPostgres.sql("sp_max_tgt", "UPDATE " + ChangedKeys.SYNC + " SET applied_lsn = " + lsn);
                Thread.sleep(20);
            }
            query.get(30, TimeUnit.SECONDS);

            assertThat(pace.holds()).isEqualTo(1);
            assertThat(pace.heldMillis()).isGreaterThanOrEqualTo(300);
            assertThat(pace.streamStood()).isFalse();
        }
    }

    @Test
    void withoutAStreamOnTheTargetNothingWaits() throws Exception {
        pair("sp_none", 0);
        try (StreamPace pace = pace("sp_none", 60_000, 60_000)) {
            pace.await();

            assertThat(pace.holds()).isZero();
        }
    }

    private static StreamPace pace(String name, long maxHoldMillis, long stillMillis) {
        return new StreamPace(TestPostgres.endpoint(name + "_src"), TestPostgres.endpoint(name + "_tgt"), name,
                maxHoldMillis, stillMillis);
    }

    private static void await(StreamPace pace) {
        try {
            pace.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source, and a target holding an online sync at appliedLsn. */
    private static void pair(String name, long appliedLsn) throws Exception {
        for (String db : List.of(name + "_src", name + "_tgt")) {
            TestPostgres.database(db);
        }
        TestPostgres.sql(name + "_tgt", "CREATE SCHEMA " + Databases.STATE_SCHEMA,
                "CREATE TABLE " + ChangedKeys.SYNC + " (cutover_id text PRIMARY KEY, applied_lsn bigint NOT NULL)",
                "INSERT INTO " + ChangedKeys.SYNC + " VALUES ('" + name + "', " + appliedLsn + ")");
    }
}
