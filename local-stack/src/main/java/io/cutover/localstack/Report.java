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
        JsonNode verification = null;
        for (JsonNode step : state.get("steps")) {
            String name = text(step, "name");
            String detail = text(step, "lastError").isEmpty() ? text(step, "summary")
                    : text(step, "lastError");
            out.printf("  %-20s %-12s %9s %8d  %s%n", name, text(step, "status"),
                    step.get("durationMillis").isNull() ? "-" : seconds(step.get("durationMillis").asLong()),
                    step.get("attempts").asInt(), detail);
            if (name.equals("TRANSFER_DATA")) {
                transfer = step;
            } else if (name.equals("VALIDATE_DATA")) {
                validation = step;
            } else if (name.equals("VERIFY_TARGET")) {
                verification = step;
            }
        }
        out.println();
        if (transfer != null && transfer.get("metrics").has("rows")) {
            JsonNode m = transfer.get("metrics");
            double s = Math.max(1, m.get("durationMillis").asLong()) / 1000.0;
            out.printf("Transfer:   %,d rows, %.1f MB in %.2f s: %,.0f rows/s, %.1f MB/s "
                            + "(schema %s, data %s, indexes and constraints %s); %d sequences set%n",
                    m.get("rows").asLong(), m.get("bytes").asLong() / 1e6, s, m.get("rows").asLong() / s,
                    m.get("bytes").asLong() / 1e6 / s, seconds(m.get("schemaMillis").asLong()),
                    seconds(m.get("dataMillis").asLong()), seconds(m.get("postDataMillis").asLong()),
                    m.get("sequences").asLong());
        }
        if (validation != null) {
            String v = text(validation, "lastError").isEmpty() ? text(validation, "summary")
                    : text(validation, "lastError");
            out.println("Validation: " + (v.isEmpty() ? "not run" : v));
            validation.get("details").forEach(d -> out.println("            " + d.asString()));
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

    static String seconds(long millis) {
        return String.format("%.2f s", millis / 1000.0);
    }
}
