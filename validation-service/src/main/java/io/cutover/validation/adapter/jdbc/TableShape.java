package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.cutover.kit.jdbc.Databases;

/**
 * A table as the comparison sees it, read from the source: its columns in order, and its primary key columns
 * with their types. The row hash is built from the source's column names, so a target with the columns in another
 * order still compares equal.
 */
record TableShape(String table, List<String> columns, List<String> keys, List<String> keyTypes,
                  List<String> keyCollations, boolean byteOrder) {

    static TableShape of(Connection c, String table) throws SQLException {
        String regclass = Databases.qualified(table);
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass "
                + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        List<String> keys = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> collations = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), co.collname
                FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE i.indrelid = ?::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                    types.add(rs.getString(2));
                    collations.add(rs.getString(3));
                }
            }
        }
        return new TableShape(table, columns, keys, types, collations, false);
    }

    /**
     * This shape, comparing and ordering text keys byte by byte on both sides: needed when the key columns' collations
     * differ between source and target, else the same bounds would cut the keys differently on each side.
     */
    TableShape inByteOrder() {
        return new TableShape(table, columns, keys, keyTypes, keyCollations, true);
    }

    /** The key columns' collations, as the other side has them. */
    boolean sameKeyCollations(TableShape other) {
        return keyCollations.equals(other.keyCollations);
    }

    private String key(int i) {
        String k = Databases.quote(keys.get(i));
        return byteOrder && keyCollations.get(i) != null ? k + " COLLATE \"C\"" : k;
    }

    /** The first key column has an integer type: ranges can be cut on its values alone. */
    boolean integerLeadingKey() {
        return !keys.isEmpty() && List.of("smallint", "integer", "bigint").contains(keyTypes.get(0));
    }

    String from() {
        return Databases.qualified(table);
    }

    /** The row as text, the way both sides print it. */
    String rowText() {
        return "ROW(" + String.join(", ", columns.stream().map(Databases::quote).toList()) + ")::text";
    }

    /** A 64-bit hash of the row, computed inside the database. */
    String rowHash() {
        return "hashtextextended(" + rowText() + ", 0)";
    }

    /** (k1, k2, ...) */
    String keyTuple() {
        return keyTuple(keys.size());
    }

    /** The first n key columns: (k1, ..., kn) */
    String keyTuple(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(key(i));
        }
        return "(" + String.join(", ", out) + ")";
    }

    /** k1, k2, ... for ORDER BY and window ordering */
    String keyOrder() {
        String tuple = keyTuple();
        return tuple.substring(1, tuple.length() - 1);
    }

    /** (?::type1, ?::type2, ...) for a key bound as text. */
    String keyParameters() {
        return keyParameters(keys.size());
    }

    /** Parameters for the first n key columns. */
    String keyParameters(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String p = "?::" + keyTypes.get(i);
            out.add(byteOrder && keyCollations.get(i) != null ? p + " COLLATE \"C\"" : p);
        }
        return "(" + String.join(", ", out) + ")";
    }

    /** (?::text[])::type1[], (?::text[])::type2[], ...: each key column's values, bound as one text array. */
    String keyArrays() {
        return String.join(", ", keyTypes.stream().map(t -> "(?::text[])::" + t + "[]").toList());
    }

    /** The key columns as text, aliased so that an ORDER BY on the key never sorts by this text instead. */
    String keysAsText() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(Databases.quote(keys.get(i)) + "::text AS cutover_key_" + i);
        }
        return String.join(", ", out);
    }

    String columnsAsText() {
        return String.join(", ", columns.stream().map(k -> Databases.quote(k) + "::text").toList());
    }

    /** id=7 or region=eu, id=7 */
    String describeKey(List<String> values) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            parts.add(keys.get(i) + "=" + values.get(i));
        }
        return String.join(", ", parts);
    }
}
