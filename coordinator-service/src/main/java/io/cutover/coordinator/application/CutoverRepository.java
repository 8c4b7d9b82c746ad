package io.cutover.coordinator.application;

import java.util.List;
import java.util.Optional;

import io.cutover.coordinator.domain.CutoverState;

/** Reads saga state. Read-only: state changes only through intents processed by the saga. */
public interface CutoverRepository {

    Optional<CutoverState> find(String id);

    List<CutoverState> all();
}
