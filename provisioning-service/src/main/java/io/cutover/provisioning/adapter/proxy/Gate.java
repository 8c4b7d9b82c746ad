package io.cutover.provisioning.adapter.proxy;

import java.time.Duration;

/** Closed while traffic is held: connections and queries wait at it; it opens by itself after the hold's limit. */
final class Gate {

    private boolean closed;
    private long closedAt;
    private long deadline;

    synchronized void close(Duration maxHold) {
        if (!closed) {
            closed = true;
            closedAt = System.nanoTime();
        }
        deadline = System.nanoTime() + maxHold.toNanos();
    }

    /** Opens the gate; returns how long it was closed, in millis (0 when it was open). */
    synchronized long open() {
        if (!closed) {
            return 0;
        }
        closed = false;
        notifyAll();
        return (System.nanoTime() - closedAt) / 1_000_000;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Waits while the gate is closed, at most until the hold's limit. */
    synchronized void pass() throws InterruptedException {
        while (closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                open();
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
