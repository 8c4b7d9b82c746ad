package io.cutover.replication.adapter.cdc;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;

/**
 * Applies Debezium change events to the target. Target transactions end only at source transaction boundaries, and
 * each commit carries the commit position of the last source transaction it covers ({@link SyncState}), so a
 * batch of source transactions takes effect on the target all at once or not at all. Within it, changes to keyed
 * tables are folded into their net effect per row ({@link NetChanges}) and applied as a few bulk statements, all
 * sent in one round trip; a change that cannot be folded (a truncate, a key that changes, a keyless table) first
 * applies what was folded, then goes on its own, so the order that matters is kept. After a restart the stream may
 * repeat transactions already applied: until the first one past the stored position, each is applied one by one
 * under a savepoint and undone once its END shows it was applied before.
 */
final class ChangeApplier implements AutoCloseable {

    /** The stream's topic prefix; events arrive on prefix.schema.table, prefix.transaction and prefix.message. */
    static final String PREFIX = "cutover";
    static final String HEARTBEAT = "hb:";
    private static final int MAX_PENDING_STATEMENTS = 1_000;
    private static final int MAX_NET_CHANGES = 20_000;
    private static final int MAX_TOUCHED_KEYS = 100_000;
    private static final long MAX_PENDING_CHARS = 8L << 20;

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

