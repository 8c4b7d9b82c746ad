package io.cutover.provisioning.application;

import java.time.Duration;

/**
 * Where application traffic goes. Idempotent by upstream: pointing at the current upstream again changes nothing;
 * holding twice keeps one hold, and releasing without a hold changes nothing.
 */
public interface TrafficSwitch {

    /**
     * Sends new traffic to host:port and ends connections to the old upstream; returns the upstream now in use.
     * Releases a hold: the queries it held go on to the new upstream.
     */
    String pointTo(String host, int port) throws Exception;

    /**
     * Holds new connections and new queries on open ones until {@link #release} or {@link #pointTo}, or until
     * maxHold has passed, so that a forgotten hold never stalls the applications for good.
     */
    void hold(Duration maxHold);

    /** Lets what was held go on to the current upstream; returns for how long traffic was held, in millis. */
    long release();

    /** host:port that new connections go to. */
    String upstream();
}
