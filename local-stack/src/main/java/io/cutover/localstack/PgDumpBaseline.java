package io.cutover.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The yardstick: {@code pg_dump -Fc -Z0 | pg_restore} of the same database between the same two servers. */
final class PgDumpBaseline {

    private PgDumpBaseline() {
    }

    /** Wall times of one round: the restore, and the ANALYZE that a restore needs before the target serves. */
    record Times(long restoreMillis, long analyzeMillis) {
    }

    /** Restores into a fresh database on the target server, then analyzes it. */
    static Times run(Path bin, int sourcePort, int targetPort, String database) throws IOException, SQLException,
            InterruptedException {
        String copy = database + "_pg_dump_baseline";
        try (Connection c = EmbeddedDatabases.connect(targetPort, "postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + copy + "\" WITH (FORCE)");
            st.execute("CREATE DATABASE \"" + copy + "\"");
        }
        long started = System.nanoTime();
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder(bin.resolve("pg_dump").toString(), "-Fc", "-Z0", "-h", "127.0.0.1",
                        "-p", String.valueOf(sourcePort), "-U", EmbeddedDatabases.USER, database)
                        .redirectError(ProcessBuilder.Redirect.INHERIT),
                new ProcessBuilder(bin.resolve("pg_restore").toString(), "-h", "127.0.0.1",
                        "-p", String.valueOf(targetPort), "-U", EmbeddedDatabases.USER, "-d", copy)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)));
        for (Process p : pipeline) {
            if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
                throw new IOException("baseline " + p.info().command().orElse("?") + " did not finish well");
            }
        }
        long restored = System.nanoTime();
        try (Connection c = EmbeddedDatabases.connect(targetPort, copy); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
        return new Times((restored - started) / 1_000_000, (System.nanoTime() - restored) / 1_000_000);
    }
}
