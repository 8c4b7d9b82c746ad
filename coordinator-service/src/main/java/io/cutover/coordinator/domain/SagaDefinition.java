package io.cutover.coordinator.domain;

import java.util.List;

/** The ordered steps of a cutover. */
public record SagaDefinition(List<StepDefinition> steps) {

    public SagaDefinition {
        steps = List.copyOf(steps);
        for (StepDefinition s : steps) {
            if (s.command() == null || s.succeededEvent() == null || s.failedEvent() == null || s.timeout() == null) {
                throw new IllegalArgumentException("step " + s.name() + " needs a command, outcomes and a timeout");
            }
        }
    }

    public static SagaDefinition of(StepDefinition... steps) {
        return new SagaDefinition(List.of(steps));
    }

    public StepDefinition step(StepName name) {
        return steps.stream().filter(s -> s.name() == name).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + name + " in this saga"));
    }
}
