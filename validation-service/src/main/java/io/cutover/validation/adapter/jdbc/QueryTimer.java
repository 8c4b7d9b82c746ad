package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.CriticalQuery;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Times the plan's critical queries: one warm-up run, then the median of {@value #RUNS} runs, reading every row,
 * in a read-only session so that a query cannot change data.
 */
final class QueryTimer {

    private static final int RUNS = 5;

    private QueryTimer() {
    }

    /** Adds a figure per query (prefix + name) and a line for people; a failing query is a problem. */
    static void time(DatabaseEndpoint on, List<CriticalQuery> queries, String prefix, String side,
                     Map<String, Long> figures, List<String> passed, List<String> problems) {
        if (queries.isEmpty()) {
            return;
        }
        try (Connection c = Databases.open(on); Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = on");
            for (CriticalQuery q : queries) {
                try {
                    long micros = median(st, q.getSql());
                    figures.put(prefix + q.getName(), micros);
                    passed.add(line(q, side, micros));
                } catch (SQLException e) {
                    problems.add("critical query '" + q.getName() + "' failed on the " + side + ": "
                            + Jobs.describe(e));
                }
            }
        } catch (SQLException e) {
            problems.add("critical queries not timed on the " + side + ": " + Jobs.describe(e));
        }
    }

    private static String line(CriticalQuery q, String side, long micros) {
        String text = "critical query '" + q.getName() + "' takes " + millis(micros) + " on the " + side;
        if (side.equals("target") && q.getBaselineMicros() > 0) {
            text += String.format(" (source %s: %.2fx)", millis(q.getBaselineMicros()),
                    (double) micros / q.getBaselineMicros());
        }
        return text;
    }

    private static long median(Statement st, String sql) throws SQLException {
        run(st, sql);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long started = System.nanoTime();
            run(st, sql);
            times.add((System.nanoTime() - started) / 1_000);
        }
        return times.stream().sorted().toList().get(RUNS / 2);
    }

    private static void run(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    private static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
