package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cutover.kit.jdbc.Databases;

/** The target's tables as the apply needs them: writable columns with their types, and the primary key. */
final class TargetTables {

    /**
     * columns: name to SQL type, in attribute order; key: the primary key's columns, empty for a keyless table;
     * alwaysIdentity: identity columns GENERATED ALWAYS, which an insert must override and an update cannot set.
     */
    record Shape(String name, String qualified, Map<String, String> columns, List<String> key,
                 Set<String> alwaysIdentity) {
    }

    private final Connection target;
    private final Map<String, Shape> shapes = new HashMap<>();

    TargetTables(Connection target) {
        this.target = target;
    }

    /** schema.table as the change stream names it. */
    Shape shape(String table) throws SQLException {
        Shape known = shapes.get(table);
        if (known == null) {
            known = load(table);
            shapes.put(table, known);
        }
        return known;
    }

    private Shape load(String table) throws SQLException {
        String qualified = Databases.qualified(table);
        Map<String, String> columns = new LinkedHashMap<>();
        List<String> key = new ArrayList<>();
        Set<String> alwaysIdentity = new HashSet<>();
        try (PreparedStatement cols = target.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity = 'a'
                FROM pg_attribute a
                WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""");
             PreparedStatement pk = target.prepareStatement("""
                SELECT a.attname FROM pg_index i
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n""")) {
            cols.setString(1, qualified);
            try (ResultSet rs = cols.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                    if (rs.getBoolean(3)) {
                        alwaysIdentity.add(rs.getString(1));
                    }
                }
            }
            pk.setString(1, qualified);
            try (ResultSet rs = pk.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("the change stream has changes of " + table + ", which the target does not have");
        }
        return new Shape(table, qualified, columns, List.copyOf(key), Set.copyOf(alwaysIdentity));
    }
}
