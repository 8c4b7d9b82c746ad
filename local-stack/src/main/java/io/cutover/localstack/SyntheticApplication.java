package io.cutover.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;

import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing through the proxy at a steady rate while a cutover runs: each transaction adds an order
 * with one line, records itself in app_writes under its own key (worker, seq), and marks the worker's previous
 * order paid. A failed attempt reconnects and tries the same transaction again; when the retry finds its key already
 * there, the first attempt had committed. Every acknowledged transaction is kept, to be checked against the target.
 */
public final class SyntheticApplication implements AutoCloseable {

    /** One acknowledged transaction: the order it added and the order it marked paid (0 for none). */
    public record Ack(int worker, long seq, long orderId, long paidOrderId, long startedNanos, long latencyMicros,
                      int attempts) {
    }

    /** What the application saw. */
    public record Result(List<Ack> acks, long failedAttempts, long gaveUp, long seconds) {

        public long percentileMicros(double p) {
            long[] sorted = acks.stream().mapToLong(Ack::latencyMicros).sorted().toArray();
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
        }

        /** The longest time in which no transaction was acknowledged, in millis. */
        public long longestGapMillis() {
            long[] done = acks.stream().mapToLong(a -> a.startedNanos() + a.latencyMicros() * 1000).sorted().toArray();
            long gap = 0;
            for (int i = 1; i < done.length; i++) {
                gap = Math.max(gap, done[i] - done[i - 1]);
            }
            return gap / 1_000_000;
        }
    }

    private final int proxyPort;
    private final String database;
    private final int rate;
    private final int workers;
    private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private long startedAt;

    public SyntheticApplication(int proxyPort, String database, int transactionsPerSecond, int workers) {
        this.proxyPort = proxyPort;
        this.database = database;
        this.rate = transactionsPerSecond;
        this.workers = workers;
    }

    /** The application's own table, on the source, before the cutover copies it. */
    public static void prepare(Connection source) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS app_writes (worker int NOT NULL, seq bigint NOT NULL,"
                    + " order_id bigint NOT NULL, PRIMARY KEY (worker, seq))");
        }
    }

    public void start() {
        running = true;
        startedAt = System.nanoTime();
        long intervalNanos = 1_000_000_000L * workers / rate;
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = new Thread(() -> work(worker, intervalNanos), "synthetic-app-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops, lets transactions in flight finish, and returns what the application saw. */
    public Result stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(120_000);
        }
        List<Ack> copy;
        synchronized (acks) {
            copy = List.copyOf(acks);
        }
        return new Result(copy, failedAttempts.get(), gaveUp.get(), (System.nanoTime() - startedAt) / 1_000_000_000);
    }

    public long acknowledged() {
        return acks.size();
    }

    private void work(int worker, long intervalNanos) {
        long next = System.nanoTime() + intervalNanos * worker / workers;
        long seq = 0;
        long previousOrder = 0;
        Connection c = null;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            }
            next += intervalNanos;
            seq++;
            long started = System.nanoTime();
            int attempts = 0;
            long orderId = -1;
            while (orderId < 0 && System.nanoTime() - started < 60_000_000_000L) {
                attempts++;
                try {
                    if (c == null) {
                        c = connect();
                    }
                    orderId = transaction(c, worker, seq, previousOrder);
                } catch (SQLException e) {
                    failedAttempts.incrementAndGet();
                    closeQuietly(c);
                    c = null;
                    sleepNanos(10_000_000);
                }
            }
            if (orderId < 0) {
                gaveUp.incrementAndGet();
                continue;
            }
            acks.add(new Ack(worker, seq, orderId, previousOrder, started, (System.nanoTime() - started) / 1000,
                    attempts));
            previousOrder = orderId;
        }
        closeQuietly(c);
    }

    /** One transaction; returns the order it added, also when an earlier attempt had committed it. */
    private static long transaction(Connection c, int worker, long seq, long previousOrder) throws SQLException {
        try {
            long orderId;
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders (customer_id, status, total,"
                    + " placed_at, note) VALUES (?, 'new', ?, now(), ?) RETURNING id")) {
                order.setLong(1, 1 + (worker * 7919L + seq) % 10);
                order.setBigDecimal(2, java.math.BigDecimal.valueOf(seq % 1000 + 1, 2));
                order.setString(3, "app " + worker + ":" + seq);
                try (ResultSet rs = order.executeQuery()) {
                    rs.next();
                    orderId = rs.getLong(1);
                }
            }
            try (PreparedStatement item = c.prepareStatement("INSERT INTO order_items (order_id, line_no,"
                    + " product_id, quantity, unit_price) VALUES (?, 1, 1, 1, 9.99)");
                 PreparedStatement log = c.prepareStatement(
                         "INSERT INTO app_writes (worker, seq, order_id) VALUES (?, ?, ?)");
                 PreparedStatement paid = c.prepareStatement(
                         "UPDATE orders SET status = 'paid' WHERE id = ?")) {
                item.setLong(1, orderId);
                item.executeUpdate();
                log.setInt(1, worker);
                log.setLong(2, seq);
                log.setLong(3, orderId);
                log.executeUpdate();
                paid.setLong(1, previousOrder);
                paid.executeUpdate();
            }
            c.commit();
            return orderId;
        } catch (SQLException e) {
            rollbackQuietly(c);
            if ("23505".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("app_writes")) {
                return committedBefore(c, worker, seq);
            }
            throw e;
        }
    }

    private static long committedBefore(Connection c, int worker, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT order_id FROM app_writes WHERE worker = ? AND seq = ?")) {
            ps.setInt(1, worker);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            } finally {
                c.commit();
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "");
        p.setProperty("ApplicationName", "synthetic-app");
        p.setProperty("connectTimeout", "30");
        p.setProperty("loginTimeout", "60");
        p.setProperty("socketTimeout", "60");
        Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database, p);
        c.setAutoCommit(false);
        return c;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone; the caller reconnects
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Acknowledged transactions missing from the target: their key, or their order, is not there. */
    public static List<String> lost(Connection target, List<Ack> acks) throws SQLException {
        List<String> lost = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT w.order_id, o.id IS NOT NULL FROM app_writes w"
                + " LEFT JOIN orders o ON o.id = w.order_id WHERE w.worker = ? AND w.seq = ?")) {
            for (Ack a : acks) {
                ps.setInt(1, a.worker());
                ps.setLong(2, a.seq());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != a.orderId() || !rs.getBoolean(2)) {
                        lost.add(a.worker() + ":" + a.seq() + " (order " + a.orderId() + ")");
                    }
                }
            }
        }
        return lost;
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop();
        }
    }
}
