package io.cutover.replication.adapter.jdbc;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cutover.schemas.DatabaseEndpoint;

/**
 * Runs pg_dump and pg_restore for the schema sections. Passwords go through the environment (PGPASSWORD), never the
 * command line.
 */
final class PgTools {

    private final String binDir;

    PgTools(String binDir) {
        this.binDir = binDir;
    }

    /** pg_dump of one section piped straight into pg_restore on the target. */
    void copySection(String section, DatabaseEndpoint source, DatabaseEndpoint target, List<String> dumpFilters,
                     String snapshot, boolean clean) throws IOException, InterruptedException {
        List<String> dump = new ArrayList<>(List.of(tool("pg_dump"), "--section=" + section, "--format=custom",
                "--no-owner", "--no-acl"));
        if (snapshot != null) {
            dump.add("--snapshot=" + snapshot);
        }
        dump.addAll(dumpFilters);
        dump.addAll(connection(source));
        List<String> restore = new ArrayList<>(List.of(tool("pg_restore"), "--section=" + section,
                "--no-owner", "--no-acl", "--exit-on-error"));
        if (clean) {
            restore.addAll(List.of("--clean", "--if-exists"));
        }
        restore.addAll(connection(target));
        restore.add("--dbname=" + target.getDatabase());
        Path dumpErr = Files.createTempFile("cutover-pg_dump", ".log");
        Path restoreErr = Files.createTempFile("cutover-pg_restore", ".log");
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    builder(dump, source).redirectError(Redirect.to(dumpErr.toFile())),
                    builder(restore, target).redirectError(Redirect.to(restoreErr.toFile()))
                            .redirectOutput(Redirect.DISCARD)));
            for (Process p : pipeline) {
                if (!p.waitFor(6, TimeUnit.HOURS)) {
                    p.destroyForcibly();
                }
            }
            check("pg_dump", pipeline.get(0), dumpErr);
            check("pg_restore", pipeline.get(1), restoreErr);
        } finally {
            Files.deleteIfExists(dumpErr);
            Files.deleteIfExists(restoreErr);
        }
    }

    /** The major version of the tool, for example 17. */
    int majorVersion(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tool(name), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        String[] words = out.split("\\s+");
        return Integer.parseInt(words[words.length - 1].split("\\.")[0]);
    }

    private String tool(String name) throws IOException {
        if (binDir != null && !binDir.isBlank()) {
            File f = new File(binDir, name);
            if (!f.canExecute()) {
                throw new IOException(name + " not found in cutover.replication.pg-bin-dir=" + binDir);
            }
            return f.getPath();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IOException(name + " not found on PATH; set cutover.replication.pg-bin-dir to a folder with "
                + "pg_dump and pg_restore at least as new as the source server");
    }

    private static List<String> connection(DatabaseEndpoint e) {
        return List.of("--host=" + e.getHost(), "--port=" + e.getPort(), "--username=" + e.getUser());
    }

    private static ProcessBuilder builder(List<String> command, DatabaseEndpoint e) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("PGPASSWORD", e.getPassword());
        env.put("PGDATABASE", e.getDatabase());
        env.put("PGOPTIONS", "-c maintenance_work_mem=256MB");
        String sslmode = e.getOptions().get("sslmode");
        if (sslmode != null) {
            env.put("PGSSLMODE", sslmode);
        }
        return pb;
    }

    private static void check(String name, Process p, Path log) throws IOException {
        if (p.exitValue() != 0) {
            String err = Files.readString(log, StandardCharsets.UTF_8).trim();
            throw new IOException(name + " exited with " + p.exitValue() + ": "
                    + (err.length() > 2000 ? err.substring(0, 2000) + "..." : err));
        }
    }
}
