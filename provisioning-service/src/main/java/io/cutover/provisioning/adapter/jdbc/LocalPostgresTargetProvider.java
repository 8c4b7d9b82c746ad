package io.cutover.provisioning.adapter.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.cutover.kit.jdbc.Databases;
import io.cutover.provisioning.application.TargetProvider;
import io.cutover.schemas.DatabaseEndpoint;

/** A target on a PostgreSQL server that already runs: creates the database when it is missing. */
public final class LocalPostgresTargetProvider implements TargetProvider {

    private final String maintenanceDatabase;

    public LocalPostgresTargetProvider(String maintenanceDatabase) {
        this.maintenanceDatabase = maintenanceDatabase;
    }

    @Override
    public String provision(DatabaseEndpoint target) throws Exception {
        boolean created = false;
        try (Connection c = Databases.open(target, maintenanceDatabase)) {
            if (!exists(c, target.getDatabase())) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + Databases.quote(target.getDatabase()));
                }
                created = true;
            }
        }
        try (Connection c = Databases.open(target); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "target " + Databases.describe(target) + (created ? " created" : " already existed")
                    + " and answers (PostgreSQL " + rs.getString(1) + ")";
        }
    }

    private static boolean exists(Connection c, String database) throws Exception {
        try (var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
