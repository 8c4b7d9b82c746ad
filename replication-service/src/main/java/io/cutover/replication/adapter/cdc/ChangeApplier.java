package io.cutover.replication.adapter.cdc;

import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.debezium.engine.RecordChangeEvent;

/**
 * Applies Debezium change events to the target. Target transactions end only at source transaction boundaries, and
 * each commit carries the commit position of the last source transaction it covers ({@link SyncState}), so a
 * batch of source transactions takes effect on the target all at once or not at all. Within it, changes to keyed
 * tables are folded into their net effect per row ({@link NetChanges}) and applied as a few bulk statements, all
 * sent in one round trip; a change that cannot be folded (a truncate, a key that changes, a keyless table) first
 * applies what was folded, then goes on its own, so the order that matters is kept.
 *
 * <p>The stream carries no transaction records (they would triple the records of small transactions): a source
 * transaction is the run of changes with one transaction id, and it has ended when a record of another transaction,
 * or a message outside any, arrives, or a heartbeat of the connector that has seen a commit since the transaction
 * began. That record's offset holds the commit position of everything sent before it (pgoutput sends whole
 * transactions in commit order, and a message outside a transaction where the WAL reader finds it), so it is the
 * position the target holds once the transaction is applied. A transaction is kept in memory until it ends, so its
 * position is known before it is applied; after a restart the stream may repeat transactions already applied, and
 * those whose position the target already holds, or that are the last one it applied (a heartbeat may have ended
 * it at an earlier position than the repeat's end), are dropped unapplied. A transaction too large to keep is
 * applied while it arrives, under a savepoint while repeats are possible, and undone if its end shows it was
 * applied before.
 *
 * <p>A batch's commit (its statements, the keys it touched, its position, COMMIT) runs on a thread of its own, the
 * writer, while the stream reads and folds the next batch: the target's work and the folding overlap instead of
 * taking turns; while a backlog drains and the writer is still busy, the next full batch joins the ended
 * transactions in one commit. Anything else that uses the connection waits for that commit first, so the target
 * sees everything in stream order. The stream marks a record processed only once the commit holding its position
 * has ended, and a commit that fails stops the stream.
 */
final class ChangeApplier implements AutoCloseable {

    /** The stream's topic prefix; events arrive on prefix.schema.table and prefix.message. */
    static final String PREFIX = "cutover";
    static final String HEARTBEAT = "hb:";
    private static final String MESSAGE_TOPIC = PREFIX + ".message";
    /** The offset entry holding the commit position of everything the stream sent before a record. */
    private static final String COMMIT_POSITION = "lsn_commit";
    /** The prefix of the topic of the connector's heartbeats. */
    static final String CONNECTOR_HEARTBEAT_PREFIX = "__debezium-heartbeat";
    /** Changes of one source transaction kept in memory until it ends; a larger one is applied as it arrives. */
    private static final int MAX_KEPT_CHANGES = 10_000;
    private static final int MAX_PENDING_STATEMENTS = 1_000;
    private static final int MAX_NET_CHANGES = 20_000;
    /** A commit groups the changes of several batches only up to this many. */
    private static final int MAX_GROUPED_CHANGES = 8 * CdcStream.MAX_BATCH;
    private static final int MAX_TOUCHED_KEYS = 100_000;
    private static final long MAX_PENDING_CHARS = 8L << 20;

    /** A change that shows the source's schema no longer matches the target's: the sync must stop. */
    static final class SchemaDriftException extends IllegalStateException {
        SchemaDriftException(String message) {
            super(message);
        }
    }

    /** The writer's commit of an earlier batch failed (and has stopped the stream): nothing more is applied. */
    static final class EarlierCommitFailed extends IllegalStateException {
        EarlierCommitFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String cutoverId;
    private final Connection target;
    private final TargetTables tables;
    private final StreamStats stats;
    private long appliedLsn;
    private long appliedXid;
    /** Until a transaction past the stored position arrives, the stream may repeat what the target holds. */
    private boolean replaying = true;

    /**
     * The source transaction being read: its id (null when none), the commit position its first record came with
     * (null when none), its commit time and its changes kept so far.
     */
    private Long openTx;
    private Object openSince;
    private long openCommitMillis;
    private final List<Struct> kept = new ArrayList<>();
    /** The open transaction outgrew what is kept: its changes are applied as they come. */
    private boolean streaming;
    private boolean txFailedInReplay;
    private SQLException replayFailure;
    private long txChanges;

