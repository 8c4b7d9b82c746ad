package io.cutover.kit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Figures and a one-line summary of running work, read by the beat. Safe to update from many threads. */
public final class Progress {

    private final Map<String, AtomicLong> figures = new ConcurrentHashMap<>();
    private volatile String summary = "";

    public void add(String figure, long delta) {
        figures.computeIfAbsent(figure, k -> new AtomicLong()).addAndGet(delta);
    }

    public void set(String figure, long value) {
        figures.computeIfAbsent(figure, k -> new AtomicLong()).set(value);
    }

    public long get(String figure) {
        AtomicLong v = figures.get(figure);
        return v == null ? 0 : v.get();
    }

    public void summary(String text) {
        summary = text;
    }

    public String summary() {
        return summary;
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        figures.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
