package io.cutover.replication.adapter.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** How changes of one run fold into a few bulk statements per table. */
class NetChangesTest {

    private static final TargetTables.Shape T = new TargetTables.Shape("public.t", "\"public\".\"t\"", columns(),
            List.of("id"), Set.of());

    private final NetChanges net = new NetChanges();

    @Test
    void updatesOfOneRowMergeAndRowsGroupByTheColumnsTheySet() {
        update(1, null, "b1", null); // sets b
        update(1, null, null, "c1"); // then c: the row ends with both set
        update(2, null, null, "c2"); // only c
        update(3, null, "b3", "c3"); // b and c, like row 1

        List<StatementGroup> groups = net.statements();

        assertThat(groups).extracting(StatementGroup::sql).containsExactly(
                "UPDATE \"public\".\"t\" AS t SET \"b\" = v.c0, \"c\" = v.c1 FROM unnest('{\"1\",\"3\"}'::bigint[],"
                        + " '{\"b1\",\"b3\"}'::text[], '{\"c1\",\"c3\"}'::text[]) AS v(k0, c0, c1)"
                        + " WHERE t.\"id\" = v.k0",
                "UPDATE \"public\".\"t\" AS t SET \"c\" = v.c0 FROM unnest('{\"2\"}'::bigint[], '{\"c2\"}'::text[])"
                        + " AS v(k0, c0) WHERE t.\"id\" = v.k0");
        assertThat(groups).extracting(StatementGroup::size).containsExactly(2, 1);
        assertThat(net.takeChanges()).as("every change kept, for the one-by-one path").hasSize(4);
    }

    @Test
    void anInsertTakesLaterUpdatesAnInsertDeletedAgainIsGoneAndADeleteInsertedAgainReplaces() {
        insert(1, "a1", "b1", "c1");
        update(1, null, "b1'", null);
        insert(2, "a2", "b2", "c2");
        delete(2);
        delete(3);
        insert(3, "a3", null, "c3");

        assertThat(net.statements()).extracting(StatementGroup::sql).containsExactly(
                "DELETE FROM \"public\".\"t\" AS t USING unnest('{\"3\"}'::bigint[]) AS v(k0) WHERE t.\"id\" = v.k0",
                "INSERT INTO \"public\".\"t\" (\"id\", \"a\", \"b\", \"c\") SELECT * FROM"
                        + " unnest('{\"1\",\"3\"}'::bigint[], '{\"a1\",\"a3\"}'::text[], '{\"b1''\",NULL}'::text[],"
                        + " '{\"c1\",\"c3\"}'::text[]) AS v");
        assertThat(net.takeChanges()).hasSize(6);
        net.clear();
        assertThat(net.isEmpty()).isTrue();
        assertThat(net.statements()).as("a cleared run leaves no statement behind").isEmpty();
    }

    @Test
    void aSecondInsertOfAKeyOrAnUpdateOfADeletedRowDoesNotFold() {
        insert(1, "a", "b", "c");
        delete(2);

        assertThat(absorb('i', 1, values(1, "x", "y", "z"))).isFalse();
        assertThat(absorb('u', 2, values(null, "x", null, null))).isFalse();
        assertThat(net.size()).as("nothing taken from the refused changes").isEqualTo(2);
    }

    private static Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "bigint");
        columns.put("a", "text");
        columns.put("b", "text");
        columns.put("c", "text");
        return columns;
    }

    private void insert(long id, String a, String b, String c) {
        assertThat(absorb('i', id, new String[] {String.valueOf(id), a, b, c})).isTrue();
    }

    private void update(long id, String a, String b, String c) {
        assertThat(absorb('u', id, values(null, a, b, c))).isTrue();
    }

    private void delete(long id) {
        assertThat(net.absorb(T, 'd', List.of(String.valueOf(id)), null, null, () -> "delete " + id,
                new NetChanges.Change(T, "d", null, null))).isTrue();
    }

    /** The non-null values of an update (id, a, b, c), as set. */
    private static String[] values(Object id, String a, String b, String c) {
        return new String[] {id == null ? null : id.toString(), a, b, c};
    }

    private boolean absorb(char op, long id, String[] values) {
        BitSet set = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null || op == 'i') {
                set.set(i);
            }
        }
        return net.absorb(T, op, List.of(String.valueOf(id)), values, set, () -> op + " " + id,
                new NetChanges.Change(T, String.valueOf(op), null, null));
    }
}
