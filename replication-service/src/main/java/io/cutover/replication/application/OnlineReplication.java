package io.cutover.replication.application;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.cutover.kit.Progress;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;

/**
 * Online sync of one cutover: a copy consistent with a change stream, then the stream applied to the target. The
 * idempotency key of every operation is the cutover id: the state (slot, copy done, applied position) lives in the
 * source's slot and the target's cutover_state schema, so a re-sent command, or one sent to a restarted service,
 * resumes where the last one stood and never applies a change twice.
 */
public interface OnlineReplication {

    /** What an operation did, for the outcome and the report. */
    record Result(String summary, Map<String, Long> figures) {
    }

    /** Copies what is not copied yet and makes sure the stream runs. */
    Result start(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                 int parallelism, OnlineSync sync, Progress progress) throws Exception;

    /** Returns once the lag is under maxLagMillis and the drain ETA fits the budget; reports lag at each beat. */
    Result awaitCatchUp(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                        OnlineSync sync, long maxLagMillis, long budgetMillis, Progress progress) throws Exception;

    /**
     * With the source fenced: waits until the target has applied the source's final position, sets the sequences,
     * and holds the stream, which applies nothing more; {@link #finish} ends it after the switch. Fails at the
     * deadline. Sent again after a drain that did not end, it starts the stream again from the slot.
     */
    Result drain(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                 OnlineSync sync, Instant deadline, Progress progress) throws Exception;

    /** Stops the stream and drops the slot and publication; tolerates a sync that never started. */
    Result stop(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target) throws Exception;

    /**
     * After the switch: stops the stream and, unless keepSlot, drops the slot and publication; fails, after that,
     * when the slot held a row change after the drain's final position (a write past the fence).
     */
    Result finish(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, boolean keepSlot)
            throws Exception;
}
