package io.cutover.validation.adapter.kafka;

import java.sql.Connection;
import java.sql.SQLException;

import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.validation.application.DataValidation;

/**
 * The pace of a comparison while an online sync runs. A comparison hashes rows on both servers as fast as they
 * go, and the stream that applies the application's writes then gets a small share of the machine: on the local
 * stack at 1,000 transactions per second, its lag rose from tens of milliseconds to seconds during the full pass.
 * So every CHECK_EVERY_MILLIS, the comparison's next query waits until the target has applied what the source had
 * written then, and the stream stays close to the source. It waits at most MAX_HOLD_MILLIS at a time, and then goes
 * on for a quarter of that before the next check, so that the comparison always ends, if slowly, behind a stream that
 * cannot catch up; a stream whose position stands still for STILL_MILLIS is not waited for again (the catch-up step
 * judges it). (Holding only once the lag passed 200 ms, estimated from the positions, let the comparison run longer
 * at a time: in a run on the local stack the stream's lag then reached seconds and the full pass took longer, not
 * shorter.)
 */
final class StreamPace implements DataValidation.Pace, AutoCloseable {

    static final long CHECK_EVERY_MILLIS = 100;
    static final long MAX_HOLD_MILLIS = 5_000;
    static final long STILL_MILLIS = 5_000;

    private final DatabaseEndpoint sourceEndpoint;
    private final DatabaseEndpoint targetEndpoint;
    private final String cutoverId;
    private final long maxHoldMillis;
    private final long stillMillis;
    private Connection source;
    private Connection target;
    private long clearUntil = System.nanoTime();
    private boolean stood;
    private long heldNanos;
    private long holds;

    StreamPace(DatabaseEndpoint source, DatabaseEndpoint target, String cutoverId) {
        this(source, target, cutoverId, MAX_HOLD_MILLIS, STILL_MILLIS);
    }

    StreamPace(DatabaseEndpoint source, DatabaseEndpoint target, String cutoverId, long maxHoldMillis,
               long stillMillis) {
        this.sourceEndpoint = source;
        this.targetEndpoint = target;
        this.cutoverId = cutoverId;
        this.maxHoldMillis = maxHoldMillis;
        this.stillMillis = stillMillis;
    }

    @Override
    public synchronized void await() throws Exception {
        long began = System.nanoTime();
        if (stood || began < clearUntil) {
            return;
        }
        if (source == null) {
            source = Databases.open(sourceEndpoint);
        }
        if (target == null) {
            target = Databases.open(targetEndpoint);
        }
        Wait wait = untilApplied(target, cutoverId, Databases.walInsertLsn(source), maxHoldMillis, stillMillis, 5);
        stood = wait == Wait.STOOD;
        long ended = System.nanoTime();
        if (wait != Wait.NO_STREAM && ended - began >= 1_000_000) {
            heldNanos += ended - began;
            holds++;
        }
        // behind a stream that cannot catch up, the comparison goes on for a while before the next hold
        clearUntil = ended + (wait == Wait.TIMED_OUT ? Math.max(CHECK_EVERY_MILLIS, maxHoldMillis / 4)
                : CHECK_EVERY_MILLIS) * 1_000_000;
    }

    /** How a wait for the target to hold a position ended. */
    enum Wait {
        /** The target holds it. */
        REACHED,
        /** The wait lasted as long as it may, the stream still moving. */
        TIMED_OUT,
        /** The stream's position stood still for as long as a wait allows. */
        STOOD,
        /** The target holds no position of this cutover: no stream to wait for. */
        NO_STREAM
    }

    /**
     * Waits until the target holds the source position written, at most limitMillis, and no longer than its
     * position keeps moving (stillMillis), reading it every pollMillis.
     */
    static Wait untilApplied(Connection target, String cutoverId, long written, long limitMillis, long stillMillis,
                             long pollMillis) throws SQLException, InterruptedException {
        long began = System.nanoTime();
        long applied = ChangedKeys.appliedLsn(target, cutoverId);
        long moved = began;
        while (applied > 0 && applied < written) {
            long now = System.nanoTime();
            if (now - moved >= stillMillis * 1_000_000) {
                return Wait.STOOD;
            }
            if (now - began >= limitMillis * 1_000_000) {
                return Wait.TIMED_OUT;
            }
            Thread.sleep(pollMillis);
            long next = ChangedKeys.appliedLsn(target, cutoverId);
            if (next != applied) {
                applied = next;
                moved = System.nanoTime();
            }
        }
        return applied > 0 ? Wait.REACHED : Wait.NO_STREAM;
    }

    /** How long the comparison was held back for the stream in all, in milliseconds. */
    synchronized long heldMillis() {
        return heldNanos / 1_000_000;
    }

    /** How many times the comparison was held back for at least a millisecond. */
    synchronized long holds() {
        return holds;
    }

    /** Whether the stream stood still once and the comparison stopped waiting for it. */
    synchronized boolean streamStood() {
        return stood;
    }

    @Override
    public synchronized void close() {
        for (Connection c : new Connection[] {source, target}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the comparison is over; a connection that fails to close changes nothing in it
                }
            }
        }
    }
}
