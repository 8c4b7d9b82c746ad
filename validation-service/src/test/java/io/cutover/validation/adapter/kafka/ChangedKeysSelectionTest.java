package io.cutover.validation.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.testing.Sql;
import io.cutover.testing.TestPostgres;

/** What the sync changed, read back from the target as one selection per table, over many recorded commits. */
class ChangedKeysSelectionTest {

    @Test
    void everyCommitsKeysOfATableAddUpOnceEachAndOneWholeRecordMakesTheTableWhole() throws Exception {
        TestPostgres.database("ck_sel");
        try (Connection t = TestPostgres.connect("ck_sel")) {
            ChangedKeys.prepare(t);
            t.setAutoCommit(false);
            // 3,000 commits of two keys each in orders, the second key of each the first of the next; composite
            // keys in items; one truncate of events among keyed commits
            for (int i = 0; i < 3_000; i++) {
                ChangedKeys.record(t, "ck", "public.orders", 100 + i, false,
                        List.of(List.of(String.valueOf(i)), List.of(String.valueOf(i + 1))));
            }
            ChangedKeys.record(t, "ck", "public.items", 50, false, List.of(List.of("1", "a"), List.of("1", "b")));
            ChangedKeys.record(t, "ck", "public.items", 60, false, List.of(List.of("1", "b"), List.of("2", "a")));
            ChangedKeys.record(t, "ck", "public.events", 70, false, List.of(List.of("9")));
            ChangedKeys.record(t, "ck", "public.events", 80, true, List.of());
            ChangedKeys.record(t, "other", "public.orders", 90, false, List.of(List.of("-1")));
            ChangedKeys.baseline(t, "ck", 55, Map.of("public.items", new ChangedKeys.Selection(false,
                    Set.of(List.of("3", "c")))));
            t.commit();

            Map<String, ChangedKeys.Selection> since = ChangedKeys.changedSince(t, "ck", 55);
            assertThat(since.keySet()).containsExactlyInAnyOrder("public.orders", "public.items", "public.events");
            List<List<String>> orders = new ArrayList<>();
            for (int i = 0; i <= 3_000; i++) {
                orders.add(List.of(String.valueOf(i)));
            }
            assertThat(since.get("public.orders").whole()).isFalse();
            assertThat(since.get("public.orders").keys()).containsExactlyInAnyOrderElementsOf(orders);
            assertThat(since.get("public.items").keys()).as("the commit at 50 is before 55")
                    .containsExactlyInAnyOrder(List.of("1", "b"), List.of("2", "a"));
            assertThat(since.get("public.events").whole()).isTrue();
            assertThat(since.get("public.events").keys()).containsExactly(List.of("9"));

            Map<String, ChangedKeys.Selection> atSwitch = ChangedKeys.sinceBaseline(t, "ck");
            assertThat(atSwitch.get("public.items").keys()).as("what the baseline left to see again, and the changes")
                    .containsExactlyInAnyOrder(List.of("3", "c"), List.of("1", "b"), List.of("2", "a"));
            assertThat(atSwitch.get("public.orders").keys()).hasSize(3_001);
            assertThat(atSwitch.get("public.events").whole()).isTrue();
        }
    }

    @Test
    void aPassesNoteRemovesTheKeysNoLaterPassReadsAndClearingEndsACutoversNotes() throws Exception {
        TestPostgres.database("ck_prune");
        try (Connection t = TestPostgres.connect("ck_prune")) {
            assertThat(ChangedKeys.clear(t, "ck", 2_000)).as("no tables yet: nothing to remove").isZero();
            ChangedKeys.prepare(t);
            t.setAutoCommit(false);
            for (int lsn = 10; lsn <= 30; lsn += 10) {
                ChangedKeys.record(t, "ck", "public.orders", lsn, false, List.of(List.of(String.valueOf(lsn))));
            }
            ChangedKeys.record(t, "other", "public.orders", 15, false, List.of(List.of("-1")));
            t.commit();

            ChangedKeys.baseline(t, "ck", 20, Map.of());
            assertThat(notes(t, "ck")).as("the keys up to the pass's start are gone").containsExactly("30");
            assertThat(notes(t, "other")).as("another cutover's keys stay").containsExactly("15");
            assertThat(ChangedKeys.sinceBaseline(t, "ck").get("public.orders").keys())
                    .containsExactly(List.of("30"));

            assertThat(ChangedKeys.clear(t, "ck", 2_000)).isEqualTo(1);
            assertThat(notes(t, "ck")).isEmpty();
            assertThat(notes(t, "other")).containsExactly("15");
            assertThat(Sql.one(t, "SELECT count(*) FROM cutover_state.validation_baseline WHERE cutover_id = 'ck'"))
                    .isEqualTo("0");

            assertThat(ChangedKeys.clear(t, "other", 2_000)).isEqualTo(1);
            assertThat(Sql.one(t, "SELECT pg_relation_size('cutover_state.changed_keys')"))
                    .as("the last cutover's keys are truncated, and their space given back").isEqualTo("0");
            ChangedKeys.record(t, "next", "public.orders", 40, false, List.of(List.of("40")));
            t.commit();
            assertThat(notes(t, "next")).containsExactly("40");
        }
    }

    @Test
    void aTableChangedInMoreRowsThanKeysAreKeptForIsComparedWhole() throws Exception {
        TestPostgres.database("ck_many");
        try (Connection t = TestPostgres.connect("ck_many")) {
            ChangedKeys.prepare(t);
            t.setAutoCommit(false);
            int first = ChangedKeys.MAX_KEYS_PER_TABLE / 2;
            List<List<String>> keys = new ArrayList<>();
            for (int i = 0; i < first; i++) {
                keys.add(List.of(String.valueOf(i)));
            }
            ChangedKeys.record(t, "ck", "public.app_writes", 10, false, keys);
            ChangedKeys.record(t, "ck", "public.orders", 15, false, List.of(List.of("1")));
            t.commit();
            assertThat(ChangedKeys.changedSince(t, "ck", 0).get("public.app_writes"))
                    .as("up to the limit, the keys themselves").satisfies(s -> {
                        assertThat(s.whole()).isFalse();
                        assertThat(s.keys()).hasSize(first);
                    });

            keys.clear();
            for (int i = first; i <= ChangedKeys.MAX_KEYS_PER_TABLE; i++) {
                keys.add(List.of(String.valueOf(i)));
            }
            ChangedKeys.record(t, "ck", "public.app_writes", 20, false, keys);
            ChangedKeys.record(t, "ck", "public.app_writes", 30, false, List.of(List.of("-1")));
            t.commit();
            Map<String, ChangedKeys.Selection> since = ChangedKeys.changedSince(t, "ck", 0);
            assertThat(since.get("public.app_writes").whole()).as("one key past the limit").isTrue();
            assertThat(since.get("public.app_writes").keys()).isEmpty();
            assertThat(since.get("public.orders")).isEqualTo(new ChangedKeys.Selection(false,
                    Set.of(List.of("1"))));
            assertThat(ChangedKeys.changedSince(t, "ck", 10).get("public.app_writes").whole())
                    .as("since a later position, fewer keys").isFalse();
        }
    }

    /** The positions of a cutover's notes of changed keys, in order. */
    private static List<String> notes(Connection t, String cutoverId) throws Exception {
        return Sql.column(t, "SELECT commit_lsn FROM cutover_state.changed_keys WHERE cutover_id = '" + cutoverId
                + "' ORDER BY 1");
    }
}
