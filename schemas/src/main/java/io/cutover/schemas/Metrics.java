package io.cutover.schemas;

/** Names of outcome metrics that other services read, not only people. */
public final class Metrics {

    /** ReadinessConfirmed: the source's median time of a critical query, in microseconds; the name follows. */
    public static final String BASELINE_MICROS = "baselineMicros:";
    /** CutoverVerified: the target's median time of a critical query, in microseconds; the name follows. */
    public static final String TARGET_MICROS = "targetMicros:";

    private Metrics() {
    }
}
