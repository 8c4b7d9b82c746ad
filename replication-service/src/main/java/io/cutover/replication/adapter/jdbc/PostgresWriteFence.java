package io.cutover.replication.adapter.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.cutover.kit.jdbc.Databases;
import io.cutover.replication.application.WriteFence;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Fences by making the source database read-only for every new session, then ending the sessions that were open
 * so that they reconnect read-only. The online sync's own sessions are kept (application name cutover-sync, and
 * the change stream's "Debezium ..." sessions and walsender): they carry the last changes to the target. Unfencing
 * resets the setting and ends the sessions opened while fenced, which would otherwise stay read-only. The database
 * setting is changed with a short lock timeout, retried, so that the fence never queues behind a long transaction
 * while every other session queues behind it.
 */
public final class PostgresWriteFence implements WriteFence {

    /** Our own session opts out of the database's read-only default, or it could not lift (or repeat) a fence. */
    private static final String READ_WRITE = "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE";

    @Override
    public String fence(DatabaseEndpoint source) throws SQLException {
        int ended = setReadOnlyDefault(source, "SET default_transaction_read_only = on", "on");
        return "source " + Databases.describe(source) + " is read-only; " + ended + " open sessions ended";
    }

    /**
     * A role's own setting wins over the database's: one that sets default_transaction_read_only off would start
     * writable sessions on the fenced source. Read from the catalog, for every role at once, inside the write stall
     * and without a session of its own.
     */
    private static void requireNoRoleOptsOut(Connection c, DatabaseEndpoint source) throws SQLException {
        String roles = Databases.rolesWritableDespiteReadOnly(c);
        if (roles != null) {
            throw new SQLException("roles " + roles + " set default_transaction_read_only off for themselves, which"
                    + " wins over the database's setting: their new sessions on " + Databases.describe(source)
                    + " would not be read-only. Reset it (ALTER ROLE ... RESET default_transaction_read_only) or keep"
                    + " those roles from the source, then try again");
        }
    }

    @Override
    public String unfence(DatabaseEndpoint source) throws SQLException {
        int ended = setReadOnlyDefault(source, "RESET default_transaction_read_only", "off");
        return "source " + Databases.describe(source) + " takes writes again; " + ended + " read-only sessions ended";
    }

    /**
     * Changes the database's default and ends the sessions that have the old one. A fence first checks that no role
     * opts out of it; an unfence then checks that a new session has the new default.
     */
    private static int setReadOnlyDefault(DatabaseEndpoint source, String change, String expected)
            throws SQLException {
        try (Connection c = Databases.open(source); Statement st = c.createStatement()) {
            st.execute(READ_WRITE);
            // never queue behind a long transaction while every other session queues behind us: retry instead
            st.execute("SET lock_timeout = '200ms'");
            if (expected.equals("on")) {
                requireNoRoleOptsOut(c, source); // before any session is ended for nothing
            }
            alter(st, "ALTER DATABASE " + Databases.quote(source.getDatabase()) + " " + change);
            int ended = endOtherSessions(st);
            if (expected.equals("off")) {
                verify(source, expected);
            }
            return ended;
        }
    }

    private static void alter(Statement st, String sql) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                st.execute(sql);
                return;
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState()) || attempt >= 25) {
                    throw e;
                }
            }
        }
    }

    private static int endOtherSessions(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("""
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                  AND application_name IS DISTINCT FROM 'cutover-sync' AND application_name NOT LIKE 'Debezium %'
                """)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A fresh session must see the new default, else the change did not take. */
    private static void verify(DatabaseEndpoint source, String expected) throws SQLException {
        try (Connection c = Databases.open(source); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            if (!expected.equals(rs.getString(1))) {
                throw new SQLException("default_transaction_read_only is " + rs.getString(1) + " on "
                        + Databases.describe(source) + " for a new session, expected " + expected
                        + " (is it set for the role?)");
            }
        }
    }
}
