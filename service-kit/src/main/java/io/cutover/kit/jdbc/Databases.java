package io.cutover.kit.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.cutover.schemas.DatabaseEndpoint;

/** Opens PostgreSQL connections from the endpoints commands carry. The password never enters the URL. */
public final class Databases {

    private Databases() {
    }

    public static Connection open(DatabaseEndpoint e) throws SQLException {
        return open(e, e.getDatabase());
    }

    /** A connection to another database of the same server, for example the maintenance database. */
    public static Connection open(DatabaseEndpoint e, String database) throws SQLException {
        return open(e, database, java.util.Map.of());
    }

    /** A connection with driver settings of the caller's on top of the endpoint's own (those win). */
    public static Connection open(DatabaseEndpoint e, String database, java.util.Map<String, String> settings)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", e.getUser());
        props.setProperty("password", e.getPassword());
        props.setProperty("ApplicationName", "cutover");
        props.setProperty("connectTimeout", "10");
        settings.forEach(props::setProperty);
        e.getOptions().forEach(props::setProperty);
        return DriverManager.getConnection(url(e, database), props);
    }

    public static String url(DatabaseEndpoint e, String database) {
        return "jdbc:postgresql://" + e.getHost() + ":" + e.getPort() + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** host:port/database, for people: no credentials. */
    public static String describe(DatabaseEndpoint e) {
        return e.getHost() + ":" + e.getPort() + "/" + e.getDatabase();
    }

    /** A double-quoted SQL identifier. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** schema.table, each part quoted. */
    public static String qualified(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote("public") + "." + quote(table)
                : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    /**
     * The user tables to work on: the given ones (checked to exist), or every ordinary and partitioned table outside
     * the system schemas and Cutover's own {@value #STATE_SCHEMA} schema.
     */
    public static List<String> tables(Connection c, List<String> wanted) throws SQLException {
        List<String> all = new ArrayList<>();
        try (var st = c.createStatement(); var rs = st.executeQuery("""
                SELECT n.nspname || '.' || c.relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '%s')
                  AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
                ORDER BY 1""".formatted(STATE_SCHEMA))) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
        }
        if (wanted.isEmpty()) {
            return all;
        }
        List<String> missing = wanted.stream().filter(t -> !all.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new SQLException("tables not found in " + c.getCatalog() + ": " + String.join(", ", missing));
        }
        return List.copyOf(wanted);
    }

    /** The schemas that schema.table names live in, in first-seen order. */
    public static List<String> schemasOf(List<String> tables) {
        return tables.stream().map(t -> t.substring(0, t.indexOf('.'))).distinct().toList();
    }

    /**
     * The roles whose own setting (for every database, or for this one) turns default_transaction_read_only off:
     * it wins over the database's, so a write fence would not hold for their new sessions. Null when none.
     */
    public static String rolesWritableDespiteReadOnly(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT string_agg(DISTINCT r.rolname, ', ') FROM pg_db_role_setting s
                JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) c
                WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
                  AND c LIKE 'default_transaction_read_only=%' AND NOT split_part(c, '=', 2)::boolean""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** How far the server has written its WAL (pg_current_wal_insert_lsn), as a number. */
    public static long walInsertLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Where Cutover keeps its checkpoints inside the target database. */
    public static final String STATE_SCHEMA = "cutover_state";
}
