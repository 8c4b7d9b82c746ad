package io.cutover.replication.adapter.cdc;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Applies Debezium change events to the target in source commit order. Target transactions end only at source
 * transaction boundaries, and each commit carries the commit position of the last source transaction it covers
 * ({@link SyncState}). After a restart the stream may repeat transactions already applied: until the first one past
 * the stored position, each is applied under a savepoint and undone once its END shows it was applied before.
 */
final class ChangeApplier implements AutoCloseable {

    /** The stream's topic prefix; events arrive on prefix.schema.table, prefix.transaction and prefix.message. */
    static final String PREFIX = "cutover";
    static final String HEARTBEAT = "hb:";

    /** What one call applied; lastCommitted is the END record of the last source transaction now committed. */
    record Applied(SourceRecord lastCommitted, long transactions, long changes, long skipped) {
    }

    /** A change that shows the source's schema no longer matches the target's: the sync must stop. */
    static final class SchemaDriftException extends IllegalStateException {
        SchemaDriftException(String message) {
            super(message);
        }
    }

    private final String cutoverId;
    private final Connection target;
    private final TargetTables tables;
    private final StreamStats stats;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long appliedLsn;
    private boolean replaying = true;

    private boolean inTransaction;
    private boolean txFailedInReplay;
    private SQLException replayFailure;
    private long txChanges;
    private long pendingTransactions;
    private long pendingChanges;
    private long pendingLsn;
    private long pendingCommitMillis;
    private long pendingFirstCommitMillis;
    private SourceRecord pendingEnd;

    private PreparedStatement batch;
    private String batchSql;
    private final List<String> batchExpectations = new ArrayList<>();

    ChangeApplier(String cutoverId, Connection target, long appliedLsn, StreamStats stats) throws SQLException {
        this.cutoverId = cutoverId;
        this.target = target;
        this.appliedLsn = appliedLsn;
        this.stats = stats;
        this.tables = new TargetTables(target);
        target.setAutoCommit(false);
        try (Statement st = target.createStatement()) {
            // like PostgreSQL's own apply: the target's triggers and foreign keys do not fire for replicated rows
            st.execute("SET session_replication_role = replica");
            st.execute("SET synchronous_commit = on");
        }
        target.commit();
    }

    /** Applies records in order; commits when the last of them closes a source transaction. */
    Applied apply(List<SourceRecord> records) throws SQLException {
        long transactionsBefore = stats.appliedTransactions();
        long changesBefore = stats.appliedChanges();
        long skippedBefore = stats.skippedTransactions();
        SourceRecord committed = null;
        for (SourceRecord record : records) {
            String topic = record.topic();
            if (topic.equals(PREFIX + ".transaction")) {
                Struct value = (Struct) record.value();
                if ("BEGIN".equals(value.getString("status"))) {
                    begin();
                } else {
                    end(record, value);
                }
            } else if (topic.equals(PREFIX + ".message")) {
                Struct message = ((Struct) record.value()).getStruct("message");
                if (PREFIX.equals(message.getString("prefix"))) {
                    String content = new String(message.getBytes("content"), java.nio.charset.StandardCharsets.UTF_8);
                    if (content.startsWith(HEARTBEAT)) {
                        stats.heartbeatReceived(Long.parseLong(content.substring(HEARTBEAT.length())));
                    }
                }
            } else if (record.value() != null) {
                change((Struct) record.value());
            }
        }
        if (!inTransaction && pendingEnd != null) {
            committed = commit();
        }
        return new Applied(committed, stats.appliedTransactions() - transactionsBefore,
                stats.appliedChanges() - changesBefore, stats.skippedTransactions() - skippedBefore);
    }

    private void begin() throws SQLException {
        inTransaction = true;
        txChanges = 0;
        txFailedInReplay = false;
        replayFailure = null;
        if (replaying) {
            flush();
            exec("SAVEPOINT cutover_replay");
        }
    }

