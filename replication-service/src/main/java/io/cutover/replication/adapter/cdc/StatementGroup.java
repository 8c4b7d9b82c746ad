package io.cutover.replication.adapter.cdc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import io.cutover.kit.jdbc.Databases;

/**
 * Consecutive changes of one kind to one table, run as one statement: inserts as one multi-row INSERT, updates (of
 * the same columns) and deletes by primary key joined to a VALUES list. A key appears at most once in a group (the
 * caller starts a new group when it repeats), so the order of the changes within it does not matter, and the
 * statement must touch exactly as many rows as the group holds. Values are literals cast to the target column's type.
 */
final class StatementGroup {

    static final int MAX_ROWS = 500;

    enum Kind { INSERT, UPDATE, DELETE }

    private final Kind kind;
    private final TargetTables.Shape shape;
    private final List<String> columns;
    private final String signature;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> described = new ArrayList<>();
    private final Set<List<String>> keys = new HashSet<>();

    /** columns: for an insert every column, for an update those it sets, for a delete none. */
    StatementGroup(Kind kind, TargetTables.Shape shape, List<String> columns) {
        this.kind = kind;
        this.shape = shape;
        this.columns = List.copyOf(columns);
        this.signature = signature(kind, shape, columns);
    }

    static String signature(Kind kind, TargetTables.Shape shape, List<String> columns) {
        return kind + " " + shape.name() + " " + columns;
    }

    /** Whether the row can join: same kind of change, a key not in the group yet, room left. */
    boolean accepts(String otherSignature, List<String> key) {
        return signature.equals(otherSignature) && (key == null || !keys.contains(key)) && rows.size() < MAX_ROWS;
    }

    /** key: the primary key's values (null for an insert); values: the columns' values, in order. */
    void add(List<String> key, List<String> values, String description) {
        List<String> row = new ArrayList<>();
        if (key != null) {
            keys.add(key);
            row.addAll(key);
        }
        row.addAll(values);
        rows.add(row);
        described.add(description);
    }

    int size() {
        return rows.size();
    }

    String description() {
        return rows.size() + " " + kind.name().toLowerCase() + "s of " + shape.name() + " (one of "
                + described.subList(0, Math.min(5, described.size())) + ")";
    }

    String sql() {
        List<String> types = new ArrayList<>();
        if (kind != Kind.INSERT) {
            shape.key().forEach(k -> types.add(shape.columns().get(k)));
        }
        columns.forEach(c -> types.add(shape.columns().get(c)));
        StringBuilder values = new StringBuilder();
        for (List<String> row : rows) {
            values.append(values.length() == 0 ? "(" : ", (");
            for (int i = 0; i < row.size(); i++) {
                values.append(i == 0 ? "" : ", ").append(PgText.literal(row.get(i), types.get(i)));
            }
            values.append(')');
        }
        if (kind == Kind.INSERT) {
            StringJoiner names = new StringJoiner(", ");
            columns.forEach(c -> names.add(Databases.quote(c)));
            return "INSERT INTO " + shape.qualified() + " (" + names + ") VALUES " + values;
        }
        StringJoiner aliases = new StringJoiner(", ");
        StringJoiner match = new StringJoiner(" AND ");
        for (int i = 0; i < shape.key().size(); i++) {
            aliases.add("k" + i);
            match.add("t." + Databases.quote(shape.key().get(i)) + " = v.k" + i);
        }
        if (kind == Kind.DELETE) {
            return "DELETE FROM " + shape.qualified() + " AS t USING (VALUES " + values + ") AS v(" + aliases
                    + ") WHERE " + match;
        }
        StringJoiner set = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            aliases.add("c" + i);
            set.add(Databases.quote(columns.get(i)) + " = v.c" + i);
        }
        return "UPDATE " + shape.qualified() + " AS t SET " + set + " FROM (VALUES " + values + ") AS v(" + aliases
                + ") WHERE " + match;
    }
}
