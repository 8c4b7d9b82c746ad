package io.cutover.localstack;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** The lag the cutover reported at each beat of its online steps, as the admin API showed it. */
final class LagSeries {

    /** One beat: seconds since the first, lag in millis, changes applied per second. */
    record Point(double seconds, long lagMillis, long applyRate) {
    }

    private final List<Point> points = new ArrayList<>();
    private long first = -1;
    private String lastSeen = "";

    void accept(JsonNode state) {
        for (JsonNode step : state.get("steps")) {
            String name = step.get("name").asString();
            JsonNode m = step.get("metrics");
            // the beats of the running online step; a finished step keeps its last figures, which are not new
            if (!(name.equals("AWAIT_CATCH_UP") || name.equals("DRAIN_REPLICATION")) || !m.has("lagMillis")
                    || !step.get("status").asString().equals("RUNNING")) {
                continue;
            }
            String key = name + m.get("lagMillis") + m.get("appliedTransactions");
            if (key.equals(lastSeen)) {
                continue;
            }
            lastSeen = key;
            long now = System.currentTimeMillis();
            if (first < 0) {
                first = now;
            }
            points.add(new Point((now - first) / 1000.0, m.get("lagMillis").asLong(),
                    m.has("applyRate") ? m.get("applyRate").asLong() : 0));
        }
    }

    List<Point> points() {
        return List.copyOf(points);
    }
}
