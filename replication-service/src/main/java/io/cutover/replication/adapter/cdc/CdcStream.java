package io.cutover.replication.adapter.cdc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.kit.Jobs;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

/**
 * One cutover's change stream: Debezium's embedded engine reading the slot (pgoutput) on a single thread, handing
 * each batch to the {@link ChangeApplier}. Only a record whose commit position the target holds is marked
 * processed, so the slot never moves past what the target holds. The handler never throws: a failure of the apply
 * stops the stream and is kept for the next command to report.
 *
 * <p>An engine that stops by itself (the source's session ended: a network cut, a failover, a restart of the
 * source) is not restarted inside Debezium, which would send again what came after its last stored offset into an
 * apply that has moved on. The stream starts a new engine and a new apply instead, from what the target holds, as
 * after a crash of the service: the slot sends again what the target may already hold, and the apply recognises
 * it. It waits longer before each new try, and fails for good once the source has been away longer than the
 * outage limit.
 */
final class CdcStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CdcStream.class);
    /** How long a new apply waits for the session of one before it to end (a dead service's ends within moments). */
    private static final long APPLY_LOCK_WAIT_MILLIS = 10_000;
    /** The most records the engine hands over at once. */
    static final int MAX_BATCH = 1024;
    /** The pause before an engine that ended by itself is started again, doubled each time up to the maximum. */
    private static final long FIRST_RESTART_DELAY_MILLIS = 200;
    private static final long MAX_RESTART_DELAY_MILLIS = 5_000;

    private final String cutoverId;
    private final DatabaseEndpoint source;
    private final SyncNames names;
    private final long slotFlushMillis;
    private final long outageLimitMillis;
    private final StreamStats stats = new StreamStats();
    private final ExecutorService runner;
    private DatabaseEndpoint target;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ChangeApplier applier;
    /** Engines started so far; the last one is the current one. */
    private int engines;
    /** Engines that ended by themselves since the stream last applied something; changed under the lock. */
    private volatile int restartsInARow;
    /** When the first of those ended. */
    private long awaySinceNanos;
    private volatile String failure;
    private volatile boolean stopping;
    /** Set once the target holds the drain's final position: nothing is applied after it. */
    private volatile boolean held;

    /**
     * @param outageLimitMillis how long engines that end by themselves, with nothing applied in between, are
     *                          started again before the stream fails
     */
    CdcStream(String cutoverId, DatabaseEndpoint source, SyncNames names, long slotFlushMillis,
              long outageLimitMillis) {
        this.cutoverId = cutoverId;
        this.slotFlushMillis = slotFlushMillis;
        this.outageLimitMillis = outageLimitMillis;
        this.source = source;
        this.names = names;
        this.runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-cdc-" + cutoverId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts reading from the slot's confirmed position; the target's stored position filters repeats. */
    void start(DatabaseEndpoint target) throws SQLException {
        this.target = target;
        open();
    }

    private synchronized void open() throws SQLException {
        Connection apply = Databases.open(target, target.getDatabase(),
                Map.of("ApplicationName", "cutover-apply"));
        long position;
        try {
            SyncState.lockApply(apply, cutoverId, APPLY_LOCK_WAIT_MILLIS);
            SyncState.Row applied = SyncState.read(apply, cutoverId);
            position = applied.appliedLsn();
            applier = new ChangeApplier(cutoverId, apply, applied, stats, this::applyFailed);
        } catch (SQLException | RuntimeException e) {
            apply.close();
            throw e;
        }
        stats.startAt(position);
        int generation = ++engines;
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties())
                .using((success, message, error) -> ended(generation, message, error))
                .notifying(this::handle)
                .build();
        runner.execute(engine);
        log.info("cutover {}: change stream started from {}", cutoverId, Lsn.text(position));
    }

    /**
     * An engine ended. Unless the stream was stopping, failed or held, the source's session ended under it: a new
     * engine starts, after a pause that grows with each engine that ends without the stream applying anything.
     */
    private void ended(int generation, String message, Throwable error) {
        if (stopping || failure != null || held) {
            return; // the stop that ended it goes on (holding the lock while it waits for the engine)
        }
        synchronized (this) {
            if (generation == engines) {
                engine = null; // it has stopped: closing it again would be refused
            }
            endedByItself(message, error);
        }
    }

    private synchronized void endedByItself(String message, Throwable error) {
        if (stopping || failure != null || held) {
            return;
        }
        String reason = "the change stream stopped: " + message + (error == null ? "" : " (" + Jobs.describe(error)
                + ")");
        if (restartsInARow++ == 0) {
            awaySinceNanos = System.nanoTime();
        }
        long awayMillis = (System.nanoTime() - awaySinceNanos) / 1_000_000;
        if (awayMillis >= outageLimitMillis) {
            fail(String.format("%s; the stream was started again %d times over %,d ms without applying anything,"
                    + " and the outage limit is %,d ms", reason, restartsInARow - 1, awayMillis, outageLimitMillis));
            return;
        }
        long backoff = FIRST_RESTART_DELAY_MILLIS << Math.min(restartsInARow - 1, 10);
        long delay = Math.min(Math.min(MAX_RESTART_DELAY_MILLIS, backoff), outageLimitMillis - awayMillis);
        log.warn("cutover {}: {}; starting again from the position the target holds in {} ms (away for {} ms of"
                + " at most {})", cutoverId, reason, delay, awayMillis, outageLimitMillis);
        Thread restarter = new Thread(() -> restart(delay), "cutover-cdc-restart-" + cutoverId);
        restarter.setDaemon(true);
        restarter.start();
    }

    private void restart(long delayMillis) {
        SourceSlots.sleep(delayMillis);
        synchronized (this) {
            if (stopping || failure != null || held || engine != null) {
                return;
            }
            try {
                closeApplier();
                open();
                stats.restarted();
            } catch (SQLException | RuntimeException e) {
                endedByItself("starting it again failed", e);
            }
        }
    }

    private void handle(List<RecordChangeEvent<SourceRecord>> events,
                        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) {
        if (failure != null || stopping) {
            return; // nothing marked: the slot keeps these changes for the next start
        }
        if (held) {
            return; // nothing marked: a change past the fence stays in the slot, where the stop looks for it
        }
        try {
            // the target holds what a commit ended since the last batch: the slot may let it go
            RecordChangeEvent<SourceRecord> committed = applier.takeCommitted();
            if (committed != null) {
                committer.markProcessed(committed);
            }
            long received = 0;
            for (RecordChangeEvent<SourceRecord> e : events) {
                received = Math.max(received, position(e.record()));
            }
            stats.received(received);
            long started = System.nanoTime();
            applier.apply(events);
            stats.busy(System.nanoTime() - started);
            committer.markBatchFinished();
            if (!events.isEmpty() && restartsInARow > 0) {
                applied();
            }
        } catch (Throwable e) {
            // never let it escape: the engine would skip these records for good
            applyFailed(e);
        }
    }

    /** The stream works again after a restart: the next engine that ends starts the count again. */
    private synchronized void applied() {
        restartsInARow = 0;
    }

    /** The apply failed, here or in a commit of its writer: the stream stops. */
    private void applyFailed(Throwable e) {
        if (stopping || e instanceof ChangeApplier.EarlierCommitFailed) {
            return; // a commit cut off by the stop, or one whose failure the writer reported
        }
        if (!(e instanceof SQLException) && !(e instanceof ChangeApplier.SchemaDriftException)) {
            log.error("cutover {}: the apply failed unexpectedly", cutoverId, e);
        }
        fail("applying changes to the target failed: " + Jobs.describe(e));
    }

    /**
     * Applies nothing more: the target holds the source's final position, the source is fenced, and the
     * applications are about to write to the target.
     */
    void hold() {
        held = true;
    }

    /** Held: what it skipped since is only in the slot, so it must never apply again. */
    boolean held() {
        return held;
    }

    private static long position(SourceRecord r) {
        return r.sourceOffset().get("lsn") instanceof Number n ? n.longValue() : 0;
    }

    void fail(String reason) {
        if (failure == null) {
            failure = reason;
            log.error("cutover {}: {}", cutoverId, reason);
            Thread stopper = new Thread(this::closeQuietly, "cutover-cdc-stop-" + cutoverId);
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    String failure() {
        return failure;
    }

    StreamStats stats() {
        return stats;
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("name", "cutover-" + names.slot());
        p.setProperty("connector.class", LeanPostgresConnector.class.getName());
        // the position that counts is the one stored in the target with the changes; the slot holds the rest
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", String.valueOf(slotFlushMillis));
        // no retry inside the engine: a restarted task sends again what came after its last stored offset, which
        // the apply has moved past; the stream starts a new engine instead (ended)
        p.setProperty("errors.max.retries", "0");
        // a slot still held by the session of a stream that just died is let go within moments
        p.setProperty("slot.max.retries", "40");
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("database.hostname", source.getHost());
        p.setProperty("database.port", String.valueOf(source.getPort()));
        p.setProperty("database.user", source.getUser());
        p.setProperty("database.password", source.getPassword());
        p.setProperty("database.dbname", source.getDatabase());
        String sslmode = source.getOptions().get("sslmode");
        if (sslmode != null) {
            p.setProperty("database.sslmode", sslmode);
        }
        p.setProperty("topic.prefix", ChangeApplier.PREFIX);
        // each stream's JMX metrics under a name of their own: a second stream with the same name would wait a
        // minute for the first one's to go, then fail
        p.setProperty("custom.metric.tags", "cutover=" + names.slot());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", names.slot());
        p.setProperty("publication.name", names.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("snapshot.mode", "no_data");
        // transactions end where the next one (or a message outside any) begins: records of their own would triple
        // the records of small transactions
        p.setProperty("provide.transaction.metadata", "false");
        // a heartbeat right after a commit, and while the source is quiet, ends the last transaction before a pause
        p.setProperty("heartbeat.interval.ms", "10");
        p.setProperty("topic.heartbeat.prefix", ChangeApplier.CONNECTOR_HEARTBEAT_PREFIX);
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false"); // a record per delete is enough; the apply skips none
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "map"); // written back as hstore's own text form
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("include.unknown.datatypes", "false");
        // per change, Debezium's context headers and its full source block cost the decoding thread a quarter of
        // its time; the apply reads neither
        p.setProperty("extended.headers.enabled", "false");
        p.setProperty("sourceinfo.struct.maker", LeanSourceInfo.class.getName());
        p.setProperty("unavailable.value.placeholder", PgText.UNAVAILABLE);
        // Debezium's queue spins, holding its lock, through the last millisecond of every poll that does not fill
        // a batch: a batch the stream fills within the poll interval avoids that, and still spans hundreds of
        // source transactions per target commit while a backlog drains
        p.setProperty("max.batch.size", String.valueOf(MAX_BATCH));
        // the records need no transformation: the engine hands each to a thread that returns it as it is, and one
        // thread, fed from a queue, does that with fewer wake-ups than threads started as needed (the default)
        p.setProperty("record.processing.threads", "1");
        p.setProperty("max.queue.size", "16384");
        p.setProperty("poll.interval.ms", "10");
        p.setProperty("status.update.interval.ms", "1000");
        return p;
    }

    /** Stops reading and gives up any uncommitted part; the slot and the stored position stay. */
    @Override
    public void close() {
        stopping = true;
        closeQuietly();
        runner.shutdown();
    }

    private synchronized void closeQuietly() {
        long giveUp = System.nanoTime() + 60_000_000_000L;
        while (engine != null) {
            try {
                engine.close();
                engine = null;
            } catch (IllegalStateException e) {
                // the engine refuses to stop while its task is still starting: it would leak, holding the slot
                if (System.nanoTime() > giveUp) {
                    log.error("cutover {}: the change stream would not stop: {}", cutoverId, Jobs.describe(e));
                    break;
                }
                SourceSlots.sleep(100);
            } catch (Exception e) {
                log.warn("cutover {}: closing the change stream: {}", cutoverId, Jobs.describe(e));
                engine = null;
            }
        }
        closeApplier();
    }

    private synchronized void closeApplier() {
        try {
            if (applier != null) {
                applier.close();
            }
        } catch (SQLException e) {
            log.warn("cutover {}: closing the apply session: {}", cutoverId, Jobs.describe(e));
        } finally {
            applier = null;
        }
    }
}
