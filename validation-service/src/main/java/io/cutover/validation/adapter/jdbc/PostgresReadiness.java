package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.CriticalQuery;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.Metrics;
import io.cutover.schemas.OnlineSync;
import io.cutover.schemas.UserCheck;
import io.cutover.validation.application.ExtensionParity;
import io.cutover.validation.application.Readiness;

/**
 * Both: the host resolves, the port accepts TCP, TLS is offered where the plan requires it, and the plan's
 * credentials log in. Source: every table readable, and the user allowed to fence writes (owner of the database or
 * superuser); its size is reported as the space the target needs. Target: the user may create schemas, no user
 * tables yet, a server at least as new as the source, and every extension the source uses available.
 */
public final class PostgresReadiness implements Readiness {

    @Override
    public Report check(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                        List<UserCheck> checks, List<CriticalQuery> criticalQueries, OnlineSync online,
                        long targetStorageBytes) {
        List<String> passed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean sourceReachable = NetworkProbe.check("source", source, passed, problems);
        SourceFacts facts = sourceReachable ? checkSource(source, tables, passed, problems) : SourceFacts.UNKNOWN;
        if (sourceReachable && online != null && facts != SourceFacts.UNKNOWN) {
            OnlinePrerequisites.checkSource(source, tables, online, passed, problems);
        }
        if (NetworkProbe.check("target", target, passed, problems)) {
            checkTarget(target, facts, passed, problems);
            if (facts != SourceFacts.UNKNOWN) {
                FreeSpace.estimate(target, facts.sizeBytes(), targetStorageBytes, passed, problems);
            }
            if (online != null) {
                OnlinePrerequisites.checkTarget(target, passed, problems);
            }
        }
        UserChecks.run(checks, source, target, passed, problems);
        Map<String, Long> figures = new HashMap<>();
        if (problems.isEmpty()) {
            QueryTimer.time(source, criticalQueries, Metrics.BASELINE_MICROS, "source", figures, passed, problems);
        }
        return new Report(passed, problems, figures);
    }

    @Override
    public Report verify(DatabaseEndpoint target, List<UserCheck> smoke, List<CriticalQuery> criticalQueries) {
        List<String> passed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Long> figures = new HashMap<>();
        UserChecks.run(smoke, target, target, passed, problems);
        QueryTimer.time(target, criticalQueries, Metrics.TARGET_MICROS, "target", figures, passed, problems);
        return new Report(passed, problems, figures);
    }

    /** What the target checks need to know of the source. */
    private record SourceFacts(int version, Map<String, String> extensions, long sizeBytes) {
        static final SourceFacts UNKNOWN = new SourceFacts(0, Map.of(), 0);
    }

    private SourceFacts checkSource(DatabaseEndpoint source, List<String> wanted, List<String> passed,
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
            String writable = Databases.rolesWritableDespiteReadOnly(c);
            if (writable == null) {
                passed.add(where + ": no role keeps its sessions writable when the database is made read-only");
            } else {
                problems.add(where + ": roles " + writable + " set default_transaction_read_only off for themselves,"
                        + " which wins over the write fence: reset it (ALTER ROLE ... RESET"
                        + " default_transaction_read_only) before the cutover");
            }
            long size = Long.parseLong(text(c, "SELECT pg_database_size(current_database())"));
            return new SourceFacts(version, pairs(c, "SELECT extname, extversion FROM pg_extension "
                    + "WHERE extname <> 'plpgsql'"), size);
        } catch (SQLException e) {
            problems.add(where + " is not usable: " + Jobs.describe(e));
            return SourceFacts.UNKNOWN;
        }
    }

    private void checkTarget(DatabaseEndpoint target, SourceFacts source, List<String> passed,
                             List<String> problems) {
        int sourceVersion = source.version();
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
            Report extensions = ExtensionParity.compare(where, source.extensions(),
                    pairs(c, "SELECT name, default_version FROM pg_available_extensions"));
            passed.addAll(extensions.passed());
            problems.addAll(extensions.problems());
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

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, String> pairs(Connection c, String sql) throws SQLException {
        Map<String, String> pairs = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                pairs.put(rs.getString(1), rs.getString(2));
            }
        }
        return pairs;
    }

    private static boolean bool(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
