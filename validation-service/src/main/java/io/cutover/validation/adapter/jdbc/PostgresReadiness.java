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
import io.cutover.validation.application.Readiness;

/**
 * Source: reachable with the plan's credentials, every table readable, and the user allowed to fence writes
 * (owner of the database or superuser). Target: reachable, the user may create objects, no user tables yet, and
 * a server at least as new as the source.
 */
public final class PostgresReadiness implements Readiness {

    @Override
    public Report check(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables) {
        List<String> passed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int sourceVersion = checkSource(source, tables, passed, problems);
        checkTarget(target, sourceVersion, passed, problems);
        return new Report(passed, problems);
    }

    private int checkSource(DatabaseEndpoint source, List<String> wanted, List<String> passed,
                            List<String> problems) {
        String where = "source " + Databases.describe(source);
        try (Connection c = Databases.open(source)) {
            int version = versionNum(c);
            passed.add(where + " answers as " + source.getUser() + " (PostgreSQL " + version / 10000 + ")");
            List<String> tables = Databases.tables(c, wanted);
            List<String> unreadable = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?, 'SELECT')")) {
                for (String t : tables) {
                    ps.setString(1, Databases.qualified(t));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            unreadable.add(t);
                        }
                    }
                }
            }
            if (unreadable.isEmpty()) {
                passed.add(where + ": " + tables.size() + " tables readable by " + source.getUser());
            } else {
                problems.add(where + ": " + source.getUser() + " cannot read " + String.join(", ", unreadable));
            }
            if (bool(c, "SELECT r.rolsuper OR d.datdba = r.oid FROM pg_roles r, pg_database d "
                    + "WHERE r.rolname = current_user AND d.datname = current_database()")) {
                passed.add(where + ": " + source.getUser() + " may fence writes (owner or superuser)");
            } else {
                problems.add(where + ": " + source.getUser() + " may not fence writes: it must own the database "
                        + "or be a superuser to make it read-only");
            }
            return version;
        } catch (SQLException e) {
            problems.add(where + " is not usable: " + Jobs.describe(e));
            return 0;
        }
    }

    private void checkTarget(DatabaseEndpoint target, int sourceVersion, List<String> passed,
                             List<String> problems) {
        String where = "target " + Databases.describe(target);
        try (Connection c = Databases.open(target)) {
            int version = versionNum(c);
            passed.add(where + " answers as " + target.getUser() + " (PostgreSQL " + version / 10000 + ")");
            if (version / 10000 < sourceVersion / 10000) {
                problems.add(where + " runs PostgreSQL " + version / 10000 + ", older than the source's "
                        + sourceVersion / 10000);
            }
            if (bool(c, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
                passed.add(where + ": " + target.getUser() + " may create schemas");
            } else {
                problems.add(where + ": " + target.getUser() + " may not create schemas in the database");
            }
            List<String> existing = Databases.tables(c, List.of());
            if (existing.isEmpty()) {
                passed.add(where + " has no user tables yet");
            } else {
                problems.add(where + " already has " + existing.size() + " tables (" + String.join(", ",
                        existing.subList(0, Math.min(5, existing.size()))) + "): Cutover copies into an empty database");
            }
        } catch (SQLException e) {
            problems.add(where + " is not usable: " + Jobs.describe(e));
        }
    }

    private static int versionNum(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    private static boolean bool(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
