package io.cutover.coordinator.domain;

/** How data moves: offline (writes fenced for the whole copy) or online (CDC, fenced only for the switch). */
public enum Mode {
    OFFLINE, ONLINE
}
