package io.cutover.localstack;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Prints each step as it starts and ends, and its progress summary when it changes (at most every 2 s). */
final class ProgressPrinter {

    private final PrintStream out;
    private final Map<String, String> seen = new HashMap<>();
    private long lastProgress;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    void accept(JsonNode state) {
        for (JsonNode step : state.get("steps")) {
            String name = step.get("name").asString();
            String status = step.get("status").asString();
            String summary = text(step, "summary");
            String key = name + ":" + status;
            if (status.equals("PENDING")) {
                continue;
            }
            if (!seen.containsKey(key)) {
                seen.put(key, summary);
                out.printf("  %-20s %-20s %s%n", name, status, describe(step, status));
            } else if (status.equals("RUNNING") && !summary.equals(seen.get(key))
                    && System.currentTimeMillis() - lastProgress > 2000) {
                seen.put(key, summary);
                lastProgress = System.currentTimeMillis();
                out.printf("  %-20s %-20s %s%n", name, "…", summary);
            }
        }
    }

    private static String describe(JsonNode step, String status) {
        return switch (status) {
            case "SUCCEEDED", "COMPENSATED" -> text(step, "summary");
            case "FAILED", "TIMED_OUT", "COMPENSATION_FAILED" -> text(step, "lastError");
            default -> "";
        };
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }
}
