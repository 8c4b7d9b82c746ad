package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.kit.Futures;
import io.cutover.kit.Jobs;
import io.cutover.kit.Progress;
import io.cutover.kit.WorkInterruptedException;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.replication.adapter.jdbc.PostgresDataTransfer;
import io.cutover.replication.application.OnlineReplication;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;

/**
 * Online sync on PostgreSQL: publication and slot on the source, a copy from the slot's exported snapshot (the same
 * parallel COPY as the offline transfer), then Debezium streaming from the slot into the target. This bean owns
 * every running stream and closes them when the service stops.
 */
public final class PostgresOnlineReplication implements OnlineReplication, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresOnlineReplication.class);
    /** The marker the catch-up writes to measure the lag end to end. */
    private static final String PROBE = "probe";
    /** How often the catch-up reports the stream's figures while it waits. */
    private static final long BEAT_NANOS = 200_000_000L;
    /** How long the start waits for the engine's first records before it reports the sync started all the same. */
    private static final long STARTING_MILLIS = 60_000;

    /** Where alarms raised while a stream runs go, for example to the coordinator. */
    @FunctionalInterface
    public interface Alarms {
        void raise(String cutoverId, String summary, Map<String, Long> figures);
    }

    private record Running(CdcStream stream, SourceWatch watch, ScheduledFuture<?> ticking) {
    }

    /** Long enough for the failover of a managed PostgreSQL server. */
    public static final long DEFAULT_SOURCE_OUTAGE_LIMIT_MILLIS = 120_000;

    private final PostgresDataTransfer transfer;
    private final long watchMillis;
    private final long slotFlushMillis;
    private final long sourceOutageLimitMillis;
    private final Map<String, Running> streams = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watches = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "cutover-source-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;
    private volatile Alarms alarms = (id, summary, figures) -> log.warn("cutover {}: {}", id, summary);

    /** With the default source outage limit. */
    public PostgresOnlineReplication(PostgresDataTransfer transfer, long watchMillis, long slotFlushMillis) {
        this(transfer, watchMillis, slotFlushMillis, DEFAULT_SOURCE_OUTAGE_LIMIT_MILLIS);
    }

    /**
     * @param watchMillis how often the source is watched and a heartbeat written
     * @param slotFlushMillis how often the slot is told what the target holds, letting the source recycle WAL;
     *                        a crash repeats at most this much, and the repeats are recognised and skipped
     * @param sourceOutageLimitMillis how long a stream whose source session ended keeps starting again (a network
     *                                cut, a failover) before the sync fails
     */
    public PostgresOnlineReplication(PostgresDataTransfer transfer, long watchMillis, long slotFlushMillis,
                                     long sourceOutageLimitMillis) {
        this.transfer = transfer;
        this.watchMillis = watchMillis;
        this.slotFlushMillis = slotFlushMillis;
        this.sourceOutageLimitMillis = sourceOutageLimitMillis;
    }

    public void onAlarm(Alarms sink) {
        this.alarms = sink;
    }

    @Override
    public Result start(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                        int parallelism, OnlineSync sync, Progress progress) throws Exception {
        synchronized (lock(cutoverId)) {
            SyncNames names = SyncNames.of(cutoverId);
            Map<String, Long> figures = new TreeMap<>();
            String copy;
            Running running;
            try (Connection src = SourceSlots.syncSession(source); Connection tgt = Databases.open(target)) {
                SyncState.prepare(tgt);
                SyncState.Row state = SyncState.read(tgt, cutoverId);
                List<String> tables = Databases.tables(src, wanted);
                if (state.copied()) {
                    copy = "the copy was already done";
                } else {
                    stopStream(cutoverId);
                    refuseKeyless(src, tables, sync.getReplicaIdentityFull());
                    // a copy that did not finish: its snapshot is gone, so it starts over, every table, from a new slot
                    if (SourceSlots.slotExists(src, names)) {
                        SourceSlots.drop(src, names);
                    }
                    figures.put("tablesCopiedAgain", (long) transfer.forgetCopiedTables(cutoverId, tgt));
                    SourceIdentities.remember(src, tgt, cutoverId, sync.getReplicaIdentityFull());
                    SourceSlots.preparePublication(src, names, tables, sync.getReplicaIdentityFull());
                    try (SourceSlots.NewSlot slot = SourceSlots.createSlot(source, names)) {
                        progress.summary("slot " + names.slot() + " created at " + Lsn.text(slot.consistentPoint)
                                + "; copying from its snapshot");
                        var copied = transfer.transfer(cutoverId, source, target, wanted, parallelism, progress,
                                slot.snapshot);
                        SyncState.copied(tgt, cutoverId, slot.consistentPoint);
                        figures.putAll(copied.figures());
                        figures.put("startLsn", slot.consistentPoint);
                        copy = copied.summary();
                    }
                }
                running = ensureStreaming(cutoverId, src, source, target, tables, wanted.isEmpty(), sync);
            }
            long startMillis = awaitDelivery(cutoverId, running, names, progress);
            if (startMillis >= 0) {
                figures.put("streamStartMillis", startMillis);
            }
            return new Result("initial copy: " + copy + "; streaming changes from slot " + names.slot()
                    + (startMillis >= 0 ? "" : " (the engine had delivered nothing " + STARTING_MILLIS / 1000
                    + " s after it started)"), figures);
        }
    }

    /**
     * Waits until the engine hands over its first records (its heartbeats, on a quiet source), at most
     * STARTING_MILLIS: Debezium's engine takes seconds to start (5-8 s on the local stack at 1,000 transactions/s),
     * and the steps that follow the start wait for the stream, taking a position that does not move for one that has
     * stopped. How long it waited, in milliseconds; -1 when the engine delivered nothing in time.
     */
    private long awaitDelivery(String cutoverId, Running running, SyncNames names, Progress progress)
            throws InterruptedException {
        long began = System.nanoTime();
        if (!running.stream().stats().delivering()) {
            progress.summary("starting the change stream from slot " + names.slot());
        }
        while (!running.stream().stats().delivering()) {
            requireHealthy(cutoverId, running);
            if (System.nanoTime() - began >= STARTING_MILLIS * 1_000_000) {
                return -1;
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - began) / 1_000_000;
    }

    /**
     * Measures the lag end to end with a probe: a marker written into the source's WAL now, and the time until the
     * target holds every transaction committed before it. Says go once a probe comes back within maxLagMillis and
     * the drain ETA fits the budget, typically one round trip after the step begins; until then it writes the next
     * probe as soon as the last one is back, and reports the stream's lag at each beat.
     */
    @Override
    public Result awaitCatchUp(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target,
                               List<String> wanted, OnlineSync sync, long maxLagMillis, long budgetMillis,
                               Progress progress) throws Exception {
        Running running = resume(cutoverId, source, target, wanted, sync);
        long probe = -1; // the position of the marker out, or -1 when none is
        long probed = System.nanoTime() - BEAT_NANOS;
        long reported = probed;
        while (true) {
            requireHealthy(cutoverId, running);
            StreamStats stats = running.stream().stats();
            if (probe < 0 && System.nanoTime() - probed >= BEAT_NANOS) {
                probe = probe(cutoverId, running);
                probed = System.nanoTime();
            }
            if (probe >= 0 && stats.appliedLsn() >= probe) {
                long lag = (System.nanoTime() - probed) / 1_000_000;
                Map<String, Long> f = stats.figures();
                long eta = f.get("drainEtaMillis");
                if (lag <= maxLagMillis && eta >= 0 && eta <= budgetMillis) {
                    running.watch().tick(); // one last look at the source's schema before saying go
                    requireHealthy(cutoverId, running);
                    f.put("probeLagMillis", lag);
                    f.forEach(progress::set);
                    return new Result(String.format("go: lag %,d ms within %,d ms (a marker written on the source"
                            + " was applied on the target after %,d ms) and drain ETA %,d ms within the downtime"
                            + " budget of %,d ms", lag, maxLagMillis, lag, eta, budgetMillis), f);
                }
                probe = -1; // back too late: the next one at once
                probed = System.nanoTime() - BEAT_NANOS;
            }
            if (System.nanoTime() - reported >= BEAT_NANOS) {
                reported = System.nanoTime();
                Map<String, Long> f = stats.figures();
                f.forEach(progress::set);
                long eta = f.get("drainEtaMillis");
                progress.summary(String.format("lag %,d ms (reading %,d ms, applying %,d ms; %,d bytes: %,d to"
                                + " read, %,d to apply), applying %,d changes/s, drain ETA %s", f.get("lagMillis"),
                        f.get("readLagMillis"), f.get("applyLagMillis"), f.get("lagBytes"), f.get("readLagBytes"),
                        f.get("applyLagBytes"), f.get("applyRate"), eta < 0 ? "unknown" : eta + " ms"));
            }
            Thread.sleep(2);
        }
    }

    /** Writes a marker into the source's WAL; -1 when the source cannot be reached now (the caller tries again). */
    private static long probe(String cutoverId, Running running) {
        try {
            return running.watch().mark(PROBE);
        } catch (SQLException e) {
            log.warn("cutover {}: writing a marker to measure the lag: {}", cutoverId, Jobs.describe(e));
            return -1;
        }
    }

    @Override
    public Result drain(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                       OnlineSync sync, Instant deadline, Progress progress) throws Exception {
        long started = System.nanoTime();
        // inside the write stall: the source session the sequences need opens while the target catches up, and
        // the target's session serves the whole drain (no schema is prepared here: that would wait for the apply)
        try (Opening sourceSession = new Opening(() -> SourceSlots.syncSession(source));
             Connection tgt = Databases.open(target)) {
            long drained = drainedPosition(tgt, cutoverId);
            if (drained > 0) {
                return new Result("already drained: the target applied the source's final position "
                        + Lsn.text(drained) + "; the stream applies nothing more", Map.of("finalLsn", drained));
            }
            Running running = resume(cutoverId, source, target, wanted, sync);
            long marker = running.watch().mark("drain:" + cutoverId);
            progress.summary("waiting for the target to apply the source's final position " + Lsn.text(marker));
            while (running.stream().stats().appliedLsn() < marker) {
                requireHealthy(cutoverId, running);
                if (Instant.now().isAfter(deadline)) {
                    StreamStats s = running.stream().stats();
                    throw new IllegalStateException(String.format("the target had not applied the source's final"
                            + " position %s by the write-stall deadline (applied up to %s, %,d bytes behind)",
                            Lsn.text(marker), Lsn.text(s.appliedLsn()), Math.max(0, marker - s.appliedLsn())));
                }
                Thread.sleep(2);
            }
            long caughtUp = System.nanoTime();
            // the applications write to the target next: the stream applies nothing more, and stops after the
            // switch, outside the write stall, with its slot (StopReplication)
            running.stream().hold();
            running.ticking().cancel(false);
            running.watch().tick(); // a last look for schema changes
            requireHealthy(cutoverId, running);
            Map<String, Long> figures = new TreeMap<>(running.stream().stats().figures());
            int sequences = PostgresDataTransfer.syncSequences(sourceSession.get(), tgt);
            SyncState.drained(tgt, cutoverId, marker);
            figures.put("finalLsn", marker);
            figures.put("catchUpMillis", (caughtUp - started) / 1_000_000);
            figures.put("drainMillis", (System.nanoTime() - started) / 1_000_000);
            figures.put("sequences", (long) sequences);
            return new Result(String.format("target applied the source's final position %s in %,d ms; %d sequences"
                    + " set; the stream applies nothing more and stops after the switch", Lsn.text(marker),
                    figures.get("catchUpMillis"), sequences), figures);
        }
    }

    /** A connection opening on a thread of its own; closed once open, whenever that is, when no longer wanted. */
    private static final class Opening implements AutoCloseable {

        private final CompletableFuture<Connection> connection;

        Opening(Callable<Connection> open) {
            connection = Futures.onItsOwnThread("cutover-open", open);
        }

        Connection get() throws Exception {
            return Futures.await(connection);
        }

        @Override
        public void close() {
            connection.thenAccept(c -> {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("closing a session: {}", e.getMessage());
                }
            });
        }
    }

    @Override
    public Result stop(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target) throws Exception {
        return stop(cutoverId, source, target, false, false);
    }

    @Override
    public Result finish(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, boolean keepSlot)
            throws Exception {
        return stop(cutoverId, source, target, true, keepSlot);
    }

    /**
     * After the switch, the slot must hold no row change past the drain's final position: one there got past the
     * fence, and is not on the target the applications now use. On a rollback the source is live again, and its
     * writes after the drain are the applications' own.
     */
    private Result stop(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, boolean afterSwitch,
                        boolean keepSlot) throws Exception {
        long stopping = System.nanoTime();
        boolean wasRunning = stopStream(cutoverId);
        Map<String, Long> figures = new TreeMap<>();
        figures.put("streamStopMillis", (System.nanoTime() - stopping) / 1_000_000);
        SyncNames names = SyncNames.of(cutoverId);
        // one target session serves both the drain's position and the replica identities (a rollback may find no
        // target at all: what needs it says so)
        Connection opened = null;
        SQLException unreachable = null;
        try {
            opened = Databases.open(target);
        } catch (SQLException e) {
            unreachable = e;
        }
        try (Connection tgt = opened; Connection src = SourceSlots.syncSession(source)) {
            long drained = afterSwitch ? drainedPosition(tgt, unreachable, cutoverId) : 0;
            String breach = drained > 0 && SourceSlots.slotExists(src, names)
                    ? SourceSlots.changesAfter(src, names, drained) : null;
            String left = drained >= 0 ? "" : "; whether the source changed after a drain was not checked: the"
                    + " target, which keeps the drain's final position, could not be read";
            if (keepSlot) {
                left += "; slot and publication kept for a fallback";
            } else {
                long dropping = System.nanoTime();
                SourceSlots.drop(src, names);
                figures.put("slotDropMillis", (System.nanoTime() - dropping) / 1_000_000);
                left += "; slot and publication of " + cutoverId + " dropped from the source"
                        + identities(src, tgt, unreachable, cutoverId);
            }
            if (breach != null) {
                throw new IllegalStateException("the source changed after the final position the drain took: "
                        + breach + "; the target does not have these changes, so a session the fence did not stop"
                        + " wrote to the source; stream stopped" + left);
            }
            left += changedKeysCleared(tgt, cutoverId, figures);
            return new Result((wasRunning ? "stream stopped" : "no stream was running") + left, figures);
        }
    }

    /**
     * Removes the keys the sync noted for validation from the target, which no pass reads once the stream has
     * stopped (after the switch, its last pass has run; after a rollback, the slot is gone and a new cutover copies
     * again); what was removed, or why nothing was, for the summary. A target that cannot be reached, or whose table
     * stays locked, keeps them: they are Cutover's own notes, not data, and the README says how to drop them.
     */
    private static String changedKeysCleared(Connection target, String cutoverId, Map<String, Long> figures) {
        if (target == null) {
            return "";
        }
        try {
            long removed = ChangedKeys.clear(target, cutoverId, 2_000);
            figures.put("changedKeyNotesRemoved", removed);
            return removed == 0 ? "" : "; the sync's " + removed + " notes of changed keys removed from the target";
        } catch (SQLException e) {
            log.warn("cutover {}: removing the changed keys from the target: {}", cutoverId, Jobs.describe(e));
            return "; the sync's notes of changed keys stay on the target (" + Jobs.describe(e) + ")";
        }
    }

    /**
     * The final position the drain took, as the target keeps it; 0 when there was no drain, -1 when the target
     * could not be read (its session, null when it could not be opened, and why).
     */
    private static long drainedPosition(Connection target, SQLException unreachable, String cutoverId) {
        try {
            if (target == null) {
                throw unreachable;
            }
            return drainedPosition(target, cutoverId);
        } catch (SQLException e) {
            log.warn("cutover {}: reading the drained position from the target: {}", cutoverId, Jobs.describe(e));
            return -1;
        }
    }

    private static long drainedPosition(Connection target, String cutoverId) throws SQLException {
        try {
            return SyncState.read(target, cutoverId).drainedLsn();
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return 0; // no sync ever wrote its state there
            }
            throw e;
        }
    }

    /**
     * Puts back the replica identities the sync set; what it could not, for people. target: the target's session,
     * null when it could not be opened, and why.
     */
    private static String identities(Connection src, Connection target, SQLException unreachable,
                                     String cutoverId) {
        try {
            if (target == null) {
                throw unreachable;
            }
            // the applications may still use the source: a table they hold is left for people to do
            return identitiesLeft(SourceIdentities.restore(src, target, cutoverId, 2_000));
        } catch (SQLException e) {
            return "; the replica identities the sync may have set (online.replicaIdentityFull) were not checked:"
                    + " the target, which notes what they were before, could not be read (" + Jobs.describe(e) + ")";
        }
    }

    private static String identitiesLeft(List<String> left) {
        return left.isEmpty() ? "" : "; replica identity still FULL on the source: " + String.join(", ", left);
    }

    /** The running stream's figures (lag, rates, counts), or none when no stream of this cutover runs here. */
    public Map<String, Long> figures(String cutoverId) {
        Running running = streams.get(cutoverId);
        return running == null ? Map.of() : running.stream().stats().figures();
    }

    /** The stream of this cutover, started again from the slot when this service was restarted meanwhile. */
    private Running resume(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> wanted,
                           OnlineSync sync) throws SQLException {
        synchronized (lock(cutoverId)) {
            Running running = streams.get(cutoverId);
            if (usable(running)) {
                return running; // the usual case, and the drain's, inside the write stall: no round trip
            }
            try (Connection src = SourceSlots.syncSession(source); Connection tgt = Databases.open(target)) {
                SyncState.prepare(tgt);
                if (!SyncState.read(tgt, cutoverId).copied()) {
                    throw new IllegalStateException("the online sync of cutover " + cutoverId
                            + " has not finished its initial copy on this target");
                }
                return ensureStreaming(cutoverId, src, source, target, Databases.tables(src, wanted),
                        wanted.isEmpty(), sync);
            }
        }
    }

    private Running ensureStreaming(String cutoverId, Connection src, DatabaseEndpoint source,
                                    DatabaseEndpoint target, List<String> tables, boolean allTables, OnlineSync sync)
            throws SQLException {
        Running running = streams.get(cutoverId);
        if (usable(running)) {
            return running;
        }
        if (running != null) {
            // failed before, or held by a drain that did not end (and so skipped what came after its final
            // position): start again from the slot, which kept every change the target does not hold
            stopStream(cutoverId);
        }
        SyncNames names = SyncNames.of(cutoverId);
        if (!SourceSlots.slotExists(src, names)) {
            // the engine would make a new slot at the current position and miss what happened meanwhile
            throw new IllegalStateException("replication slot " + names.slot() + " is gone from the source, so"
                    + " changes since it went cannot be streamed; drop the target's tables and start a new cutover");
        }
        CdcStream stream = new CdcStream(cutoverId, source, names, slotFlushMillis, sourceOutageLimitMillis);
        SourceWatch watch = new SourceWatch(source, target, names, tables, allTables,
                sync.getSlotRetentionAlarmBytes(), stream,
                (summary, figures) -> alarms.raise(cutoverId, summary, figures));
        stream.start(target);
        watch.tick();
        ScheduledFuture<?> ticking = watches.scheduleWithFixedDelay(watch::tick, watchMillis, watchMillis,
                TimeUnit.MILLISECONDS);
        Running started = new Running(stream, watch, ticking);
        streams.put(cutoverId, started);
        return started;
    }

    private static boolean usable(Running running) {
        return running != null && running.stream().failure() == null && !running.stream().held();
    }

    private void requireHealthy(String cutoverId, Running running) {
        if (closing) {
            throw new WorkInterruptedException("the replication service is stopping");
        }
        String failure = running.stream().failure();
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        if (streams.get(cutoverId) != running) {
            throw new IllegalStateException("the change stream of cutover " + cutoverId + " was stopped");
        }
    }

    private boolean stopStream(String cutoverId) {
        Running running = streams.remove(cutoverId);
        if (running == null) {
            return false;
        }
        running.ticking().cancel(false);
        running.stream().close();
        running.watch().close();
        return true;
    }

    /** Tables without a primary key must be named for REPLICA IDENTITY FULL, or have an identity of their own. */
    private static void refuseKeyless(Connection src, List<String> tables, List<String> full) throws SQLException {
        List<String> refused = new ArrayList<>();
        try (PreparedStatement ps = src.prepareStatement("""
                SELECT c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            for (String table : tables) {
                ps.setString(1, Databases.qualified(table));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String identity = rs.getString(1);
                    boolean keyed = rs.getBoolean(2);
                    boolean ok = "f".equals(identity) || "i".equals(identity) || (keyed && "d".equals(identity))
                            || full.contains(table);
                    if (!ok) {
                        refused.add(table);
                    }
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("tables without a primary key or replica identity: "
                    + String.join(", ", refused) + "; their updates and deletes cannot be matched on the target."
                    + " Add a primary key, or name them under replicaIdentityFull in the plan");
        }
    }

    private Object lock(String cutoverId) {
        return locks.computeIfAbsent(cutoverId, k -> new Object());
    }

    @Override
    public void close() {
        closing = true;
        new ArrayList<>(streams.keySet()).forEach(this::stopStream);
        watches.shutdownNow();
    }
}
