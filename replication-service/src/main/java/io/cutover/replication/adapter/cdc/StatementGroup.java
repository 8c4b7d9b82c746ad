package io.cutover.replication.adapter.cdc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;

import io.cutover.kit.jdbc.Databases;

/**
 * Consecutive changes of one kind to one table, run as one statement: inserts as one multi-row INSERT, updates (of
 * the same columns) and deletes by primary key joined to a VALUES list. A key appears at most once in a group (the
 * caller starts a new group when it repeats), so the order of the changes within it does not matter, and the
 * statement must touch exactly as many rows as the group holds. Values are literals cast to the target column's type.
 */
final class StatementGroup {

    static final int MAX_ROWS = 500;
    /** A function takes at most 100 arguments. */
    private static final int MAX_UNNEST_COLUMNS = 100;

    enum Kind { INSERT, UPDATE, DELETE }

    private final Kind kind;
    private final TargetTables.Shape shape;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    /** What each row's change is, for messages: built only when one is needed. */
    private final List<Supplier<String>> described = new ArrayList<>();
    private final Set<List<String>> keys = new HashSet<>();
    /** The caller's keys are distinct: they are not noted to refuse a repeat. */
    private final boolean distinctKeys;

    /** columns: for an insert every column, for an update those it sets, for a delete none. */
    StatementGroup(Kind kind, TargetTables.Shape shape, List<String> columns) {
        this(kind, shape, columns, false);
    }

    /** distinctKeys: the caller never adds a key twice (its rows are by key already). */
    StatementGroup(Kind kind, TargetTables.Shape shape, List<String> columns, boolean distinctKeys) {
        this.kind = kind;
        this.shape = shape;
        this.columns = List.copyOf(columns);
        this.distinctKeys = distinctKeys;
    }

    /**
     * Whether the row can join: the same kind of change to the same table and columns, a key not in the group yet,
     * room left.
     */
    boolean accepts(Kind otherKind, TargetTables.Shape otherShape, List<String> otherColumns, List<String> key) {
        return kind == otherKind && shape.name().equals(otherShape.name()) && columns.equals(otherColumns)
                && (key == null || distinctKeys || !keys.contains(key)) && rows.size() < MAX_ROWS;
    }

    /**
     * key: the primary key's values (null for an insert); values: the columns' values, in order, kept as they are
     * (the caller hands them over).
     */
    void add(List<String> key, List<String> values, Supplier<String> description) {
        if (key == null) {
            rows.add(values);
        } else {
            if (!distinctKeys) {
                keys.add(key);
            }
            List<String> row = new ArrayList<>(key.size() + values.size());
            row.addAll(key);
            row.addAll(values);
            rows.add(row);
        }
        described.add(description);
    }

    int size() {
        return rows.size();
    }

    Kind kind() {
        return kind;
    }

    /** Whether the other group inserts into the same table's same columns, so that one COPY can take both. */
    boolean copiesWith(StatementGroup other) {
        return kind == Kind.INSERT && other.kind == Kind.INSERT && shape.name().equals(other.shape.name())
                && columns.equals(other.columns);
    }

    /**
     * The COPY that inserts an insert group's rows. COPY writes the source's values of identity columns as they
     * come, as an insert overriding the system value does, and costs the server less than an INSERT per row.
     */
    String copySql() {
        return "COPY " + shape.qualified() + " (" + quotedColumns() + ") FROM STDIN";
    }

    /** The group's columns, quoted and separated by commas. */
    private String quotedColumns() {
        StringJoiner names = new StringJoiner(", ");
        columns.forEach(c -> names.add(Databases.quote(c)));
        return names.toString();
    }

    /** Appends an insert group's rows in COPY's text format, one line each. */
    void appendCopyRows(StringBuilder data) {
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    data.append('\t');
                }
                PgText.copyField(data, row.get(i));
            }
            data.append('\n');
        }
    }

    /** The change, or for several how many and the first few, for messages. */
    String description() {
        if (described.size() == 1) {
            return described.get(0).get();
        }
        return rows.size() + " " + kind.name().toLowerCase() + "s of " + shape.name() + " (the first: "
                + described.subList(0, Math.min(5, described.size())).stream().map(Supplier::get).toList() + ")";
    }

    String sql() {
        List<String> types = new ArrayList<>();
        if (kind != Kind.INSERT) {
            shape.key().forEach(k -> types.add(shape.columns().get(k)));
        }
        columns.forEach(c -> types.add(shape.columns().get(c)));
        String rowsSql = unnests(types) ? unnest(types) : values(types);
        if (kind == Kind.INSERT) {
            // the source's values, identity columns included, as PostgreSQL's own apply and COPY write them
            String overriding = shape.alwaysIdentity().isEmpty() ? "" : " OVERRIDING SYSTEM VALUE";
            return "INSERT INTO " + shape.qualified() + " (" + quotedColumns() + ")" + overriding + " SELECT * FROM "
                    + rowsSql + " AS v";
        }
        StringJoiner aliases = new StringJoiner(", ");
        StringJoiner match = new StringJoiner(" AND ");
        for (int i = 0; i < shape.key().size(); i++) {
            aliases.add("k" + i);
            match.add("t." + Databases.quote(shape.key().get(i)) + " = v.k" + i);
        }
        if (kind == Kind.DELETE) {
            return "DELETE FROM " + shape.qualified() + " AS t USING " + rowsSql + " AS v(" + aliases + ") WHERE "
                    + match;
        }
        StringJoiner set = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            aliases.add("c" + i);
            set.add(Databases.quote(columns.get(i)) + " = v.c" + i);
        }
        return "UPDATE " + shape.qualified() + " AS t SET " + set + " FROM " + rowsSql + " AS v(" + aliases
                + ") WHERE " + match;
    }

    /**
     * Whether the rows can travel as one array per column: not when a column is itself an array (unnest would
     * flatten it) or there are more columns than a function takes arguments.
     */
    private static boolean unnests(List<String> types) {
        return types.size() <= MAX_UNNEST_COLUMNS && types.stream().noneMatch(t -> t.endsWith("]"));
    }

    /**
     * unnest('{...}'::type[], ...): the server parses one literal per column instead of one per value, which
     * halves its work on inserts and cuts it by a third on updates.
     */
    private String unnest(List<String> types) {
        StringJoiner arrays = new StringJoiner(", ", "unnest(", ")");
        for (int c = 0; c < types.size(); c++) {
            StringBuilder array = new StringBuilder("{");
            for (int r = 0; r < rows.size(); r++) {
                if (r > 0) {
                    array.append(',');
                }
                PgText.arrayElement(array, rows.get(r).get(c));
            }
            arrays.add(PgText.literal(array.append('}').toString(), types.get(c) + "[]"));
        }
        return arrays.toString();
    }

    /** (VALUES (...), (...)) with a literal per value, for the rows unnest cannot carry. */
    private String values(List<String> types) {
        StringBuilder values = new StringBuilder("(VALUES ");
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            values.append(r == 0 ? "(" : ", (");
            for (int i = 0; i < row.size(); i++) {
                values.append(i == 0 ? "" : ", ").append(PgText.literal(row.get(i), types.get(i)));
            }
            values.append(')');
        }
        return values.append(')').toString();
    }
}
