package io.cutover.coordinator.domain;

import java.util.Map;

/**
 * A command the saga wants sent. The adapter fills in the connection details from the plan.
 *
 * @param name the Avro record name, for example TransferData
 * @param step the step it belongs to ({@link #NOTIFY} for end-of-cutover notices)
 */
public record CommandRequest(String name, String step, int attempt, Map<String, String> args) {

    public static final String NOTIFY = "NOTIFY";

    public CommandRequest {
        args = Map.copyOf(args);
    }
}
