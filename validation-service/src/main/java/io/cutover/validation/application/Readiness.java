package io.cutover.validation.application;

import java.util.List;

import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.UserCheck;

/** Checks that a cutover can run before any data moves. Read-only, so it may run any number of times. */
public interface Readiness {

    /** What passed and what failed; a cutover proceeds only when problems is empty. */
    record Report(List<String> passed, List<String> problems) {
    }

    Report check(DatabaseEndpoint source, DatabaseEndpoint target, List<String> tables, List<UserCheck> checks);
}
