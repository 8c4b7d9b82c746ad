package io.cutover.localstack;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** The source and target PostgreSQL servers of a local run, on 127.0.0.1, user postgres without a password. */
public interface DatabaseServers extends AutoCloseable {

    int sourcePort();

    int targetPort();

    default Connection source(String database) throws SQLException {
        return EmbeddedDatabases.connect(sourcePort(), database);
    }

    default Connection target(String database) throws SQLException {
        return EmbeddedDatabases.connect(targetPort(), database);
    }

    @Override
    void close() throws IOException;

    /** Servers someone else runs (for example two Debian clusters for the benchmark); left running on close. */
    static DatabaseServers external(int sourcePort, int targetPort) {
        return new DatabaseServers() {
            @Override
            public int sourcePort() {
                return sourcePort;
            }

            @Override
            public int targetPort() {
                return targetPort;
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }
}
