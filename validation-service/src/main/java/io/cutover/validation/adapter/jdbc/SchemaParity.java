package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Whether the target has the source's schema for the compared tables: the tables, their columns with types and
 * NOT NULL, constraints, indexes, and the sequences of their schemas, compared as the catalog prints them.
 */
public final class SchemaParity {

    private static final String DEFINITIONS = """
            SELECT 'column ' || c.oid::regclass || '.' || quote_ident(a.attname) || ' '
                   || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.oid = ANY(?::regclass[]) AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass || ' ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(?::regclass[]) AND contype <> 'n'
            UNION ALL
            SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(?::regclass[])
            UNION ALL
            SELECT 'sequence ' || s.seqrelid::regclass || ' ' || format_type(s.seqtypid, NULL) || ' increment by '
                   || s.seqincrement
            FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(?)""";

    private SchemaParity() {
    }

    /** Every difference, each naming the object and the side it is missing from; empty when the schemas match. */
    public static List<String> differences(DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted)
            throws SQLException {
        try (Connection s = Databases.open(source); Connection t = Databases.open(target)) {
            List<String> tables = Databases.tables(s, wanted);
            Set<String> onTarget = new TreeSet<>(Databases.tables(t, List.of()));
            List<String> differences = new ArrayList<>();
            List<String> shared = new ArrayList<>();
            for (String table : tables) {
                if (onTarget.contains(table)) {
                    shared.add(table);
                } else {
                    differences.add("table " + table + " is missing on the target");
                }
            }
            List<String> schemas = Databases.schemasOf(tables);
            Set<String> sourceDefs = definitions(s, shared, schemas);
            Set<String> targetDefs = definitions(t, shared, schemas);
            sourceDefs.stream().filter(d -> !targetDefs.contains(d)).forEach(d -> differences.add(d
                    + " is missing on the target"));
            targetDefs.stream().filter(d -> !sourceDefs.contains(d)).forEach(d -> differences.add(d
                    + " is only on the target"));
            return differences;
        }
    }

    private static Set<String> definitions(Connection c, List<String> tables, List<String> schemas)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(DEFINITIONS)) {
            st.execute("SET LOCAL search_path = ''");
            Object[] names = tables.stream().map(Databases::qualified).toArray();
            for (int i = 1; i <= 3; i++) {
                ps.setArray(i, c.createArrayOf("text", names));
            }
            ps.setArray(4, c.createArrayOf("text", schemas.toArray()));
            Set<String> defs = new TreeSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    defs.add(rs.getString(1));
                }
            }
            return defs;
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }
}
