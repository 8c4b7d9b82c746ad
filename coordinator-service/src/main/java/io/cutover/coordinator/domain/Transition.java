package io.cutover.coordinator.domain;

import java.util.List;

/**
 * The result of one saga step: the new state, the commands to send and the notices to publish.
 * changed is false for an outcome that arrived late or twice and was recognised as such.
 */
public record Transition(CutoverState state, List<CommandRequest> commands, List<Notice> notices, boolean changed) {

    public Transition {
        commands = List.copyOf(commands);
        notices = List.copyOf(notices);
    }
}
