package io.cutover.localstack;

import static io.cutover.localstack.ProgressPrinter.text;

import java.io.PrintStream;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** The final report of a local cutover. */
final class Report {

    /** An email the SMTP server received. */
    record Email(String to, String subject) {
    }

    private Report() {
    }

    static void print(PrintStream out, JsonNode state, List<Email> emails, String proxyUpstream, int sourcePort,
                      int targetPort) {
        out.println();
        out.printf("Cutover \"%s\" %s%s%n", text(state, "title"), text(state, "status"),
                state.get("durationMillis").isNull() ? "" : " in " + seconds(state.get("durationMillis").asLong()));
        if (!text(state, "failureReason").isEmpty()) {
            out.println("Reason: " + text(state, "failureReason"));
        }
        out.println();
        out.printf("  %-20s %-12s %9s %8s  %s%n", "step", "status", "duration", "attempts", "result");
        JsonNode transfer = null;
        JsonNode validation = null;
        JsonNode recentValidation = null;
        JsonNode finalValidation = null;
        JsonNode verification = null;
        for (JsonNode step : state.get("steps")) {
            String name = text(step, "name");
            String detail = result(step);
            out.printf("  %-20s %-12s %9s %8d  %s%n", name, text(step, "status"),
                    step.get("durationMillis").isNull() ? "-" : seconds(step.get("durationMillis").asLong()),
                    step.get("attempts").asInt(), detail);
            if (name.equals("TRANSFER_DATA") || name.equals("START_REPLICATION")) {
                transfer = step;
            } else if (name.equals("VALIDATE_DATA")) {
                validation = step;
            } else if (name.equals("VALIDATE_RECENT")) {
                recentValidation = step;
            } else if (name.equals("VALIDATE_CHANGES")) {
                finalValidation = step;
            } else if (name.equals("VERIFY_TARGET")) {
                verification = step;
            }
        }
        out.println();
        if (transfer != null && transfer.get("metrics").has("rows")) {
            JsonNode m = transfer.get("metrics");
            double s = Math.max(1, m.get("durationMillis").asLong()) / 1000.0;
            out.printf((transfer.get("name").asString().equals("START_REPLICATION") ? "Initial copy (from the slot's"
                            + " snapshot): " : "Transfer:   ") + "%,d rows, %.1f MB in %.2f s: %,.0f rows/s, %.1f MB/s "
                            + "(schema %s, data %s, indexes and constraints %s); %d sequences set%n",
                    m.get("rows").asLong(), m.get("bytes").asLong() / 1e6, s, m.get("rows").asLong() / s,
                    m.get("bytes").asLong() / 1e6 / s, seconds(m.get("schemaMillis").asLong()),
                    seconds(m.get("dataMillis").asLong()), seconds(m.get("postDataMillis").asLong()),
                    m.get("sequences").asLong());
        }
        if (validation != null) {
            String v = result(validation);
            out.println("Validation: " + (v.isEmpty() ? "not run" : v));
            if (finalValidation != null && !validation.get("details").isEmpty()) {
                out.println("            the full pass, while the sync ran (rows on their way show as missing or"
                        + " different):");
            }
            validation.get("details").forEach(d -> out.println("            " + d.asString()));
            for (JsonNode later : new JsonNode[] {recentValidation, finalValidation}) {
                if (later != null && !text(later, "status").equals("PENDING")) {
                    out.println("            " + result(later));
                    if (later == finalValidation) {
                        later.get("details").forEach(d -> out.println("              " + d.asString()));
                    }
                }
            }
        }
        if (verification != null && !verification.get("details").isEmpty()) {
            out.println("On target:  after the switch");
            verification.get("details").forEach(d -> out.println("            " + d.asString()));
        }
        out.println("Emails:     " + emails.size() + " sent");
        emails.forEach(e -> out.printf("            %-28s %s%n", e.to(), e.subject()));
        String where = proxyUpstream.endsWith(":" + targetPort) ? "the target"
                : proxyUpstream.endsWith(":" + sourcePort) ? "the source" : "neither database";
        out.println("Proxy:      applications now reach " + where + " (" + proxyUpstream + ")");
    }

    /** What a step ended with: its last error, else its summary. */
    private static String result(JsonNode step) {
        return text(step, "lastError").isEmpty() ? text(step, "summary") : text(step, "lastError");
    }

    /** The online part: what the application saw, the stream's lag, and every acknowledged write checked. */
    static void printOnline(PrintStream out, JsonNode state, SyntheticApplication.Result app,
                            List<LagSeries.Point> lag, List<String> lost) {
        JsonNode drain = null;
        for (JsonNode step : state.get("steps")) {
            if (step.get("name").asString().equals("DRAIN_REPLICATION")) {
                drain = step;
            }
        }
        if (drain != null && drain.get("metrics").has("appliedChanges")) {
            JsonNode m = drain.get("metrics");
            out.printf("Stream:     %,d changes in %,d transactions applied; lag per commit p50 %,d ms, p99 %,d ms,"
                            + " max %,d ms (the first commits after the copy included); final catch-up %,d ms%n",
                    m.get("appliedChanges").asLong(), m.get("appliedTransactions").asLong(),
                    m.get("lagP50Millis").asLong(), m.get("lagP99Millis").asLong(), m.get("lagMaxMillis").asLong(),
                    m.has("catchUpMillis") ? m.get("catchUpMillis").asLong() : -1);
        }
        if (!lag.isEmpty()) {
            StringBuilder series = new StringBuilder();
            for (LagSeries.Point p : LagSeries.thinned(lag, 40)) {
                series.append(String.format(" %.0fs:%,dms@%,d/s", p.seconds(), p.lagMillis(), p.applyRate()));
            }
            out.println("Lag:        over time (seconds since the stream started: lag at apply rate):" + series);
            long[] steady = LagSeries.steady(lag);
            out.println(steady.length == 0
                    ? String.format("            the stream never caught up with the copy's backlog (lag under %,d ms)",
                            LagSeries.CAUGHT_UP_MILLIS)
                    : String.format("            once caught up with the copy's backlog (first applying with a lag"
                            + " under %,d ms):"
                            + " lag p50 %,d ms, p99 %,d ms, max %,d ms over %,d samples every 250 ms",
                            LagSeries.CAUGHT_UP_MILLIS, steady[0], steady[1], steady[2], steady[3]));
        }
        out.printf("Application: %,d transactions acknowledged in %d s (%,.0f/s); %,d failed attempts were retried,"
                        + " %d gave up%n", app.acks().size(), app.seconds(),
                app.acks().size() / (double) Math.max(1, app.seconds()), app.failedAttempts(), app.gaveUp());
        out.printf("Write stall: longest %,d ms without an acknowledged write; transaction latency p99 %.1f ms,"
                        + " max %.1f ms%n", app.longestGapMillis(), app.percentileMicros(0.99) / 1000.0,
                app.percentileMicros(1.0) / 1000.0);
        out.printf("Acknowledged writes lost: %d of %,d, each checked on the database the application now uses%s%n",
                lost.size(), app.acks().size(), lost.isEmpty() ? "" : " (" + String.join(", ",
                        lost.subList(0, Math.min(10, lost.size()))) + ")");
    }

    static String seconds(long millis) {
        return String.format("%.2f s", millis / 1000.0);
    }
}
