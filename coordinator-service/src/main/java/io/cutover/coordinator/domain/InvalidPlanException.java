package io.cutover.coordinator.domain;

import java.util.List;

/** A plan that cannot run; names every problem found, not just the first. */
public class InvalidPlanException extends RuntimeException {

    private final List<String> problems;

    public InvalidPlanException(List<String> problems) {
        super("invalid plan: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
