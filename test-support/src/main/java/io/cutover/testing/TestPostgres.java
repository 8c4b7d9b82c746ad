package io.cutover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.cutover.schemas.DatabaseEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** One embedded PostgreSQL server for a module's whole test run; each test makes its own databases on it. */
public final class TestPostgres {

    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized int port() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_replication_slots", "40")
                        .setServerConfig("max_wal_senders", "40")
                        .setServerConfig("max_connections", "200")
                        .start();
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

    public static DatabaseEndpoint endpoint(String database) {
        return endpoint(database, "postgres");
    }

    public static DatabaseEndpoint endpoint(String database, String user) {
        return DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(port()).setDatabase(database)
                .setUser(user).setPassword("").build();
    }

    /** A fresh, empty database. */
    public static DatabaseEndpoint database(String name) throws SQLException {
        sql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
        return endpoint(name);
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/" + database, "postgres", "");
    }

    public static void sql(String database, String... statements) throws SQLException {
        try (Connection c = connect(database)) {
            for (String s : statements) {
                Sql.execute(c, s);
            }
        }
    }
}
