package io.cutover.validation.adapter.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A half-open range of primary keys [from, to); a null bound is open. A bound may name only the first key columns
 * (the range then holds every key with that prefix in range). Keys are bound as text and cast to the key types, so
 * any key type works.
 */
record KeyRange(List<String> from, List<String> to) {

    String where(TableShape shape) {
        if (from == null && to == null) {
            return "true";
        }
        String lower = from == null ? null
                : shape.keyTuple(from.size()) + " >= " + shape.keyParameters(from.size());
        String upper = to == null ? null : shape.keyTuple(to.size()) + " < " + shape.keyParameters(to.size());
        return lower == null ? upper : upper == null ? lower : lower + " AND " + upper;
    }

    /** Binds the bounds from parameter {@code first} on; returns the next free index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        for (List<String> bound : java.util.Arrays.asList(from, to)) {
            if (bound != null) {
                for (String v : bound) {
                    ps.setString(i++, v);
                }
            }
        }
        return i;
    }
}
