package io.cutover.provisioning.application;

/**
 * Where application traffic goes. Idempotent by upstream: pointing at the current upstream again changes nothing.
 */
public interface TrafficSwitch {

    /** Sends new traffic to host:port and ends connections to the old upstream; returns the upstream now in use. */
    String pointTo(String host, int port) throws Exception;

    /** host:port that new connections go to. */
    String upstream();
}
