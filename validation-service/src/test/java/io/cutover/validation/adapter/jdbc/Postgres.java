package io.cutover.validation.adapter.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.cutover.schemas.DatabaseEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** One embedded PostgreSQL server for this module's tests; each test class makes its own databases on it. */
final class Postgres {

    private static EmbeddedPostgres server;

    private Postgres() {
    }

    static synchronized int port() {
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
        return server.getPort();
    }

    static DatabaseEndpoint endpoint(String database) {
        return endpoint(database, "postgres");
    }

    static DatabaseEndpoint endpoint(String database, String user) {
        return DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(port()).setDatabase(database)
                .setUser(user).setPassword("").build();
    }

    static void sql(String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/" + database,
                "postgres", ""); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
