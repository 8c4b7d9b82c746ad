package io.cutover.coordinator.domain;

import java.time.Duration;

/**
 * One step of a saga: the command it sends, the outcome that completes it, the typed failure, how long it may take
 * (a plan may override it), and the compensation that undoes it. Message names are the Avro record names.
 */
public record StepDefinition(StepName name, String command, String succeededEvent, String failedEvent,
                             Duration timeout, Compensation compensation, boolean irreversible,
                             boolean writeStall) {

    /** Undoes a step; must tolerate the step never having run (a timed-out command has an unknown outcome). */
    public record Compensation(String command, String succeededEvent, String failedEvent) {
    }

    public static StepDefinition step(StepName name) {
        return new StepDefinition(name, null, null, null, null, null, false, false);
    }

    public StepDefinition sends(String commandName) {
        return new StepDefinition(name, commandName, succeededEvent, failedEvent, timeout, compensation,
                irreversible, writeStall);
    }

    public StepDefinition succeedsOn(String event) {
        return new StepDefinition(name, command, event, failedEvent, timeout, compensation, irreversible,
                writeStall);
    }

    public StepDefinition failsOn(String event) {
        return new StepDefinition(name, command, succeededEvent, event, timeout, compensation, irreversible,
                writeStall);
    }

    public StepDefinition timeout(Duration limit) {
        return new StepDefinition(name, command, succeededEvent, failedEvent, limit, compensation, irreversible,
                writeStall);
    }

    public StepDefinition compensatedBy(String commandName, String succeeded, String failed) {
        return new StepDefinition(name, command, succeededEvent, failedEvent, timeout,
                new Compensation(commandName, succeeded, failed), irreversible, writeStall);
    }

    /** Once this step has succeeded the cutover no longer compensates; going back is a fallback decision. */
    public StepDefinition pointOfNoReturn() {
        return new StepDefinition(name, command, succeededEvent, failedEvent, timeout, compensation, true,
                writeStall);
    }

    /**
     * The applications' writes stall while this step runs: from the first such step on, every one of them must end
     * within the plan's downtime budget, or the cutover gives up and compensates (releasing the source).
     */
    public StepDefinition withinWriteStall() {
        return new StepDefinition(name, command, succeededEvent, failedEvent, timeout, compensation, irreversible,
                true);
    }

    public Duration timeoutFor(Plan plan) {
        return plan.stepTimeouts().getOrDefault(name, timeout);
    }
}
