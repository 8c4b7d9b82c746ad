package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cutover.kit.jdbc.Databases;

/**
 * The replica identity of the source tables the plan names for REPLICA IDENTITY FULL, as it was before the sync set
 * it, kept in the target's {@value Databases#STATE_SCHEMA} schema so that the sync can put it back when it ends
 * (FULL writes every column of a changed row into the WAL). Only the first look is kept: a sync started again finds
 * FULL, which it set itself.
 */
final class SourceIdentities {

    private static final String TABLE = Databases.STATE_SCHEMA + ".source_identity";

    private SourceIdentities() {
    }

    static void prepare(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Databases.STATE_SCHEMA);
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (cutover_id text NOT NULL, table_name text NOT NULL,"
                    + " identity text NOT NULL, PRIMARY KEY (cutover_id, table_name))");
        }
    }

    /** Notes each table's identity on the source (as the clause that sets it), unless noted before. */
    static void remember(Connection source, Connection target, String cutoverId, List<String> tables)
            throws SQLException {
        prepare(target);
        try (PreparedStatement add = target.prepareStatement("INSERT INTO " + TABLE
                + " (cutover_id, table_name, identity) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (String table : tables) {
                add.setString(1, cutoverId);
                add.setString(2, table);
                add.setString(3, clause(source, table));
                add.executeUpdate();
            }
        }
    }

    /**
     * Puts back each noted identity the sync changed, waiting at most lockTimeoutMillis for each table's lock, and
     * forgets it. Returns what could not be put back, with the statement that would, for people.
     */
    static List<String> restore(Connection source, Connection target, String cutoverId, long lockTimeoutMillis)
            throws SQLException {
        try (Statement st = target.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NULL")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return List.of(); // no sync noted anything here
            }
        }
        Map<String, String> noted = new LinkedHashMap<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT table_name, identity FROM " + TABLE
                + " WHERE cutover_id = ? ORDER BY table_name")) {
            ps.setString(1, cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    noted.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        List<String> left = new ArrayList<>();
        for (Map.Entry<String, String> e : noted.entrySet()) {
            String table = e.getKey();
            String alter = "ALTER TABLE " + Databases.qualified(table) + " REPLICA IDENTITY " + e.getValue();
            try {
                if (exists(source, table) && !e.getValue().equals("FULL") && clause(source, table).equals("FULL")) {
                    boolean auto = source.getAutoCommit();
                    source.setAutoCommit(false);
                    try (Statement st = source.createStatement()) {
                        st.execute("SET LOCAL lock_timeout = " + lockTimeoutMillis);
                        st.execute(alter);
                        source.commit();
                    } catch (SQLException ex) {
                        source.rollback();
                        throw ex;
                    } finally {
                        source.setAutoCommit(auto);
                    }
                }
                forget(target, cutoverId, table);
            } catch (SQLException ex) {
                left.add(table + " (" + ex.getMessage().lines().findFirst().orElse("") + "; run " + alter + ")");
            }
        }
        return left;
    }

    private static void forget(Connection target, String cutoverId, String table) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("DELETE FROM " + TABLE
                + " WHERE cutover_id = ? AND table_name = ?")) {
            ps.setString(1, cutoverId);
            ps.setString(2, table);
            ps.executeUpdate();
        }
    }

    private static boolean exists(Connection source, String table) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, Databases.qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The table's replica identity as the clause of ALTER TABLE ... REPLICA IDENTITY that sets it. */
    private static String clause(Connection source, String table) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT c.relreplident,
                       (SELECT quote_ident(i.relname) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                        WHERE x.indrelid = c.oid AND x.indisreplident)
                FROM pg_class c WHERE c.oid = ?::regclass""")) {
            ps.setString(1, Databases.qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return switch (rs.getString(1)) {
                    case "f" -> "FULL";
                    case "n" -> "NOTHING";
                    case "i" -> "USING INDEX " + rs.getString(2);
                    default -> "DEFAULT";
                };
            }
        }
    }
}
