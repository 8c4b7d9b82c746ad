package io.cutover.localstack;

/** The plan local-stack submits: the sample database from the source server to the target server. */
public final class SamplePlan {

    /** How many stakeholders the sample plan names; each gets the announcement and the final notice. */
    public static final int STAKEHOLDERS = 3;

    private SamplePlan() {
    }

    public static String json(String title, int sourcePort, int targetPort, String database, int parallelism,
                              String stakeholderDomain) {
        return json(title, sourcePort, targetPort, database, parallelism, stakeholderDomain, "offline", "30m");
    }

    /**
     * The sample plan in either mode. Online, the write stall may last downtimeBudget at most, and the switch
     * waits until the target is within half a second of the source.
     */
    public static String json(String title, int sourcePort, int targetPort, String database, int parallelism,
                              String stakeholderDomain, String mode, String downtimeBudget) {
        String online = mode.equals("online") ? "\"online\": {\"maxLag\": \"500ms\"}," : "";
        return """
                {
                  "title": "%s",
                  "mode": "%s", %s
                  "source": {"host": "127.0.0.1", "port": %d, "database": "%s", "user": "postgres", "password": ""},
                  "target": {"host": "127.0.0.1", "port": %d, "database": "%s", "user": "postgres", "password": ""},
                  "parallelism": %d,
                  "downtimeBudget": "%s",
                  "heartbeatTimeout": "30s",
                  "smoke": [
                    {"name": "orders readable", "sql": "SELECT count(*) > 0 FROM orders", "expect": "t"}
                  ],
                  "criticalQueries": [
                    {"name": "a customer's recent orders",
                     "sql": "SELECT * FROM orders WHERE customer_id = 42 ORDER BY placed_at DESC LIMIT 20"}
                  ],
                  "stakeholders": [
                    {"name": "Platform team", "email": "platform@%s", "role": "IT_STAFF"},
                    {"name": "Shop owner", "email": "owner@%s", "role": "APPLICATION_OWNER"},
                    {"name": "Support desk", "email": "support@%s", "role": "SUPPORT"}
                  ]
                }""".formatted(title, mode, online, sourcePort, database, targetPort, database, parallelism,
                downtimeBudget, stakeholderDomain, stakeholderDomain, stakeholderDomain);
    }
}
