package io.cutover.replication.adapter.cdc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The net effect of a run of changes to keyed tables: per table and primary key, whether the row ends inserted,
 * replaced (deleted, then inserted again), updated (some columns) or deleted. Applied together, as a few bulk
 * statements per table, they leave the target as the changes one by one would, but cost one statement per table
 * and kind instead of one per change. The changes themselves are kept too, to be applied one by one instead when the
 * bulk statements fail (a unique constraint other than the key may need the original order).
 */
final class NetChanges {

    enum State { INSERTED, REPLACED, UPDATED, DELETED }

    /**
     * A row's net change: its state and the column values it ends with, by the column's position in the target
     * table, with the positions set (for an insert every column; for an update those it sets).
     */
    static final class Net {
        State state;
        final String[] values;
        final BitSet set;
        final Supplier<String> description;

        Net(State state, String[] values, BitSet set, Supplier<String> description) {
            this.state = state;
            this.values = values;
            this.set = set;
            this.description = description;
        }
    }

    /** One change as it came, for the one-by-one path. */
    record Change(TargetTables.Shape shape, String op, Object before, Object after) {
    }

    private final Map<String, TargetTables.Shape> shapes = new LinkedHashMap<>();
    /** Per table, its rows by key; a table's map stays from run to run (emptied), at the size it grew to. */
    private final Map<String, Map<List<String>, Net>> tables = new LinkedHashMap<>();
    private List<Change> changes = new ArrayList<>();

    /**
     * Folds the change in; false (and nothing changed) when it cannot be folded: its effect then depends on what is
     * already folded, and the caller applies what is folded first and this change on its own. The values (by column
     * position, those in set; none for a delete) are kept, and an update's added to by later updates of its row: the
     * caller hands them over.
     */
    boolean absorb(TargetTables.Shape shape, char op, List<String> key, String[] values, BitSet set,
                   Supplier<String> description, Change raw) {
        Map<List<String>, Net> rows = tables.get(shape.name());
        Net net = rows == null ? null : rows.get(key);
        switch (op) {
            case 'i' -> {
                if (net == null) {
                    net = new Net(State.INSERTED, values, set, description);
                } else if (net.state == State.DELETED) {
                    net = new Net(State.REPLACED, values, set, description);
                } else {
                    return false; // the key is there already: one by one, this is the conflict it is
                }
            }
            case 'u' -> {
                if (net == null) {
                    net = new Net(State.UPDATED, values, set, description); // the caller's values, kept and added to
                } else if (net.state == State.DELETED) {
                    return false;
                } else {
                    for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                        net.values[i] = values[i];
                    }
                    net.set.or(set);
                }
            }
            case 'd' -> {
                if (net != null && net.state == State.DELETED) {
                    return false;
                }
                if (net != null && net.state == State.INSERTED) {
                    rows.remove(key); // inserted and deleted within the run: nothing to do
                    changes.add(raw);
                    return true;
                }
                net = new Net(State.DELETED, null, null, description);
            }
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        if (rows == null) {
            rows = new LinkedHashMap<>();
            tables.put(shape.name(), rows);
        }
        if (rows.isEmpty()) {
            shapes.put(shape.name(), shape); // the table's shape as this run has it
        }
        rows.put(key, net);
        changes.add(raw);
        return true;
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    int size() {
        return changes.size();
    }

    /** The changes folded since the last clear, in order; handed over, no longer kept here. */
    List<Change> takeChanges() {
        List<Change> out = changes;
        changes = new ArrayList<>(out.size());
        return out;
    }

    /**
     * The bulk statements: per table, deletes (of deleted and replaced rows), then inserts, then updates. The apply
     * runs the inserts (with COPY) after the rest, which the rows allow: none is both inserted and updated here.
     */
    List<StatementGroup> statements() {
        List<StatementGroup> out = new ArrayList<>();
        for (Map.Entry<String, Map<List<String>, Net>> table : tables.entrySet()) {
            if (table.getValue().isEmpty()) {
                continue;
            }
            TargetTables.Shape shape = shapes.get(table.getKey());
            List<String> all = List.copyOf(shape.columns().keySet()); // one list: groups compare it by identity
            StatementGroup deletes = null;
            StatementGroup inserts = null;
            Map<BitSet, StatementGroup> updates = new LinkedHashMap<>();
            Map<BitSet, List<String>> updated = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Net> row : table.getValue().entrySet()) {
                Net net = row.getValue();
                if (net.state == State.DELETED || net.state == State.REPLACED) {
                    deletes = add(out, deletes, StatementGroup.Kind.DELETE, shape, List.of(), row.getKey(),
                            List.of(), net.description);
                }
            }
            for (Map.Entry<List<String>, Net> row : table.getValue().entrySet()) {
                Net net = row.getValue();
                if (net.state == State.INSERTED || net.state == State.REPLACED) {
                    inserts = add(out, inserts, StatementGroup.Kind.INSERT, shape, all, null,
                            Arrays.asList(net.values), net.description);
                }
            }
            for (Map.Entry<List<String>, Net> row : table.getValue().entrySet()) {
                Net net = row.getValue();
                if (net.state == State.UPDATED) {
                    List<String> columns = updated.computeIfAbsent(net.set, s -> s.stream().mapToObj(all::get)
                            .toList());
                    List<String> values = new ArrayList<>(columns.size()); // values may be NULL
                    for (int i = net.set.nextSetBit(0); i >= 0; i = net.set.nextSetBit(i + 1)) {
                        values.add(net.values[i]);
                    }
                    updates.put(net.set, add(out, updates.get(net.set), StatementGroup.Kind.UPDATE, shape, columns,
                            row.getKey(), values, net.description));
                }
            }
        }
        return out;
    }

    /** Adds the row to the current group, or to a new one when it does not fit; keys are distinct per table here. */
    private static StatementGroup add(List<StatementGroup> out, StatementGroup current, StatementGroup.Kind kind,
                                      TargetTables.Shape shape, List<String> columns, List<String> key,
                                      List<String> values, Supplier<String> description) {
        StatementGroup g = current;
        if (g == null || !g.accepts(kind, shape, columns, null)) {
            g = new StatementGroup(kind, shape, columns, true);
            out.add(g);
        }
        g.add(key, values, description);
        return g;
    }

    void clear() {
        tables.values().forEach(Map::clear);
        changes.clear();
    }
}
