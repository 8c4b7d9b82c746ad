package io.cutover.coordinator.adapter.web;

import java.util.List;
import java.util.Map;

import io.cutover.coordinator.domain.InvalidPlanException;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads a plan written in YAML or JSON (JSON is read as YAML) into a document for the plan reader. */
final class PlanDocumentParser {

    private final YAMLMapper yaml = YAMLMapper.builder().build();

    @SuppressWarnings("unchecked")
    Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidPlanException(List.of("the plan is empty"));
        }
        Object doc;
        try {
            doc = yaml.readValue(body, Object.class);
        } catch (JacksonException e) {
            throw new InvalidPlanException(List.of("the plan is neither valid YAML nor JSON: "
                    + e.getOriginalMessage() + location(e)));
        }
        if (!(doc instanceof Map)) {
            throw new InvalidPlanException(List.of("the plan must be an object with settings, not "
                    + (doc == null ? "nothing" : doc.getClass().getSimpleName())));
        }
        return (Map<String, Object>) doc;
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
