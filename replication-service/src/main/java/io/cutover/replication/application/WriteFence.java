package io.cutover.replication.application;

import io.cutover.schemas.DatabaseEndpoint;

/**
 * Stops and restarts writes on the source. Both are idempotent by source database, and unfence tolerates a source
 * that was never fenced (it is the compensation of a fence whose outcome may be unknown).
 */
public interface WriteFence {

    /** After it returns no new write can commit on the source. */
    String fence(DatabaseEndpoint source) throws Exception;

    /** After it returns the source takes writes again. */
    String unfence(DatabaseEndpoint source) throws Exception;
}
