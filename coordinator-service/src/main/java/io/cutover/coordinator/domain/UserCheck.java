package io.cutover.coordinator.domain;

/**
 * A check of the plan's own, run with the readiness checks: a SQL query on the source or the target (first value
 * equal to expect; any result when expect is null), or an HTTP GET of url answering expectStatus.
 */
public record UserCheck(String name, String sql, String on, String expect, String url, int expectStatus) {

    public boolean http() {
        return url != null;
    }
}
