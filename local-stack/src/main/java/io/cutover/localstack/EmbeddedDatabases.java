package io.cutover.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.cutover.schemas.DatabaseEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Two real PostgreSQL servers, source and target, each in its own data directory. */
public final class EmbeddedDatabases implements DatabaseServers {

    public static final String USER = "postgres";

    private final EmbeddedPostgres source;
    private final EmbeddedPostgres target;

    public EmbeddedDatabases(Path dir) throws IOException {
        Path work = dir.resolve("pg-binaries");
        source = start(work, dir.resolve("source"));
        try {
            target = start(work, dir.resolve("target"));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static EmbeddedPostgres start(Path work, Path data) throws IOException {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work.toFile())
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPort(Ports.free())
                .setServerConfig("wal_level", "logical")
                // the bundle's default (off) lets a commit wait for the WAL writer before logical replication
                // sees it; on, as on production servers, changes stream as they commit
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("maintenance_work_mem", "256MB")
                .setServerConfig("checkpoint_timeout", "30min")
                .start();
    }

    @Override
    public int sourcePort() {
        return source.getPort();
    }

    @Override
    public int targetPort() {
        return target.getPort();
    }

    /** An endpoint on 127.0.0.1, as the services see it: user postgres without a password. */
    public static DatabaseEndpoint endpoint(int port, String database) {
        return DatabaseEndpoint.newBuilder().setHost("127.0.0.1").setPort(port).setDatabase(database)
                .setUser(USER).setPassword("").build();
    }

    public static Connection connect(int port, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, USER, "");
    }

    @Override
    public void close() throws IOException {
        source.close();
        target.close();
    }
}