    private void end(SourceRecord record, Struct value) throws SQLException {
        long commitLsn = ((Number) record.sourceOffset().get("lsn_commit")).longValue();
        long commitMillis = value.getInt64("ts_ms");
        inTransaction = false;
        if (replaying) {
            if (commitLsn <= appliedLsn) {
                // applied before the restart: undo the repeat
                exec("ROLLBACK TO SAVEPOINT cutover_replay");
                clearBatch();
                stats.skipped();
                return;
            }
            if (txFailedInReplay) {
                throw replayFailure;
            }
            flush();
            exec("RELEASE SAVEPOINT cutover_replay");
            replaying = false;
        }
        if (pendingTransactions == 0) {
            pendingFirstCommitMillis = commitMillis;
        }
        pendingTransactions++;
        pendingChanges += txChanges;
        pendingLsn = commitLsn;
        pendingCommitMillis = commitMillis;
        pendingEnd = record;
    }

    private SourceRecord commit() throws SQLException {
        flush();
        SyncState.advance(target, cutoverId, pendingLsn, pendingCommitMillis, pendingTransactions, pendingChanges);
        target.commit();
        appliedLsn = pendingLsn;
        stats.applied(pendingTransactions, pendingChanges, pendingLsn, pendingFirstCommitMillis);
        SourceRecord end = pendingEnd;
        pendingEnd = null;
        pendingTransactions = 0;
        pendingChanges = 0;
        return end;
    }

    private void change(Struct value) throws SQLException {
        if (txFailedInReplay) {
            return;
        }
        Struct source = value.getStruct("source");
        String table = source.getString("schema") + "." + source.getString("table");
        String op = value.getString("op");
        txChanges++;
        try {
            TargetTables.Shape shape = tables.shape(table);
            switch (op) {
                case "c", "r" -> insert(shape, value.getStruct("after"));
                case "u" -> update(shape, value.getStruct("before"), value.getStruct("after"));
                case "d" -> delete(shape, value.getStruct("before"));
                case "t" -> {
                    flush();
                    exec("TRUNCATE " + shape.qualified() + " CASCADE");
                }
                default -> throw new IllegalStateException("unknown change operation '" + op + "' on " + table);
            }
        } catch (SQLException e) {
            replayOrThrow(e);
        }
    }

    private void insert(TargetTables.Shape shape, Struct after) throws SQLException {
        List<Field> fields = after.schema().fields();
        requireSameColumns(shape, fields);
        StringJoiner names = new StringJoiner(", ");
        StringJoiner values = new StringJoiner(", ");
        for (Field f : fields) {
            names.add(io.cutover.kit.jdbc.Databases.quote(f.name()));
            values.add("?::" + shape.columns().get(f.name()));
        }
        String sql = "INSERT INTO " + shape.qualified() + " (" + names + ") VALUES (" + values + ")";
        List<String> params = new ArrayList<>();
        for (Field f : fields) {
            params.add(PgText.text(f.schema(), after.get(f), shape.name() + "." + f.name()));
        }
        add(sql, params, null);
    }

    private void update(TargetTables.Shape shape, Struct before, Struct after) throws SQLException {
        List<Field> fields = after.schema().fields();
        requireSameColumns(shape, fields);
        StringJoiner set = new StringJoiner(", ");
        List<String> params = new ArrayList<>();
        for (Field f : fields) {
            Object v = after.get(f);
            if (!PgText.unchangedToast(v)) {
                set.add(io.cutover.kit.jdbc.Databases.quote(f.name()) + " = ?::" + shape.columns().get(f.name()));
                params.add(PgText.text(f.schema(), v, shape.name() + "." + f.name()));
            }
        }
        Struct identity = before != null ? before : after;
        Where where = where(shape, identity);
        params.addAll(where.params);
        add("UPDATE " + shape.qualified() + " SET " + set + where.sql, params, "update of " + shape.name() + " "
                + where.described);
    }

    private void delete(TargetTables.Shape shape, Struct before) throws SQLException {
        if (before == null) {
            throw new IllegalStateException("a delete on " + shape.name() + " came without the old row's identity");
        }
        Where where = where(shape, before);
        add("DELETE FROM " + shape.qualified() + where.sql, where.params, "delete of " + shape.name() + " "
                + where.described);
    }

    private record Where(String sql, List<String> params, String described) {
    }

