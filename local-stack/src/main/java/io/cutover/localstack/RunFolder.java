package io.cutover.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.util.FileSystemUtils;

/**
 * The folder a run of the local stack keeps its files in, and what the run leaves when the JVM exits before it ends
 * (Ctrl-C, a signal, or the end of {@code --keep-running}): a shutdown hook stops what the run started, then removes
 * the folder when the run created it. PostgreSQL's binaries alone take 60 MB of it each run.
 */
final class RunFolder {

    /** What runs in the folder. */
    @FunctionalInterface
    interface Body {
        int run(RunFolder folder) throws Exception;
    }

    /** The JVM began to exit while the run went on; what it started is stopped. */
    static final class Stopped extends RuntimeException {
        Stopped(Throwable cause) {
            super("stopped before the run ended: the JVM is exiting (Ctrl-C or a signal)", cause);
        }
    }

    // the stack stops in seconds; until it has, PostgreSQL and Kafka may still write files into the folder
    private static final int REMOVE_TRIES = 50;
    private static final long REMOVE_PAUSE_MILLIS = 200;

    private final Path dir;
    private final boolean own;
    private final AtomicReference<AutoCloseable> running = new AtomicReference<>();
    private volatile boolean exiting;

    private RunFolder(Path dir, boolean own) {
        this.dir = dir;
        this.own = own;
    }

    /**
     * Runs {@code body} in {@code dir}, or, when it is null, in a new temporary folder removed when the run ends,
     * however it ends.
     */
    static int run(Path dir, Body body) throws Exception {
        RunFolder folder = dir != null ? new RunFolder(dir, false)
                : new RunFolder(Files.createTempDirectory("cutover-local-"), true);
        Thread hook = new Thread(folder::onExit, "local-stack-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.run(folder);
        } catch (Exception e) {
            throw folder.exiting ? new Stopped(e) : e;
        } finally {
            boolean hookRemoved;
            try {
                hookRemoved = Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exitingNow) {
                hookRemoved = false; // the hook runs, or has run, and removes the folder
            }
            if (hookRemoved && folder.own) {
                remove(folder.dir, 1);
            }
        }
    }

    Path path() {
        return dir;
    }

    /** What the hook stops, before it removes the folder, when the JVM exits while the run goes on. */
    void stopOnExit(AutoCloseable started) {
        running.set(started);
    }

    private void onExit() {
        exiting = true;
        AutoCloseable started = running.getAndSet(null);
        if (started != null) {
            try {
                started.close();
            } catch (Exception e) {
                System.err.println("stopping the local stack: " + e);
            }
        }
        if (own) {
            // PostgreSQL's own hook may have begun to stop it first, and then its close returns before it has
            remove(dir, REMOVE_TRIES);
        }
    }

    private static void remove(Path dir, int tries) {
        for (int i = 1; ; i++) {
            try {
                FileSystemUtils.deleteRecursively(dir);
                return;
            } catch (IOException e) {
                if (i >= tries) {
                    System.err.println("could not remove " + dir + ": " + e);
                    return;
                }
            }
            try {
                Thread.sleep(REMOVE_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.err.println("could not remove " + dir + ": interrupted");
                return;
            }
        }
    }
}