    private long pendingTransactions;
    private long pendingChanges;
    private long pendingLsn;
    private long pendingXid;
    private long pendingCommitMillis;
    private long pendingFirstCommitMillis;
    private int pendingRecord = -1;
    /**
     * The record whose position the ended, uncommitted transactions reach: the commit of a full batch waits for the
     * next while the writer is still busy (see {@link #apply}).
     */
    private RecordChangeEvent<SourceRecord> pendingLast;

    private final NetChanges net = new NetChanges();
    /** Each change's target table by its envelope schema, one per source table until that table's schema changes. */
    private final Map<Schema, TargetTables.Shape> shapeBySchema = new IdentityHashMap<>();
    /** Row schemas found to have their target table's columns. */
    private final Set<Schema> sameColumns =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())); // the writer's too
    /** Per row schema, where its fields go in the target table (the reading thread's alone). */
    private final Map<Schema, FieldMap> fieldMaps = new IdentityHashMap<>();
    /** Keys of the rows the uncommitted transactions touched, per table; tables touched as a whole. */
    private final Map<String, Set<List<String>>> touched = new LinkedHashMap<>();
    private final Set<String> wholeTables = new LinkedHashSet<>();
    /** The statements the batch being read has gathered so far, ahead of its folded changes. */
    private Statements statements = new Statements();
    private final ExecutorService writer;
    private volatile Thread writerThread;
    /** The commit the writer runs: until it ends, nothing else uses the connection. */
    private volatile Future<?> inFlight;
    private final Consumer<Throwable> onFailure;
    /** The last record whose position a commit of the writer made the target hold, until the stream takes it. */
    private final AtomicReference<RecordChangeEvent<SourceRecord>> committed = new AtomicReference<>();

    /** onFailure: told of a commit of the writer that failed; the stream must stop. */
    ChangeApplier(String cutoverId, Connection target, SyncState.Row applied, StreamStats stats,
                  Consumer<Throwable> onFailure) throws SQLException {
        this.cutoverId = cutoverId;
        this.onFailure = onFailure;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-apply-" + cutoverId);
            t.setDaemon(true);
            writerThread = t;
            return t;
        });
        this.target = target;
        this.appliedLsn = applied.appliedLsn();
        this.appliedXid = applied.appliedXid();
        this.stats = stats;
        this.tables = new TargetTables(target);
        target.setAutoCommit(false);
        try (Statement st = target.createStatement()) {
            // like PostgreSQL's own apply: the target's triggers and foreign keys do not fire for replicated rows
            st.execute("SET session_replication_role = replica");
            st.execute("SET synchronous_commit = on");
            st.execute("SET standard_conforming_strings = on"); // the statements carry their values as literals
            // a bulk update or delete joins at most 500 rows to its table by the key: row by row through the key's
            // index, as PostgreSQL's own apply finds them. Left to its costs, the planner reads and hashes the whole
            // table instead while it has up to some tens of thousands of rows (500 updates of a 20,000-row table:
            // about 7 ms that way, 2 ms by the index, on PostgreSQL 15 and 17)
            st.execute("SET enable_hashjoin = off");
            st.execute("SET enable_mergejoin = off");
        }
        target.commit();
    }

    /**
     * Applies records in order, and hands the writer the commit of what the ended transactions among them changed,
     * unless a transaction applied as it arrives is still open.
     */
    void apply(List<? extends RecordChangeEvent<SourceRecord>> events) throws SQLException {
        pendingRecord = -1;
        for (int i = 0; i < events.size(); i++) {
            SourceRecord record = events.get(i).record();
            Struct value = (Struct) record.value();
            if (value == null) {
                continue; // tombstones are off: nothing else comes without a value
            }
            if (record.topic().startsWith(CONNECTOR_HEARTBEAT_PREFIX)) {
                connectorHeartbeat(record, i);
                continue;
            }
            Long tx = value.getStruct("source").getInt64("txId");
            if (openTx != null && !openTx.equals(tx)) {
                end(position(record), i);
            }
            if (record.topic().equals(MESSAGE_TOPIC)) {
                message(record, value, tx, i);
            } else if (tx == null) {
                throw new IllegalStateException("a change of " + record.topic() + " came without its transaction");
            } else {
                keep(tx, record, value);
            }
        }
        if (pendingRecord >= 0) {
            pendingLast = events.get(pendingRecord);
        }
        if (pendingLast != null && !streaming && !groupsWithNext(events.size())) {
            commit(pendingLast);
        }
    }

    /**
     * Whether the ended transactions wait for the next batch instead of being committed now: while a backlog
     * drains, the engine hands over full batches, and when the writer is still busy with the last commit, the next
     * batch is read and folded meanwhile and joins this one in a single commit (a group commit: fewer and larger
     * statements, one commit and one note of keys per table for both, and the stream never waits for the writer).
     * A batch short of full means the engine had no more records at hand: its commit goes at once, as does every
     * commit when the writer is idle, so a stream that keeps up commits as soon as it reads.
     */
    private boolean groupsWithNext(int batchSize) {
        Future<?> running = inFlight;
        return batchSize >= CdcStream.MAX_BATCH && running != null && !running.isDone()
                && pendingChanges < MAX_GROUPED_CHANGES && net.size() < MAX_NET_CHANGES / 2;
    }

    /**
     * The last record whose position the target holds since this was last asked, to mark processed; null when no
     * commit ended since.
     */
    RecordChangeEvent<SourceRecord> takeCommitted() {
        return committed.getAndSet(null);
    }

    private void open(long tx, SourceRecord record, Struct value) {
        openTx = tx;
        openSince = record.sourceOffset().get(COMMIT_POSITION);
        openCommitMillis = value.getStruct("source").getInt64("ts_ms");
        txChanges = 0;
        txFailedInReplay = false;
        replayFailure = null;
    }

    /** Keeps a change of the open transaction, or applies it when the transaction is too large to keep. */
    private void keep(long tx, SourceRecord record, Struct value) throws SQLException {
        if (openTx == null) {
            open(tx, record, value);
        }
        if (streaming) {
            change(value);
            return;
        }
        kept.add(value);
        if (kept.size() > MAX_KEPT_CHANGES) {
            streaming = true;
            if (replaying) {
                flush(statements);
                exec("SAVEPOINT cutover_replay");
            }
            for (Struct v : kept) {
                change(v);
            }
            kept.clear();
        }
    }

    /**
     * A message: a heartbeat of the watch is noted; one outside any transaction (the watch's heartbeats and
     * markers) moves the position the target holds, since everything committed before it has arrived.
     */
    private void message(SourceRecord record, Struct value, Long tx, int index) throws SQLException {
        Struct message = value.getStruct("message");
        Long heartbeat = null;
        if (PREFIX.equals(message.getString("prefix"))) {
            String content = new String(message.getBytes("content"), java.nio.charset.StandardCharsets.UTF_8);
            if (content.startsWith(HEARTBEAT)) {
                heartbeat = Long.parseLong(content.substring(HEARTBEAT.length()));
                stats.heartbeatReceived(heartbeat);
            }
        }
        if (tx != null) {
            if (openTx == null) {
                open(tx, record, value); // a transaction may hold messages alone
            }
            return;
        }
        advance(position(record), heartbeat != null ? heartbeat : System.currentTimeMillis(), index);
    }

    /**
     * A heartbeat of the connector, which it sends after a commit and while the source is quiet: it ends the open
     * transaction once a commit came since that transaction began (one sent while the transaction still arrives
     * carries the position from before it), so that the last transaction before a pause need not wait for the
     * next message.
     */
    private void connectorHeartbeat(SourceRecord record, int index) throws SQLException {
        Object commit = record.sourceOffset().get(COMMIT_POSITION);
        if (commit == null) {
            return; // no commit seen yet
        }
        if (openTx != null && commit.equals(openSince)) {
            return; // the open transaction goes on
        }
        long position = position(record);
        if (openTx != null) {
            end(position, index);
        }
        advance(position, System.currentTimeMillis(), index);
    }

    /** Everything committed before position has arrived and its transactions are applied: the target may hold it. */
    private void advance(long position, long millis, int index) {
        if (position > Math.max(appliedLsn, pendingLsn)) {
            replaying = false;
            if (pendingLsn <= appliedLsn) {
                pendingFirstCommitMillis = millis; // the first thing the next commit covers
            }
            pendingLsn = position;
            pendingCommitMillis = millis;
            pendingRecord = index;
        }
    }

    /**
     * The open transaction has ended at position, told by the record at index: applies it, or drops it when the
     * target holds it already.
     */
    private void end(long position, int index) throws SQLException {
        long tx = openTx;
        boolean repeat = replaying && (position <= appliedLsn || tx == appliedXid);
        if (streaming) {
            if (replaying) {
                if (repeat) {
                    // applied before the restart: undo the repeat
                    exec("ROLLBACK TO SAVEPOINT cutover_replay");
                    statements.clear();
                } else if (txFailedInReplay) {
                    throw replayFailure;
                } else {
                    flush(statements);
                    exec("RELEASE SAVEPOINT cutover_replay");
                }
            }
        } else if (!repeat) {
            replaying = false;
            for (Struct v : kept) {
                change(v);
            }
        }
        kept.clear();
        streaming = false;
        openTx = null;
        if (repeat) {
            stats.skipped();
            return;
        }
        replaying = false;
        if (pendingLsn <= appliedLsn) {
            pendingFirstCommitMillis = openCommitMillis; // the first thing the next commit covers
        }
        pendingTransactions++;
        pendingChanges += txChanges;
        pendingXid = tx;
        pendingLsn = position;
        pendingCommitMillis = openCommitMillis;
        pendingRecord = index;
    }

    /** The commit position of everything the stream sent before this record. */
    private long position(SourceRecord record) {
        Object lsn = record.sourceOffset().get(COMMIT_POSITION);
        if (!(lsn instanceof Number n)) {
            throw new IllegalStateException("the change stream gave no commit position with " + record.topic()
                    + " after source transaction " + openTx);
        }
        return n.longValue();
    }

    /**
     * One commit for the writer: the statements gathered ahead of the folded changes, the folded changes (as bulk
     * statements, and one by one should those fail), the keys touched, and the position the target then holds.
     */
    private record Commit(Statements before, List<StatementGroup> bulk, List<NetChanges.Change> folded,
                          Map<String, Set<List<String>>> touched, Set<String> wholeTables, long lsn, long xid,
                          long commitMillis, long firstCommitMillis, long transactions, long changes,
                          RecordChangeEvent<SourceRecord> last) {
    }

    /**
     * Hands what the ended transactions changed to the writer, once its last commit has ended. From here on, the
     * stream counts that position as applied: should the commit fail, the stream stops, and a new one starts from
     * what the target holds.
     */
    private void commit(RecordChangeEvent<SourceRecord> last) throws SQLException {
        Commit c = new Commit(statements, net.isEmpty() ? List.of() : net.statements(), net.takeChanges(),
                new LinkedHashMap<>(touched), new LinkedHashSet<>(wholeTables), pendingLsn, pendingXid,
                pendingCommitMillis, pendingFirstCommitMillis, pendingTransactions, pendingChanges, last);
        statements = new Statements();
        pendingLast = null;
        net.clear();
        touched.clear();
        wholeTables.clear();
        settle();
        inFlight = writer.submit(() -> {
            try {
                run(c);
            } catch (Throwable e) {
                onFailure.accept(e);
                throw e;
            }
            return null;
        });
        appliedLsn = pendingLsn;
        if (pendingXid != 0) {
            appliedXid = pendingXid;
            pendingXid = 0;
        }
        pendingTransactions = 0;
        pendingChanges = 0;
    }

    /** Runs a commit, on the writer. */
    private void run(Commit c) throws SQLException {
        flush(c.before());
        runFolded(c.bulk(), c.folded(), true);
        for (String table : c.wholeTables()) {
            ChangedKeys.record(target, cutoverId, table, c.lsn(), true, List.of());
        }
        for (Map.Entry<String, Set<List<String>>> e : c.touched().entrySet()) {
            if (!c.wholeTables().contains(e.getKey())) {
                ChangedKeys.record(target, cutoverId, e.getKey(), c.lsn(), false, e.getValue());
            }
        }
        SyncState.advance(target, cutoverId, c.lsn(), c.xid(), c.commitMillis(), c.transactions(), c.changes());
        target.commit();
        stats.applied(c.transactions(), c.changes(), c.lsn(), c.firstCommitMillis());
        committed.set(c.last());
    }

    /**
     * Waits for the writer's commit to end before the connection is used for anything else; a commit that failed
     * has stopped the stream, and nothing more is applied. The writer itself never waits.
     */
    private void settle() {
        Future<?> running = inFlight;
        if (running == null || Thread.currentThread() == writerThread) {
            return;
        }
        try {
            running.get();
            inFlight = null;
        } catch (ExecutionException e) {
            throw new EarlierCommitFailed("the target's commit of an earlier batch failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the target committed an earlier batch", e);
        }
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
                settle(); // the shape may have to be read from the target
                shape = tables.shape(source.getString("schema") + "." + source.getString("table"));
                shapeBySchema.put(value.schema(), shape);
            }
            Struct before = value.getStruct("before");
            Struct after = value.getStruct("after");
            Keys keys = Keys.of(shape, op, before, after);
            touch(shape, keys);
            if (!replaying && keys != null && fold(shape, op, before, after, keys)) {
                if (net.size() >= MAX_NET_CHANGES) {
                    applyNet();
                }
                return;
            }
            applyNet(); // what was folded so far comes first
            switch (op) {
                case "c", "r" -> insert(statements, shape, after);
                case "u" -> update(statements, shape, before, after);
                case "d" -> delete(statements, shape, before);
                case "t" -> statements.addSingle("TRUNCATE " + shape.qualified() + " CASCADE", -1,
                        "truncate of " + shape.name());
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

        static Keys of(TargetTables.Shape shape, String op, Struct before, Struct after) {
            if (shape.key().isEmpty() || op.equals("t")) {
                return null;
            }
            return new Keys(before == null ? null : keyOf(shape, before), after == null ? null : keyOf(shape, after));
        }

        /** The old row's key when it came, else the new row's: the row the change applies to. */
        List<String> identity() {
            return before != null ? before : after;
        }
    }

    /** Folds a change of a keyed table into the net changes; false when it has to be applied on its own. */
    private boolean fold(TargetTables.Shape shape, String op, Struct before, Struct after, Keys keys) {
        NetChanges.Change raw = new NetChanges.Change(shape, op, before, after);
        if (op.equals("d")) {
            if (before == null) {
                return false;
            }
            return net.absorb(shape, 'd', keys.before(), null, null,
                    () -> "delete of " + shape.name() + " " + describe(shape, keys.before()), raw);
        }
        boolean update = op.equals("u");
        List<String> key = update ? keys.identity() : keys.after();
        if (update && before != null && !keys.before().equals(keys.after())) {
            return false; // the key changes
        }
        FieldMap map = fieldMap(shape, after.schema());
        int[] positions = map.positions();
        List<Field> fields = after.schema().fields();
        String[] values = new String[shape.columns().size()];
        BitSet set = new BitSet(values.length);
        for (int i = 0; i < fields.size(); i++) {
            if (update && map.keptOnUpdate()[i]) {
                // the key did not change, and neither did an identity column always generated (nor can it be set)
                continue;
            }
            Field f = fields.get(i);
            Object v = after.get(f);
            if (!PgText.unchangedToast(v)) {
                values[positions[i]] = PgText.text(f.schema(), v, shape.name(), f.name());
                set.set(positions[i]);
            } else if (!update) {
                return false;
            }
        }
        if (set.isEmpty()) {
            return true; // an update that sets nothing but its key, or nothing the target could take: no change
        }
        char kind = update ? 'u' : 'i';
        return net.absorb(shape, kind, key, values, set,
                () -> (kind == 'u' ? "update of " : "insert into ") + shape.name() + " " + describe(shape, key), raw);
    }

    /**
     * Per field of a row schema: its position among the target table's columns, and whether an update of the same
     * key leaves it as it is (a key column, or an identity column always generated).
     */
    private record FieldMap(int[] positions, boolean[] keptOnUpdate) {
    }

    /** The field map of a row schema of the stream (checked once to have the table's columns). */
    private FieldMap fieldMap(TargetTables.Shape shape, Schema row) {
        FieldMap map = fieldMaps.get(row);
        if (map == null) {
            requireSameColumns(shape, row);
            List<String> columns = List.copyOf(shape.columns().keySet());
            List<Field> fields = row.fields();
            map = new FieldMap(new int[fields.size()], new boolean[fields.size()]);
            for (int i = 0; i < fields.size(); i++) {
                String name = fields.get(i).name();
                map.positions()[i] = columns.indexOf(name);
                map.keptOnUpdate()[i] = shape.key().contains(name) || shape.alwaysIdentity().contains(name);
            }
            fieldMaps.put(row, map);
        }
        return map;
    }

    /** Applies the changes folded so far, after the statements gathered before them. */
    private void applyNet() throws SQLException {
        if (net.isEmpty()) {
            return;
        }
        List<StatementGroup> bulk = net.statements();
        List<NetChanges.Change> changes = net.takeChanges();
        net.clear();
        flush(statements);
        runFolded(bulk, changes, false);
    }

    /**
     * Applies folded changes as bulk statements under a savepoint, set in the same round trip; when they fail (a
     * constraint may need the changes' own order), undoes them and applies the changes one by one, in order,
     * instead. committing: the transaction's commit follows, with nothing in between that could fail and be
     * undone alone.
     */
    private void runFolded(List<StatementGroup> bulk, List<NetChanges.Change> changes, boolean committing)
            throws SQLException {
        if (bulk.isEmpty()) {
            return; // nothing left once folded (rows inserted and deleted again)
        }
        Statements together = new Statements();
        List<StatementGroup> inserts = new ArrayList<>();
        try {
            together.queue(new Pending("SAVEPOINT cutover_net", -1, "a savepoint"));
            for (StatementGroup g : bulk) {
                if (g.kind() == StatementGroup.Kind.INSERT) {
                    inserts.add(g);
                } else {
                    together.queue(new Pending(g.sql(), g.size(), g.description()));
                }
            }
            // deletes and updates first: a row inserted here was deleted before (it is deleted again first), or
            // is new; it is never one of the rows updated
            flush(together); // checks what each touched: a statement short of rows fails too
            copy(inserts);
            if (!committing) {
                exec("RELEASE SAVEPOINT cutover_net"); // else the commit that follows ends it, one round trip less
            }
        } catch (SQLException e) {
            exec("ROLLBACK TO SAVEPOINT cutover_net");
            stats.orderedRetry();
            Statements ordered = new Statements();
            for (NetChanges.Change c : changes) {
                switch (c.op()) {
                    case "c", "r" -> insert(ordered, c.shape(), (Struct) c.after());
                    case "u" -> update(ordered, c.shape(), (Struct) c.before(), (Struct) c.after());
                    default -> delete(ordered, c.shape(), (Struct) c.before());
                }
            }
            flush(ordered);
        }
    }

    /**
     * Writes insert groups with COPY, one for each run of groups into the same table, and checks that each wrote
     * every row it had. Runs right after a flush, which let any earlier commit of the writer end.
     */
    private void copy(List<StatementGroup> inserts) throws SQLException {
        CopyManager copies = target.unwrap(PGConnection.class).getCopyAPI();
        int i = 0;
        while (i < inserts.size()) {
            StatementGroup first = inserts.get(i);
            StringBuilder data = new StringBuilder();
            long rows = 0;
            for (; i < inserts.size() && first.copiesWith(inserts.get(i)); i++) {
                inserts.get(i).appendCopyRows(data);
                rows += inserts.get(i).size();
            }
            byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
            CopyIn in = copies.copyIn(first.copySql());
            long copied;
            try {
                in.writeToCopy(bytes, 0, bytes.length);
                copied = in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
            if (copied != rows) {
                throw new SQLException(first.description() + ": the target's COPY wrote " + copied + " rows instead of "
                        + rows);
            }
        }
    }

    private void insert(Statements to, TargetTables.Shape shape, Struct after) throws SQLException {
        List<Field> fields = after.schema().fields();
        requireSameColumns(shape, after.schema());
        List<String> columns = new ArrayList<>(fields.size());
        List<String> values = new ArrayList<>(fields.size());
        for (Field f : fields) {
            columns.add(f.name());
            values.add(PgText.text(f.schema(), after.get(f), shape.name(), f.name()));
        }
        to.addToGroup(StatementGroup.Kind.INSERT, shape, columns, null, values, () -> "insert into " + shape.name());
    }

    private void update(Statements to, TargetTables.Shape shape, Struct before, Struct after) throws SQLException {
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
                values.add(PgText.text(f.schema(), v, shape.name(), f.name()));
            }
        }
        if (columns.isEmpty()) {
            return; // nothing the target could take changed
        }
        String description = "update of " + shape.name() + " " + where.described;
        if (sameKey) {
            to.addToGroup(StatementGroup.Kind.UPDATE, shape, columns, where.values, values, () -> description);
            return;
        }
        // a key that changes, or a keyless table: one statement of its own
        StringJoiner set = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            set.add(Databases.quote(columns.get(i)) + " = "
                    + PgText.literal(values.get(i), shape.columns().get(columns.get(i))));
        }
        to.addSingle("UPDATE " + shape.qualified() + " SET " + set + where.sql, 1, description);
    }

    private void delete(Statements to, TargetTables.Shape shape, Struct before) throws SQLException {
        if (before == null) {
            throw new IllegalStateException("a delete on " + shape.name() + " came without the old row's identity");
        }
        Where where = where(shape, before);
        String description = "delete of " + shape.name() + " " + where.described;
        if (!shape.key().isEmpty()) {
            to.addToGroup(StatementGroup.Kind.DELETE, shape, List.of(), where.values, List.of(), () -> description);
        } else {
            to.addSingle("DELETE FROM " + shape.qualified() + where.sql, 1, description);
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
                    values.add(PgText.text(f.schema(), v, shape.name(), column));
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
            values.add(PgText.text(f.schema(), v, shape.name(), column));
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

    /** Statements gathered to run in one round trip, the last of them a group that consecutive changes join. */
    private final class Statements {

        private StatementGroup group;
        private final List<Pending> pending = new ArrayList<>();
        private long chars;

        /** Joins the change to the open group of its kind, or closes that group and opens a new one. */
        void addToGroup(StatementGroup.Kind kind, TargetTables.Shape shape, List<String> columns, List<String> key,
                        List<String> values, Supplier<String> description) throws SQLException {
            if (group == null || !group.accepts(kind, shape, columns, key)) {
                closeGroup();
                group = new StatementGroup(kind, shape, columns);
            }
            group.add(key, values, description);
        }

        void addSingle(String sql, int expectedRows, String description) throws SQLException {
            closeGroup();
            queue(new Pending(sql, expectedRows, description));
        }

        void closeGroup() throws SQLException {
            if (group != null) {
                StatementGroup closing = group;
                group = null;
                queue(new Pending(closing.sql(), closing.size(), closing.description()));
            }
        }

        /** Adds a statement; runs what is gathered once that is a lot. */
        void queue(Pending statement) throws SQLException {
            pending.add(statement);
            chars += statement.sql().length();
            if (pending.size() >= MAX_PENDING_STATEMENTS || chars >= MAX_PENDING_CHARS) {
                flush(this);
            }
        }

        /** What is gathered, which is then gone from here. */
        List<Pending> take() {
            List<Pending> out = new ArrayList<>(pending);
            pending.clear();
            chars = 0;
            return out;
        }

        void clear() {
            group = null;
            pending.clear();
            chars = 0;
        }
    }

    /**
     * Runs every statement gathered so far in one round trip (the driver pipelines a statement batch), then checks
     * that each touched the rows it had to.
     */
    private void flush(Statements gathered) throws SQLException {
        settle();
        gathered.closeGroup();
        List<Pending> running = gathered.take();
        if (running.isEmpty()) {
            return;
        }
        int[] counts;
        try (Statement st = target.createStatement()) {
            st.setEscapeProcessing(false); // the values are quoted literals: nothing for the driver to rewrite
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

    private void replayOrThrow(SQLException e) throws SQLException {
        if (!replaying) {
            throw e;
        }
        // maybe a repeat of a transaction applied before the restart: its END decides
        exec("ROLLBACK TO SAVEPOINT cutover_replay");
        statements.clear();
        txFailedInReplay = true;
        replayFailure = e;
    }

    private void exec(String sql) throws SQLException {
        settle();
        try (Statement st = target.createStatement()) {
            st.execute(sql);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /**
     * Lets the writer's commit end (for a few seconds at most: one waiting behind a lock is cut off), then gives
     * up what is not committed; the next start repeats it from the slot.
     */
    @Override
    public void close() throws SQLException {
        Future<?> running = inFlight;
        if (running != null) {
            try {
                running.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                target.abort(Runnable::run); // ends the session under the writer: its commit fails
            } catch (ExecutionException e) {
                // reported when it failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer.shutdownNow();
        try {
            if (!target.isClosed()) {
                target.rollback();
            }
        } finally {
            target.close();
        }
    }
}
