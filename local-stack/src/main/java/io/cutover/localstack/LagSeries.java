package io.cutover.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stream's lag over a cutover, sampled from the replication service at a steady beat: from the end of the
 * initial copy (when the stream starts) until the switch holds the application's writes. From then on the stream
 * drains the last writes (its final catch-up is reported on its own) and stops: its lag figures no longer measure
 * how far the target is behind an application that writes.
 */
final class LagSeries {

    /** One sample: seconds since the first, lag in millis, changes applied per second. */
    record Point(double seconds, long lagMillis, long applyRate) {
    }

    /**
     * Once the stream applies changes with a lag under this, it has caught up with the backlog the copy left: the
     * samples from then on are the steady state.
     */
    static final long CAUGHT_UP_MILLIS = 1_000;

    private final List<Point> points = new ArrayList<>();
    private long first = -1;
    private boolean ended;

    /** A sample of the stream's figures; none (no stream running) is not a sample, nor one after {@link #end}. */
    synchronized void sample(Map<String, Long> figures) {
        Long lag = figures.get("lagMillis");
        if (lag == null || ended) {
            return;
        }
        long now = System.currentTimeMillis();
        if (first < 0) {
            first = now;
        }
        points.add(new Point((now - first) / 1000.0, lag, figures.getOrDefault("applyRate", 0L)));
    }

    /** The switch began: no more samples. */
    synchronized void end() {
        ended = true;
    }

    synchronized List<Point> points() {
        return List.copyOf(points);
    }

    /**
     * Percentiles (p50, p99, max) and the number of samples of the lag once the stream had first caught up with the
     * backlog the copy left; empty when it never did.
     */
    static long[] steady(List<Point> points) {
        int from = 0;
        while (from < points.size()
                && (points.get(from).applyRate() == 0 || points.get(from).lagMillis() >= CAUGHT_UP_MILLIS)) {
            from++;
        }
        if (from == points.size()) {
            return new long[0];
        }
        long[] lags = points.subList(from, points.size()).stream().mapToLong(Point::lagMillis).sorted().toArray();
        return new long[] {at(lags, 0.50), at(lags, 0.99), lags[lags.length - 1], lags.length};
    }

    private static long at(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    /** Every n-th point, and the last: a line of the report stays readable over a long sync. */
    static List<Point> thinned(List<Point> points, int max) {
        if (points.size() <= max) {
            return points;
        }
        int step = (points.size() + max - 1) / max;
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i += step) {
            out.add(points.get(i));
        }
        if (!out.get(out.size() - 1).equals(points.get(points.size() - 1))) {
            out.add(points.get(points.size() - 1));
        }
        return out;
    }
}
