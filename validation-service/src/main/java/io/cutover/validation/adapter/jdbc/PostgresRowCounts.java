package io.cutover.validation.adapter.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.TableCount;
import io.cutover.validation.application.RowCounts;

/** count(*) of each table, source and target side by side at the same time. */
public final class PostgresRowCounts implements RowCounts {

    @Override
    public List<TableCount> count(DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted)
            throws Exception {
        List<String> tables;
        try (Connection c = Databases.open(source)) {
            tables = Databases.tables(c, wanted);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<List<Long>> src = CompletableFuture.supplyAsync(() -> counts(source, tables), pool);
            CompletableFuture<List<Long>> tgt = CompletableFuture.supplyAsync(() -> counts(target, tables), pool);
            List<Long> s = src.join();
            List<Long> t = tgt.join();
            List<TableCount> result = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                result.add(new TableCount(tables.get(i), s.get(i), t.get(i)));
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Long> counts(DatabaseEndpoint e, List<String> tables) {
        List<Long> counts = new ArrayList<>();
        try (Connection c = Databases.open(e); Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Databases.qualified(t))) {
                    rs.next();
                    counts.add(rs.getLong(1));
                }
            }
        } catch (Exception ex) {
            throw new IllegalStateException("cannot count rows on " + Databases.describe(e) + ": " + ex.getMessage(),
                    ex);
        }
        return counts;
    }
}