    private final NetChanges net = new NetChanges();
    /** Each change's target table by its envelope schema, one per source table until that table's schema changes. */
    private final Map<Schema, TargetTables.Shape> shapeBySchema = new IdentityHashMap<>();
    /** Row schemas found to have their target table's columns. */
    private final Set<Schema> sameColumns = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Keys of the rows the uncommitted transactions touched, per table; tables touched as a whole. */
    private final Map<String, Set<List<String>>> touched = new LinkedHashMap<>();
    private final Set<String> wholeTables = new LinkedHashSet<>();
    private StatementGroup group;
    private final List<Pending> pending = new ArrayList<>();
    private long pendingChars;

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
            st.execute("SET standard_conforming_strings = on"); // the statements carry their values as literals
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
        applyNet();
        flush();
        for (String table : wholeTables) {
            ChangedKeys.record(target, cutoverId, table, pendingLsn, true, List.of());
        }
        for (Map.Entry<String, Set<List<String>>> e : touched.entrySet()) {
            if (!wholeTables.contains(e.getKey())) {
                ChangedKeys.record(target, cutoverId, e.getKey(), pendingLsn, false, e.getValue());
            }
        }
        touched.clear();
        wholeTables.clear();
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
        String op = value.getString("op");
        txChanges++;
        try {
            TargetTables.Shape shape = shapeBySchema.get(value.schema());
            if (shape == null) {
                Struct source = value.getStruct("source");
                shape = tables.shape(source.getString("schema") + "." + source.getString("table"));
                shapeBySchema.put(value.schema(), shape);
            }
            Keys keys = Keys.of(shape, op, value);
            touch(shape, keys);
            if (!replaying && keys != null && fold(shape, op, value, keys)) {
                if (net.size() >= MAX_NET_CHANGES) {
                    applyNet();
                }
                return;
            }
            applyNet(); // what was folded so far comes first
            switch (op) {
                case "c", "r" -> insert(shape, value.getStruct("after"));
                case "u" -> update(shape, value.getStruct("before"), value.getStruct("after"));
                case "d" -> delete(shape, value.getStruct("before"));
                case "t" -> addSingle("TRUNCATE " + shape.qualified() + " CASCADE", -1, "truncate of " + shape.name());
                default -> throw new IllegalStateException("unknown change operation '" + op + "' on " + shape.name());
            }
        } catch (SQLException e) {
            replayOrThrow(e);
        }
    }

    /** Notes the rows the change touches, for validation at the switch to compare just those. */
    private void touch(TargetTables.Shape shape, Keys changed) {
        if (changed == null) {
            wholeTables.add(shape.name());
            return;
        }
        if (wholeTables.contains(shape.name())) {
            return;
        }
        Set<List<String>> keys = touched.computeIfAbsent(shape.name(), t -> new LinkedHashSet<>());
        if (keys.size() >= MAX_TOUCHED_KEYS) {
            // a bulk change: comparing the whole table costs less than keeping every key
            wholeTables.add(shape.name());
            touched.remove(shape.name());
            return;
        }
        if (changed.before() != null) {
            keys.add(changed.before());
        }
        if (changed.after() != null) {
            keys.add(changed.after());
        }
    }

    /**
     * The primary key's values (as text) of a change's old and new row, each null when the change has no such
     * row; none at all for a keyless table or a truncate, which touch the table as a whole.
     */
    private record Keys(List<String> before, List<String> after) {

        static Keys of(TargetTables.Shape shape, String op, Struct value) {
            if (shape.key().isEmpty() || op.equals("t")) {
                return null;
            }
            Struct before = value.getStruct("before");
            Struct after = value.getStruct("after");
            return new Keys(before == null ? null : keyOf(shape, before), after == null ? null : keyOf(shape, after));
        }

        /** The old row's key when it came, else the new row's: the row the change applies to. */
        List<String> identity() {
            return before != null ? before : after;
        }
    }

    /** Folds a change of a keyed table into the net changes; false when it has to be applied on its own. */
    private boolean fold(TargetTables.Shape shape, String op, Struct value, Keys keys) {
        Struct before = value.getStruct("before");
        Struct after = value.getStruct("after");
        NetChanges.Change raw = new NetChanges.Change(shape, op, before, after);
        if (op.equals("d")) {
            if (before == null) {
                return false;
            }
            return net.absorb(shape, 'd', keys.before(), Map.of(),
                    () -> "delete of " + shape.name() + " " + describe(shape, keys.before()), raw);
        }
        requireSameColumns(shape, after.schema());
        List<String> key = op.equals("u") ? keys.identity() : keys.after();
        if (op.equals("u") && before != null && !keys.before().equals(keys.after())) {
            return false; // the key changes
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Field f : after.schema().fields()) {
            Object v = after.get(f);
            if (op.equals("u") && shape.alwaysIdentity().contains(f.name())) {
                continue; // the key did not change; an identity column always generated cannot be set
            }
            if (!PgText.unchangedToast(v)) {
                values.put(f.name(), PgText.text(f.schema(), v, shape.name() + "." + f.name()));
            } else if (!op.equals("u")) {
                return false;
            }
        }
        if (values.isEmpty()) {
            return true; // an update that sets nothing the target could take: it changes nothing
        }
        char kind = op.equals("u") ? 'u' : 'i';
        return net.absorb(shape, kind, key, values,
                () -> (kind == 'u' ? "update of " : "insert into ") + shape.name() + " " + describe(shape, key), raw);
    }

    /**
     * Applies the folded changes as bulk statements under a savepoint; when they fail (a constraint may need the
     * changes' own order), undoes them and applies the changes one by one, in order, instead.
     */
    private void applyNet() throws SQLException {
        if (net.isEmpty()) {
            return;
        }
        List<NetChanges.Change> changes = net.changes();
        List<StatementGroup> statements = net.statements();
        net.clear();
        flush();
        exec("SAVEPOINT cutover_net");
        try {
            for (StatementGroup g : statements) {
                queue(new Pending(g.sql(), g.size(), g.description()));
            }
            flush();
            exec("RELEASE SAVEPOINT cutover_net");
        } catch (SQLException e) {
            exec("ROLLBACK TO SAVEPOINT cutover_net");
            clearBatch();
            stats.orderedRetry();
            for (NetChanges.Change c : changes) {
                switch (c.op()) {
                    case "c", "r" -> insert(c.shape(), (Struct) c.after());
                    case "u" -> update(c.shape(), (Struct) c.before(), (Struct) c.after());
                    default -> delete(c.shape(), (Struct) c.before());
                }
            }
            flush();
        }
    }

    private void insert(TargetTables.Shape shape, Struct after) throws SQLException {
        List<Field> fields = after.schema().fields();
        requireSameColumns(shape, after.schema());
        List<String> columns = new ArrayList<>(fields.size());
        List<String> values = new ArrayList<>(fields.size());
        for (Field f : fields) {
            columns.add(f.name());
            values.add(PgText.text(f.schema(), after.get(f), shape.name() + "." + f.name()));
        }
        addToGroup(StatementGroup.Kind.INSERT, shape, columns, null, values, () -> "insert into " + shape.name());
    }

    private void update(TargetTables.Shape shape, Struct before, Struct after) throws SQLException {
        requireSameColumns(shape, after.schema());
        Where where = where(shape, before != null ? before : after);
        boolean sameKey = !shape.key().isEmpty()
                && (before == null || where.values.equals(where(shape, after).values));
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Field f : after.schema().fields()) {
            Object v = after.get(f);
            // with the key unchanged, an identity column always generated is unchanged too (and cannot be set)
            if (!PgText.unchangedToast(v) && !(sameKey && shape.alwaysIdentity().contains(f.name()))) {
                columns.add(f.name());
                values.add(PgText.text(f.schema(), v, shape.name() + "." + f.name()));
            }
        }
        if (columns.isEmpty()) {
            return; // nothing the target could take changed
        }
        String description = "update of " + shape.name() + " " + where.described;
        if (sameKey) {
            addToGroup(StatementGroup.Kind.UPDATE, shape, columns, where.values, values, () -> description);
            return;
        }
        // a key that changes, or a keyless table: one statement of its own
        StringJoiner set = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            set.add(Databases.quote(columns.get(i)) + " = "
                    + PgText.literal(values.get(i), shape.columns().get(columns.get(i))));
        }
        addSingle("UPDATE " + shape.qualified() + " SET " + set + where.sql, 1, description);
    }

    private void delete(TargetTables.Shape shape, Struct before) throws SQLException {
        if (before == null) {
            throw new IllegalStateException("a delete on " + shape.name() + " came without the old row's identity");
        }
        Where where = where(shape, before);
        String description = "delete of " + shape.name() + " " + where.described;
        if (!shape.key().isEmpty()) {
            addToGroup(StatementGroup.Kind.DELETE, shape, List.of(), where.values, List.of(), () -> description);
        } else {
            addSingle("DELETE FROM " + shape.qualified() + where.sql, 1, description);
        }
    }

    /** values: the identity's values in key order (every column for a keyless table), as text. */
    private record Where(String sql, List<String> values, String described) {
    }

    /** By primary key; a keyless table (replica identity full) matches one row equal in every column. */
    private static Where where(TargetTables.Shape shape, Struct identity) {
        boolean keyless = shape.key().isEmpty();
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (keyless) {
            for (String column : shape.columns().keySet()) {
                Field f = identity.schema().field(column);
                Object v = f == null ? null : identity.get(f);
                if (f != null && !PgText.unchangedToast(v)) {
                    columns.add(column);
                    values.add(PgText.text(f.schema(), v, shape.name() + "." + column));
                }
            }
        } else {
            columns.addAll(shape.key());
            values.addAll(keyOf(shape, identity));
        }
        StringJoiner cond = new StringJoiner(" AND ");
        for (int i = 0; i < columns.size(); i++) {
            String literal = PgText.literal(values.get(i), shape.columns().get(columns.get(i)));
            String q = Databases.quote(columns.get(i));
            cond.add(keyless ? q + "::text IS NOT DISTINCT FROM (" + literal + ")::text" : q + " = " + literal);
        }
        String sql = keyless
                ? " WHERE ctid = (SELECT ctid FROM " + shape.qualified() + " WHERE " + cond + " LIMIT 1)"
                : " WHERE " + cond;
        return new Where(sql, values, describe(columns, values));
    }

    /** The primary key's values as text, in key order; a key column missing from the row is refused. */
    private static List<String> keyOf(TargetTables.Shape shape, Struct row) {
        List<String> values = new ArrayList<>(shape.key().size());
        for (String column : shape.key()) {
            Field f = row.schema().field(column);
            Object v = f == null ? null : row.get(f);
            if (f == null || PgText.unchangedToast(v)) {
                throw new IllegalStateException("a change of " + shape.name() + " came without key column "
                        + column);
            }
            values.add(PgText.text(f.schema(), v, shape.name() + "." + column));
        }
        return values;
    }

    private static String describe(TargetTables.Shape shape, List<String> key) {
        return describe(shape.key(), key);
    }

    /** (id=7) or (region=eu, id=7), for messages. */
    private static String describe(List<String> columns, List<String> values) {
        StringJoiner described = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < columns.size(); i++) {
            String text = values.get(i);
            described.add(columns.get(i) + "=" + (text == null ? "NULL" : abbreviate(text)));
        }
        return described.toString();
    }

    /** The stream's row schema of a table has the target table's columns; each schema is checked once. */
    private void requireSameColumns(TargetTables.Shape shape, Schema row) {
        if (!sameColumns.contains(row)) {
            requireSameColumns(shape, row.fields());
            sameColumns.add(row);
        }
    }

    private static void requireSameColumns(TargetTables.Shape shape, List<Field> fields) {
        if (fields.size() == shape.columns().size()) {
            boolean same = true;
            for (Field f : fields) {
                same &= shape.columns().containsKey(f.name());
            }
            if (same) {
                return;
            }
        }
        Set<String> stream = new LinkedHashSet<>();
        fields.forEach(f -> stream.add(f.name()));
        Set<String> added = new LinkedHashSet<>(stream);
        added.removeAll(shape.columns().keySet());
        Set<String> dropped = new LinkedHashSet<>(shape.columns().keySet());
        dropped.removeAll(stream);
        throw new SchemaDriftException("the source's schema of " + shape.name() + " changed during the sync"
                + (added.isEmpty() ? "" : "; columns only on the source now: " + added)
                + (dropped.isEmpty() ? "" : "; columns no longer on the source: " + dropped)
                + "; the cutover stops before the switch");
    }

    /** A statement waiting to run, with the rows it must touch (-1: any number) and what it does, for errors. */
    private record Pending(String sql, int expectedRows, String description) {
    }

    /** Joins the change to the open group of its kind, or closes that group and opens a new one. */
    private void addToGroup(StatementGroup.Kind kind, TargetTables.Shape shape, List<String> columns,
                            List<String> key, List<String> values, Supplier<String> description)
            throws SQLException {
        String signature = StatementGroup.signature(kind, shape, columns);
        if (group == null || !group.accepts(signature, key)) {
            closeGroup();
            group = new StatementGroup(kind, shape, columns);
        }
        group.add(key, values, description);
    }

    private void addSingle(String sql, int expectedRows, String description) throws SQLException {
        closeGroup();
        queue(new Pending(sql, expectedRows, description));
    }

    private void closeGroup() throws SQLException {
        if (group != null) {
            StatementGroup closing = group;
            group = null;
            queue(new Pending(closing.sql(), closing.size(), closing.description()));
        }
    }

    private void queue(Pending statement) throws SQLException {
        pending.add(statement);
        pendingChars += statement.sql().length();
        if (pending.size() >= MAX_PENDING_STATEMENTS || pendingChars >= MAX_PENDING_CHARS) {
            flush();
        }
    }

    /**
     * Runs every statement gathered so far in one round trip (the driver pipelines a statement batch), then checks
     * that each touched the rows it had to.
     */
    private void flush() throws SQLException {
        closeGroup();
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> running = new ArrayList<>(pending);
        clearBatch();
        int[] counts;
        try (Statement st = target.createStatement()) {
            for (Pending p : running) {
                st.addBatch(p.sql());
            }
            counts = st.executeBatch();
        } catch (BatchUpdateException e) {
            throw e.getNextException() != null ? e.getNextException() : e;
        }
        for (int i = 0; i < counts.length; i++) {
            Pending p = running.get(i);
            if (p.expectedRows() >= 0 && counts[i] != p.expectedRows() && counts[i] != Statement.SUCCESS_NO_INFO) {
                throw new SQLException(p.description() + " touched " + counts[i] + " rows on the target instead of "
                        + p.expectedRows() + ": the target no longer matches the source");
            }
        }
    }

    private void clearBatch() {
        group = null;
        pending.clear();
        pendingChars = 0;
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
