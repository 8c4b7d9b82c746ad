package io.cutover.coordinator.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test data: plan documents as a user would write them, and the plans they read to. */
public final class Plans {

    private Plans() {
    }

    public static Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("title", "Orders DB to Azure");
        doc.put("mode", "offline");
        doc.put("source", endpoint("localhost", 5432, "shop"));
        doc.put("target", endpoint("localhost", 5433, "shop"));
        doc.put("downtimeBudget", "30m");
        doc.put("stakeholders", new ArrayList<>(List.of(
                Map.of("name", "Ops", "email", "ops@example.com", "role", "IT_STAFF"),
                Map.of("name", "Owner", "email", "owner@example.com", "role", "application-owner"))));
        return doc;
    }

    public static Map<String, Object> endpoint(String host, int port, String database) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("host", host);
        e.put("port", port);
        e.put("database", database);
        e.put("user", "cutover");
        e.put("password", "s3cret");
        return e;
    }

    public static Plan plan() {
        return PlanReader.read(document());
    }
}
