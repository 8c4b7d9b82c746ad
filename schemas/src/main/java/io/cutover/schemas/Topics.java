package io.cutover.schemas;

import java.util.List;

/** Every Kafka topic Cutover uses. Keys are cutover ids everywhere. */
public final class Topics {

    /** Admin intents (create, start, abort) written by the admin API, read by the coordinator. Value: CutoverRequest. */
    public static final String REQUESTS = "cutover.requests";
    /** Outcomes of every participant, read by the coordinator. Value: Outcome. */
    public static final String OUTCOMES = "cutover.outcomes";
    /** Commands for the notification-service. Value: Command. */
    public static final String NOTIFICATION_COMMANDS = "cutover.commands.notification";
    /** Commands for the provisioning-service. Value: Command. */
    public static final String PROVISIONING_COMMANDS = "cutover.commands.provisioning";
    /** Commands for the replication-service. Value: Command. */
    public static final String REPLICATION_COMMANDS = "cutover.commands.replication";
    /** Commands for the validation-service. Value: Command. */
    public static final String VALIDATION_COMMANDS = "cutover.commands.validation";
    /** Public lifecycle events other systems subscribe to. Value: LifecycleEvent. */
    public static final String LIFECYCLE = "cutover.lifecycle";
    /** Messages no service could process, with the reason in headers. Value: the original bytes. */
    public static final String DEAD_LETTER = "cutover.dead-letter";

    /** Header on dead letters naming why the message was refused. */
    public static final String DEAD_LETTER_REASON_HEADER = "cutover-dead-letter-reason";

    private Topics() {
    }

    public static List<String> all() {
        return List.of(REQUESTS, OUTCOMES, NOTIFICATION_COMMANDS, PROVISIONING_COMMANDS, REPLICATION_COMMANDS,
                VALIDATION_COMMANDS, LIFECYCLE, DEAD_LETTER);
    }
}
