package io.cutover.coordinator.application;

import java.util.Map;

/**
 * Writes an operator's intent to the coordinator's request topic. The idempotency key is the cutover id with the
 * intent: the saga refuses a second create of the same id and a start of a cutover that is no longer CREATED.
 * Each call returns once the broker has acknowledged the intent.
 */
public interface IntentPublisher {

    void create(String id, Map<String, Object> planDocument);

    void start(String id);

    void abort(String id, String reason);
}
