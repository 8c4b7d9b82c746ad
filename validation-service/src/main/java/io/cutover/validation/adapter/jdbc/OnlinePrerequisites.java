package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;

/**
 * What an online cutover needs beyond an offline one. Source: wal_level = logical, a free replication slot and a
 * free WAL sender, a role allowed to replicate and to publish the tables, and every table either keyed, with a
 * replica identity of its own, or named for REPLICA IDENTITY FULL by the plan, every table logged, and no column of a
 * type the change stream does not carry as it is. Target: the apply may set
 * session_replication_role, so that the target's triggers and foreign keys do not fire twice.
 */
final class OnlinePrerequisites {

    private OnlinePrerequisites() {
    }

    static void checkSource(DatabaseEndpoint source, List<String> wanted, OnlineSync online, List<String> passed,
                            List<String> problems) {
        String where = "source " + Databases.describe(source);
        try (Connection c = Databases.open(source)) {
            String walLevel = one(c, "SHOW wal_level");
            if ("logical".equals(walLevel)) {
                passed.add(where + ": wal_level is logical");
            } else {
                problems.add(where + ": wal_level is " + walLevel + "; online mode needs logical (set wal_level ="
                        + " logical and restart the server; on Azure set the server parameter wal_level to LOGICAL)");
            }
            free(c, where, "replication slots", "SELECT current_setting('max_replication_slots')::int"
                    + " - (SELECT count(*) FROM pg_replication_slots)", "max_replication_slots", passed, problems);
            free(c, where, "WAL senders", "SELECT current_setting('max_wal_senders')::int"
                    + " - (SELECT count(*) FROM pg_stat_replication)", "max_wal_senders", passed, problems);
            List<String> tables = Databases.tables(c, wanted);
            role(c, where, source.getUser(), tables, passed, problems);
            keys(c, where, tables, online.getReplicaIdentityFull(), passed, problems);
            logged(c, where, tables, passed, problems);
            streamable(c, where, tables, passed, problems);
        } catch (SQLException e) {
            problems.add(where + " cannot be checked for online mode: " + Jobs.describe(e));
        }
    }

    static void checkTarget(DatabaseEndpoint target, List<String> passed, List<String> problems) {
        String where = "target " + Databases.describe(target);
        try (Connection c = Databases.open(target)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL session_replication_role = replica");
                passed.add(where + ": " + target.getUser() + " may apply changes as a replica"
                        + " (session_replication_role)");
            } catch (SQLException e) {
                problems.add(where + ": " + target.getUser() + " may not set session_replication_role = replica,"
                        + " which applying changes needs (" + Jobs.describe(e) + ")");
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            problems.add(where + " cannot be checked for online mode: " + Jobs.describe(e));
        }
    }

    private static void free(Connection c, String where, String what, String sql, String setting,
                             List<String> passed, List<String> problems) throws SQLException {
        long free = Long.parseLong(one(c, sql));
        if (free >= 1) {
            passed.add(where + ": " + free + " free " + what);
        } else {
            problems.add(where + ": no free " + what + " (all " + one(c, "SHOW " + setting) + " in use); raise "
                    + setting + " or free one");
        }
    }

    private static void role(Connection c, String where, String user, List<String> tables, List<String> passed,
                             List<String> problems) throws SQLException {
        boolean superuser = Boolean.parseBoolean(one(c,
                "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"));
        boolean replication = Boolean.parseBoolean(one(c,
                "SELECT rolreplication::text FROM pg_roles WHERE rolname = current_user"));
        if (!superuser && !replication) {
            problems.add(where + ": " + user + " lacks the REPLICATION attribute (ALTER ROLE " + user
                    + " REPLICATION)");
        }
        List<String> notOwned = tablesWhere(c, tables,
                "SELECT NOT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass(?)");
        if (!superuser && !notOwned.isEmpty()) {
            problems.add(where + ": " + user + " does not own " + String.join(", ", notOwned)
                    + ", so it cannot publish them for replication");
        }
        if (superuser) {
            passed.add(where + ": " + user + " may replicate; it is a superuser, though REPLICATION, SELECT and"
                    + " ownership of the tables would be enough");
        } else if (replication && notOwned.isEmpty()) {
            passed.add(where + ": " + user + " may replicate and publish the tables, without superuser");
        }
    }

    private static void keys(Connection c, String where, List<String> tables, List<String> full,
                             List<String> passed, List<String> problems) throws SQLException {
        List<String> unmatched = new ArrayList<>(tablesWhere(c, tables, """
                SELECT NOT (c.relreplident = 'f' OR c.relreplident = 'i'
                            OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i
                                                                 WHERE i.indrelid = c.oid AND i.indisprimary)))
                FROM pg_class c WHERE c.oid = to_regclass(?)"""));
        unmatched.removeAll(full);
        if (unmatched.isEmpty()) {
            passed.add(where + ": every table has a primary key or a chosen replica identity");
        } else {
            problems.add(where + ": tables without a primary key or replica identity: " + String.join(", ",
                    unmatched) + "; add a key or name them under online.replicaIdentityFull in the plan");
        }
    }

    /** An unlogged table's changes never reach the WAL: no slot can stream them, so they would be lost. */
    private static void logged(Connection c, String where, List<String> tables, List<String> passed,
                               List<String> problems) throws SQLException {
        List<String> unlogged = tablesWhere(c, tables,
                "SELECT relpersistence = 'u' FROM pg_class WHERE oid = to_regclass(?)");
        if (unlogged.isEmpty()) {
            passed.add(where + ": every table is logged, so its changes can be streamed");
        } else {
            problems.add(where + ": unlogged tables, whose changes never reach the WAL and so cannot be streamed: "
                    + String.join(", ", unlogged) + "; make them logged first (ALTER TABLE ... SET LOGGED), or move"
                    + " them offline");
        }
    }

    /**
     * Columns of types that Debezium's stream does not carry as they are: bit strings, time with time zone (its
     * offset is lost), geometric and PostGIS types; arrays and domains of them too.
     */
    private static void streamable(Connection c, String where, List<String> tables, List<String> passed,
                                   List<String> problems) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
                LEFT JOIN pg_type b ON b.oid = t.typbasetype
                WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                  AND coalesce(e.typname, b.typname, t.typname) IN ('bit', 'varbit', 'timetz', 'point', 'line',
                      'lseg', 'box', 'path', 'polygon', 'circle', 'geometry', 'geography')
                ORDER BY a.attnum""")) {
            for (String t : tables) {
                ps.setString(1, Databases.qualified(t));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(t + "." + rs.getString(1) + " (" + rs.getString(2) + ")");
                    }
                }
            }
        }
        if (columns.isEmpty()) {
            passed.add(where + ": every column has a type the change stream carries as it is");
        } else {
            problems.add(where + ": columns of types the change stream does not carry as they are: "
                    + String.join(", ", columns) + "; change their types, or move these tables offline");
        }
    }

    /** The tables, in order, for which sql (one row of one boolean, given the table's name) says true. */
    private static List<String> tablesWhere(Connection c, List<String> tables, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (String t : tables) {
                ps.setString(1, Databases.qualified(t));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
