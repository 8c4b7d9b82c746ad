package io.cutover.validation.application;

import java.util.List;

import io.cutover.kit.Progress;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.TableValidation;

/**
 * Proves source and target hold the same data, table by table, and names the rows that differ. Read-only, so a
 * re-sent command simply compares again.
 */
public interface DataValidation {

    /** One result per table; a table is equal when missing, extra and different are all zero and counts match. */
    List<TableValidation> validate(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                                   Progress progress) throws Exception;

    static boolean equal(TableValidation t) {
        return t.getSourceRows() == t.getTargetRows() && t.getMissing() == 0 && t.getExtra() == 0
                && t.getDifferent() == 0;
    }
}
