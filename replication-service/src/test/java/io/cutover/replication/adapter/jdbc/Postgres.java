package io.cutover.replication.adapter.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cutover.schemas.DatabaseEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** One embedded PostgreSQL server for this module's tests; each test makes its own databases on it. */
final class Postgres {

    private static EmbeddedPostgres server;

    private Postgres() {
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    System.err.println("stopping test PostgreSQL: " + e.getMessage());
                }
            }));
        }
        return server;
    }

    /** A fresh, empty database. */
    static DatabaseEndpoint database(String name) throws SQLException {
        try (Connection c = connect("postgres")) {
            execute(c, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            execute(c, "CREATE DATABASE " + name);
        }
        return DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(server().getPort()).setDatabase(name)
                .setUser("postgres").setPassword("").build();
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + database,
                "postgres", "");
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
