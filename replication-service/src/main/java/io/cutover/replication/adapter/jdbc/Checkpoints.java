package io.cutover.replication.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.cutover.kit.jdbc.Databases;

/**
 * What a transfer has finished, kept in the target database so that it commits together with the data it
 * describes: a table's rows and its checkpoint are in one transaction, so a crash leaves both or neither.
 */
final class Checkpoints {

    /** One finished item: a phase or a table. */
    record Done(long rows, long bytes) {
    }

    private static final String TABLE = Databases.STATE_SCHEMA + ".transfer_checkpoints";

    private final String cutoverId;

    Checkpoints(String cutoverId) {
        this.cutoverId = cutoverId;
    }

    static void prepare(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Databases.STATE_SCHEMA);
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (cutover_id text NOT NULL, item text NOT NULL, "
                    + "rows bigint NOT NULL, bytes bigint NOT NULL, finished_at timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (cutover_id, item))");
        }
    }

    Map<String, Done> all(Connection target) throws SQLException {
        Map<String, Done> done = new HashMap<>();
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT item, rows, bytes FROM " + TABLE + " WHERE cutover_id = ?")) {
            ps.setString(1, cutoverId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.put(rs.getString(1), new Done(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return done;
    }

    /**
     * Empties the tables an unfinished copy already filled and forgets their checkpoints, so that a copy from a new
     * snapshot starts them over; the schema phases stay done.
     */
    int forgetTables(Connection target) throws SQLException {
        prepare(target);
        java.util.List<String> tables = new java.util.ArrayList<>();
        for (String item : all(target).keySet()) {
            if (item.startsWith("table:")) {
                tables.add(Databases.qualified(item.substring("table:".length())));
            }
        }
        if (!tables.isEmpty()) {
            try (Statement st = target.createStatement()) {
                st.execute("TRUNCATE " + String.join(", ", tables));
            }
            try (PreparedStatement ps = target.prepareStatement(
                    "DELETE FROM " + TABLE + " WHERE cutover_id = ? AND item LIKE 'table:%'")) {
                ps.setString(1, cutoverId);
                ps.executeUpdate();
            }
        }
        return tables.size();
    }

    /** Records an item as finished, in the connection's current transaction. */
    void mark(Connection target, String item, long rows, long bytes) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + TABLE
                + " (cutover_id, item, rows, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (cutover_id, item) DO NOTHING")) {
            ps.setString(1, cutoverId);
            ps.setString(2, item);
            ps.setLong(3, rows);
            ps.setLong(4, bytes);
            ps.executeUpdate();
        }
    }
}
