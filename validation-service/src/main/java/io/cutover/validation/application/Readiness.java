package io.cutover.validation.application;

import java.util.List;

import java.util.Map;

import io.cutover.schemas.CriticalQuery;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.OnlineSync;
import io.cutover.schemas.UserCheck;

/** Checks that a cutover can run before any data moves. Read-only, so it may run any number of times. */
public interface Readiness {

    /** What passed and what failed, and figures measured; a cutover proceeds only when problems is empty. */
    record Report(List<String> passed, List<String> problems, Map<String, Long> figures) {

        public Report(List<String> passed, List<String> problems) {
            this(passed, problems, Map.of());
        }
    }

    /**
     * Checks readiness; the critical queries are timed on the source, as figures "baselineMicros:NAME". With online
     * settings (null for an offline cutover) the prerequisites of logical replication are checked too. With the
     * target's storage size (-1 when unknown) its free space is estimated against the source's size.
     */
    Report check(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables, List<UserCheck> checks,
                 List<CriticalQuery> criticalQueries, OnlineSync online, long targetStorageBytes);

    /** Readiness of an offline cutover. */
    default Report check(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables,
                         List<UserCheck> checks, List<CriticalQuery> criticalQueries) {
        return check(source, target, tables, checks, criticalQueries, null, -1);
    }

    /** After the redirect: the smoke checks on the target, and the critical queries timed there. */
    Report verify(DatabaseEndpoint target, List<UserCheck> smoke, List<CriticalQuery> criticalQueries);
}
