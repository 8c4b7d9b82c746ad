package io.cutover.coordinator.domain;

import java.util.Map;

/** Where one database lives and how to log in. */
public record Endpoint(String host, int port, String database, String user, Secret password,
                       Map<String, String> options) {

    public Endpoint {
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /** host:port/database, for people; carries no credential. */
    public String describe() {
        return host + ":" + port + "/" + database;
    }
}
