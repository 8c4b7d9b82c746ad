package io.cutover.provisioning.application;

import io.cutover.schemas.DatabaseEndpoint;

/**
 * Makes sure the target database exists and can be reached. Idempotent by target endpoint: provisioning an
 * existing, reachable target changes nothing and succeeds.
 */
public interface TargetProvider {

    /** @return a one-line summary for people */
    String provision(DatabaseEndpoint target) throws Exception;
}
