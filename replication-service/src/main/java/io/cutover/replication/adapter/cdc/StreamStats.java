package io.cutover.replication.adapter.cdc;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one stream, shared by the apply thread and the watch: positions, counts, and the latency of each
 * applied commit (target commit time minus source commit time). Heartbeats the watch writes to the source give a
 * latency even when the application writes nothing, and show a stalled stream by the age of the oldest unapplied.
 */
final class StreamStats {

    private static final int MAX_SAMPLES = 500_000;

    private long receivedLsn;
    private long appliedLsn;
    private long appliedTransactions;
    private long appliedChanges;
    private long targetCommits;
    private long skippedTransactions;
    private long lastLatencyMillis;
    private long sourceLsn;
    private long slotRetentionBytes;
    private long applyBusyNanos;
    private long orderedRetries;
    private long restarts;
    private boolean delivering;
    private final long startedNanos = System.nanoTime();
    private final Deque<Long> heartbeatsInFlight = new ArrayDeque<>();
    /** Heartbeats read by the stream but not yet committed on the target, by emission time. */
    private final Deque<Long> heartbeatsRead = new ArrayDeque<>();
    private long[] latencies = new long[1024];
    private int latencyCount;
    private final Deque<long[]> rateWindow = new ArrayDeque<>();

    synchronized void received(long lsn) {
        receivedLsn = Math.max(receivedLsn, lsn);
        delivering = true;
    }

    /** Whether the engine has handed over anything yet (its heartbeats come within milliseconds once it streams). */
    synchronized boolean delivering() {
        return delivering;
    }

    synchronized void applied(long transactions, long changes, long lsn, long oldestCommitMillis) {
        appliedTransactions += transactions;
        appliedChanges += changes;
        targetCommits++;
        appliedLsn = Math.max(appliedLsn, lsn);
        receivedLsn = Math.max(receivedLsn, lsn);
        lastLatencyMillis = Math.max(0, System.currentTimeMillis() - oldestCommitMillis);
        heartbeatsRead.clear(); // committed: whatever was read before this commit is applied
        if (latencyCount == latencies.length && latencies.length < MAX_SAMPLES) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount % latencies.length] = lastLatencyMillis;
        latencyCount++;
    }

    /** Time spent applying a batch: against the stream's age it shows whether the target is the bottleneck. */
    synchronized void busy(long nanos) {
        applyBusyNanos += nanos;
    }

    synchronized void startAt(long lsn) {
        appliedLsn = Math.max(appliedLsn, lsn);
        receivedLsn = Math.max(receivedLsn, lsn);
    }

    /** Bulk statements failed and the changes were applied one by one instead. */
    synchronized void orderedRetry() {
        orderedRetries++;
    }

    /** The source's session ended under the stream, and a new one started from what the target holds. */
    synchronized void restarted() {
        restarts++;
    }

    synchronized void skipped() {
        skippedTransactions++;
    }

    synchronized void heartbeatEmitted(long millis) {
        heartbeatsInFlight.addLast(millis);
    }

    /** A heartbeat reached the apply: it and every older one are through. */
    synchronized void heartbeatReceived(long emittedMillis) {
        while (!heartbeatsInFlight.isEmpty() && heartbeatsInFlight.peekFirst() <= emittedMillis) {
            heartbeatsRead.addLast(heartbeatsInFlight.removeFirst());
        }
    }

    synchronized void source(long currentLsn, long retentionBytes) {
        sourceLsn = currentLsn;
        slotRetentionBytes = retentionBytes;
        long now = System.currentTimeMillis();
        rateWindow.addLast(new long[] {now, appliedChanges, appliedLsn});
        while (rateWindow.size() > 2 && now - rateWindow.peekFirst()[0] > 5_000) {
            rateWindow.removeFirst();
        }
    }

    synchronized long appliedLsn() {
        return appliedLsn;
    }

    /** How far behind the target is, in time: the last commit's latency, or longer if a heartbeat is stuck. */
    synchronized long lagMillis() {
        return Math.max(lastLatencyMillis, Math.max(readLagMillis(), applyLagMillis()));
    }

    /** How long the oldest heartbeat not yet read by the stream has been waiting: the read side of the lag. */
    synchronized long readLagMillis() {
        return heartbeatsInFlight.isEmpty() ? 0 : System.currentTimeMillis() - heartbeatsInFlight.peekFirst();
    }

    /** How long the oldest heartbeat read but not yet committed on the target has been waiting: the apply side. */
    synchronized long applyLagMillis() {
        return heartbeatsRead.isEmpty() ? 0 : System.currentTimeMillis() - heartbeatsRead.peekFirst();
    }

    synchronized long lagBytes() {
        return Math.max(0, sourceLsn - appliedLsn);
    }

    synchronized long readLagBytes() {
        return Math.max(0, sourceLsn - receivedLsn);
    }

    /** Changes applied per second over the last few seconds. */
    synchronized long applyRate() {
        return perSecond(1);
    }

    /** Source WAL bytes applied per second over the last few seconds. */
    synchronized long applyBytesRate() {
        return perSecond(2);
    }

    /** The growth per second of one figure of the rate window (1: changes, 2: applied position). */
    private long perSecond(int figure) {
        if (rateWindow.size() < 2) {
            return 0;
        }
        long[] first = rateWindow.peekFirst();
        long[] last = rateWindow.peekLast();
        return (last[figure] - first[figure]) * 1000 / Math.max(1, last[0] - first[0]);
    }

    /** How long the backlog takes to apply at the current rate; -1 when nothing is being applied yet. */
    synchronized long drainEtaMillis() {
        long lag = lagBytes();
        if (lag < 64 * 1024) {
            return 0;
        }
        long rate = applyBytesRate();
        return rate <= 0 ? -1 : lag * 1000 / rate;
    }

    /** The commit latencies so far, sorted: one sort serves every percentile of a report. */
    private long[] sortedLatencies() {
        long[] copy = Arrays.copyOf(latencies, Math.min(latencyCount, latencies.length));
        Arrays.sort(copy);
        return copy;
    }

    private static long percentile(long[] sorted, double p) {
        int n = sorted.length;
        return n == 0 ? 0 : sorted[(int) Math.min(n - 1, Math.ceil(p * n) - 1)];
    }

    synchronized Map<String, Long> figures() {
        Map<String, Long> f = new TreeMap<>();
        f.put("lagMillis", lagMillis());
        f.put("readLagMillis", readLagMillis());
        f.put("applyLagMillis", applyLagMillis());
        f.put("lagBytes", lagBytes());
        f.put("readLagBytes", readLagBytes());
        f.put("applyLagBytes", Math.max(0, receivedLsn - appliedLsn));
        f.put("applyRate", applyRate());
        f.put("drainEtaMillis", drainEtaMillis());
        f.put("appliedTransactions", appliedTransactions);
        f.put("appliedChanges", appliedChanges);
        f.put("targetCommits", targetCommits);
        f.put("repeatedTransactionsSkipped", skippedTransactions);
        long[] sorted = sortedLatencies();
        f.put("lagP50Millis", percentile(sorted, 0.50));
        f.put("lagP99Millis", percentile(sorted, 0.99));
        f.put("lagMaxMillis", percentile(sorted, 1.0));
        f.put("slotRetentionBytes", slotRetentionBytes);
        f.put("orderedRetries", orderedRetries);
        f.put("streamRestarts", restarts);
        f.put("applyBusyPercent", applyBusyNanos * 100 / Math.max(1, System.nanoTime() - startedNanos));
        return f;
    }
}
