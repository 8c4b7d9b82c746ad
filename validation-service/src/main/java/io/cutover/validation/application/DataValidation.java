package io.cutover.validation.application;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
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

    /** A pass over data that may still change, and the rows that differed in it: all of a table, or some keys. */
    record Pass(List<TableValidation> tables, Map<String, ChangedKeys.Selection> differing) {
    }

    /** Compares every row, like {@link #validate}, and also names every row that differed. */
    Pass baseline(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables, Progress progress)
            throws Exception;

    /** Compares only the selected rows of the selected tables; a whole selection compares the table in full. */
    default Pass validateSelected(DatabaseEndpoint source, DatabaseEndpoint target,
                                  Map<String, ChangedKeys.Selection> selected, Progress progress) throws Exception {
        return validateSelection(source, target, c -> selected, progress);
    }

    /** Reads from the target which rows a comparison of selected rows compares. */
    @FunctionalInterface
    interface Selector {
        Map<String, ChangedKeys.Selection> select(Connection target) throws SQLException;
    }

    /**
     * Like {@link #validateSelected}, with the selection read from the target as the comparison begins: inside
     * the write stall, its connections open while it is read.
     */
    Pass validateSelection(DatabaseEndpoint source, DatabaseEndpoint target, Selector selector, Progress progress)
            throws Exception;

    /**
     * Holds each query of a comparison back until it may go: a comparison while an online sync runs competes with
     * the stream for the machine, and must not make the stream fall behind.
     */
    @FunctionalInterface
    interface Pace {
        /** Goes on at once. */
        Pace NONE = () -> { };

        void await() throws Exception;
    }

    /** The same comparison, each of whose queries waits for the pace first. */
    DataValidation paced(Pace pace);

    static boolean equal(TableValidation t) {
        return t.getSourceRows() == t.getTargetRows() && t.getMissing() == 0 && t.getExtra() == 0
                && t.getDifferent() == 0;
    }
}