    /** By primary key; a keyless table (replica identity full) matches one row equal in every column. */
    private static Where where(TargetTables.Shape shape, Struct identity) {
        List<String> params = new ArrayList<>();
        StringJoiner described = new StringJoiner(", ", "(", ")");
        StringJoiner cond = new StringJoiner(" AND ");
        boolean keyless = shape.key().isEmpty();
        List<String> columns = keyless ? new ArrayList<>(shape.columns().keySet()) : shape.key();
        for (String column : columns) {
            Field f = identity.schema().field(column);
            Object v = f == null ? null : identity.get(f);
            if (f == null || PgText.unchangedToast(v)) {
                if (!keyless) {
                    throw new IllegalStateException("a change of " + shape.name() + " came without key column "
                            + column);
                }
                continue;
            }
            String text = PgText.text(f.schema(), v, shape.name() + "." + column);
            String type = shape.columns().get(column);
            String q = io.cutover.kit.jdbc.Databases.quote(column);
            cond.add(keyless ? q + "::text IS NOT DISTINCT FROM (?::" + type + ")::text" : q + " = ?::" + type);
            params.add(text);
            described.add(column + "=" + (text == null ? "NULL" : abbreviate(text)));
        }
        String sql = keyless
                ? " WHERE ctid = (SELECT ctid FROM " + shape.qualified() + " WHERE " + cond + " LIMIT 1)"
                : " WHERE " + cond;
        return new Where(sql, params, described.toString());
    }

    private static void requireSameColumns(TargetTables.Shape shape, List<Field> fields) {
        Set<String> stream = new LinkedHashSet<>();
        fields.forEach(f -> stream.add(f.name()));
        if (!stream.equals(shape.columns().keySet())) {
            Set<String> added = new LinkedHashSet<>(stream);
            added.removeAll(shape.columns().keySet());
            Set<String> dropped = new LinkedHashSet<>(shape.columns().keySet());
            dropped.removeAll(stream);
            throw new SchemaDriftException("the source's schema of " + shape.name() + " changed during the sync"
                    + (added.isEmpty() ? "" : "; columns only on the source now: " + added)
                    + (dropped.isEmpty() ? "" : "; columns no longer on the source: " + dropped)
                    + "; the cutover stops before the switch");
        }
    }

    private void add(String sql, List<String> params, String expectOneRow) throws SQLException {
        if (!sql.equals(batchSql)) {
            flush();
            batch = statements.get(sql);
            if (batch == null) {
                batch = target.prepareStatement(sql);
                statements.put(sql, batch);
            }
            batchSql = sql;
        }
        for (int i = 0; i < params.size(); i++) {
            batch.setString(i + 1, params.get(i));
        }
        batch.addBatch();
        batchExpectations.add(expectOneRow);
        if (batchExpectations.size() >= 500) {
            flush();
        }
    }

    /** Runs the statements gathered so far; an update or delete must touch exactly one row. */
    private void flush() throws SQLException {
        if (batch == null || batchExpectations.isEmpty()) {
            return;
        }
        int[] counts;
        try {
            counts = batch.executeBatch();
        } catch (BatchUpdateException e) {
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            clearBatch();
            throw cause;
        }
        List<String> expectations = new ArrayList<>(batchExpectations);
        clearBatch();
        for (int i = 0; i < counts.length; i++) {
            String expected = expectations.get(i);
            if (expected != null && counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
                throw new SQLException(expected + " found " + counts[i] + " rows on the target instead of one:"
                        + " the target no longer matches the source");
            }
        }
    }

    private void clearBatch() throws SQLException {
        if (batch != null) {
            batch.clearBatch();
        }
        batchExpectations.clear();
        batchSql = null;
        batch = null;
    }

    private void replayOrThrow(SQLException e) throws SQLException {
        if (!replaying) {
            throw e;
        }
        // maybe a repeat of a transaction applied before the restart: its END decides
        exec("ROLLBACK TO SAVEPOINT cutover_replay");
        clearBatch();
        txFailedInReplay = true;
        replayFailure = e;
    }

    private void exec(String sql) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute(sql);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** Gives up what is not committed; the next start repeats it from the slot. */
    @Override
    public void close() throws SQLException {
        try {
            if (!target.isClosed()) {
                target.rollback();
            }
        } finally {
            target.close();
        }
    }
}
