package io.cutover.validation.application;

import java.util.List;

import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.TableCount;

/** Exact row count of each table on both sides. Read-only, so it may run any number of times. */
public interface RowCounts {

    List<TableCount> count(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables) throws Exception;
}
