package io.cutover.replication.application;

import java.util.List;
import java.util.Map;

import io.cutover.kit.Progress;
import io.cutover.schemas.DatabaseEndpoint;

/**
 * Copies schema, data, indexes, constraints and sequences from source to target. Idempotent by cutover id: it keeps
 * checkpoints in the target database, so a re-sent command resumes and never duplicates a row.
 */
public interface DataTransfer {

    /** What was copied, for the outcome and the report. */
    record Result(String summary, Map<String, Long> figures) {
    }

    Result transfer(String cutoverId, DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                    int parallelism, Progress progress) throws Exception;
}
