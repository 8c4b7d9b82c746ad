package io.cutover.replication.adapter.cdc;

import java.util.ArrayList;
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

    /** A row's net change: its state and the column values it ends with (for UPDATED only those set). */
    static final class Net {
        State state;
        final Map<String, String> values;
        final Supplier<String> description;

        Net(State state, Map<String, String> values, Supplier<String> description) {
            this.state = state;
            this.values = values;
            this.description = description;
        }
    }

    /** One change as it came, for the one-by-one path. */
    record Change(TargetTables.Shape shape, String op, Object before, Object after) {
    }

    private final Map<String, TargetTables.Shape> shapes = new LinkedHashMap<>();
    private final Map<String, Map<List<String>, Net>> tables = new LinkedHashMap<>();
    private final List<Change> changes = new ArrayList<>();

    /**
     * Folds the change in; false (and nothing changed) when it cannot be folded: its effect then depends on what is
     * already folded, and the caller applies what is folded first and this change on its own. The values are kept
     * (and an update's added to by later updates of its row): the caller hands them over.
     */
    boolean absorb(TargetTables.Shape shape, char op, List<String> key, Map<String, String> values,
                   Supplier<String> description, Change raw) {
        Map<List<String>, Net> rows = tables.get(shape.name());
        Net net = rows == null ? null : rows.get(key);
        switch (op) {
            case 'i' -> {
                if (net == null) {
                    net = new Net(State.INSERTED, values, description);
                } else if (net.state == State.DELETED) {
                    net = new Net(State.REPLACED, values, description);
                } else {
                    return false; // the key is there already: one by one, this is the conflict it is
                }
            }
            case 'u' -> {
                if (net == null) {
                    net = new Net(State.UPDATED, values, description); // the caller's map, kept and added to
                } else if (net.state == State.DELETED) {
                    return false;
                } else {
                    net.values.putAll(values);
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
                net = new Net(State.DELETED, Map.of(), description);
            }
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        shapes.putIfAbsent(shape.name(), shape);
        tables.computeIfAbsent(shape.name(), t -> new LinkedHashMap<>()).put(key, net);
        changes.add(raw);
        return true;
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    int size() {
        return changes.size();
    }

    List<Change> changes() {
        return List.copyOf(changes);
    }

    /** The bulk statements: per table, deletes (of deleted and replaced rows), then inserts, then updates. */
    List<StatementGroup> statements() {
        List<StatementGroup> out = new ArrayList<>();
        for (Map.Entry<String, Map<List<String>, Net>> table : tables.entrySet()) {
            TargetTables.Shape shape = shapes.get(table.getKey());
            List<String> all = new ArrayList<>(shape.columns().keySet());
            StatementGroup deletes = null;
            StatementGroup inserts = null;
            Map<List<String>, StatementGroup> updates = new LinkedHashMap<>();
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
                    List<String> values = new ArrayList<>(all.size());
                    all.forEach(c -> values.add(net.values.get(c)));
                    inserts = add(out, inserts, StatementGroup.Kind.INSERT, shape, all, null, values, net.description);
                }
            }
            for (Map.Entry<List<String>, Net> row : table.getValue().entrySet()) {
                Net net = row.getValue();
                if (net.state == State.UPDATED) {
                    List<String> columns = List.copyOf(net.values.keySet());
                    StatementGroup g = updates.get(columns);
                    StatementGroup next = add(out, g, StatementGroup.Kind.UPDATE, shape, columns, row.getKey(),
                            new ArrayList<>(net.values.values()), net.description); // values may be NULL
                    updates.put(columns, next);
                }
            }
        }
        return out;
    }

    private static StatementGroup add(List<StatementGroup> out, StatementGroup current, StatementGroup.Kind kind,
                                      TargetTables.Shape shape, List<String> columns, List<String> key,
                                      List<String> values, Supplier<String> description) {
        StatementGroup g = current;
        if (g == null || !g.accepts(kind, shape, columns, key)) {
            g = new StatementGroup(kind, shape, columns);
            out.add(g);
        }
        g.add(key, values, description);
        return g;
    }

    void clear() {
        shapes.clear();
        tables.clear();
        changes.clear();
    }
}
