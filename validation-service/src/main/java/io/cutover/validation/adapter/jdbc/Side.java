package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.validation.application.DataValidation;

/**
 * One database's side of a comparison: a few worker threads, each with its own connection whose session prints
 * values the same way on both sides (UTC, ISO dates, exact floats, hex bytea), so that equal data hashes equal.
 * Each query waits for the comparison's pace before it runs.
 */
final class Side implements AutoCloseable {

    /** Work for one connection. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private static final List<String> SETTINGS = List.of("SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'",
            "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 3", "SET bytea_output = 'hex'",
            "SET default_transaction_read_only = on");

    private final DatabaseEndpoint endpoint;
    private final int threads;
    private final DataValidation.Pace pace;
    private final ExecutorService workers;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final List<Connection> opened = new CopyOnWriteArrayList<>();

    Side(DatabaseEndpoint endpoint, int threads, DataValidation.Pace pace) {
        this.endpoint = endpoint;
        this.threads = threads;
        this.pace = pace;
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cutover-validate-" + endpoint.getDatabase());
            t.setDaemon(true);
            return t;
        });
    }

    <T> Future<T> submit(Query<T> query) {
        Callable<T> task = () -> {
            pace.await();
            return query.run(connection());
        };
        return workers.submit(task);
    }

    /**
     * Opens every worker's connection at once, in the background. Each worker waits a moment for the others, so
     * that none takes two of these; one that fails to open is opened again, and its failure reported, by the
     * first query on it.
     */
    void openAll() {
        CountDownLatch opening = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            workers.submit(() -> {
                try {
                    connection();
                } finally {
                    opening.countDown();
                }
                opening.await(1, TimeUnit.SECONDS);
                return null;
            });
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection.get();
        if (c == null) {
            c = Databases.open(endpoint);
            try (Statement st = c.createStatement()) {
                for (String s : SETTINGS) {
                    st.execute(s);
                }
            }
            connection.set(c);
            opened.add(c);
        }
        return c;
    }

    /** How many queries this side runs at once. */
    int threads() {
        return threads;
    }

    String describe() {
        return Databases.describe(endpoint);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException e) {
                // the comparison is over; a connection that fails to close changes nothing in its result
            }
        }
    }
}
