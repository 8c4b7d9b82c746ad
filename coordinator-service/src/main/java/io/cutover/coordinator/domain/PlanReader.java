package io.cutover.coordinator.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a parsed plan document (YAML or JSON read into maps and lists) into a {@link Plan}, or refuses it naming
 * every problem with the path of the offending setting.
 */
public final class PlanReader {

    private static final Set<String> TOP_LEVEL = Set.of("title", "mode", "source", "target", "tables", "parallelism",
            "stakeholders", "downtimeBudget", "stepTimeouts", "compensationTimeout", "heartbeatTimeout",
            "maxAttempts", "checks", "smoke", "criticalQueries", "online", "targetStorage");
    private static final Set<String> ONLINE = Set.of("maxLag", "replicaIdentityFull", "slotRetentionAlarm",
            "keepSlot");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);
    private static final Set<String> QUERY = Set.of("name", "sql");
    private static final Set<String> CHECK = Set.of("name", "sql", "on", "expect", "http", "expectStatus");
    private static final Set<String> ENDPOINT = Set.of("host", "port", "database", "user", "password", "options");
    private static final Set<String> STAKEHOLDER = Set.of("name", "email", "role");
    private static final List<String> ROLES = List.of("IT_STAFF", "APPLICATION_OWNER", "END_USER", "SUPPORT");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final List<String> problems = new ArrayList<>();

    private PlanReader() {
    }

    /** @throws InvalidPlanException naming every problem */
    public static Plan read(Map<String, Object> document) {
        return new PlanReader().plan(document);
    }

    private Plan plan(Map<String, Object> doc) {
        if (doc == null) {
            throw new InvalidPlanException(List.of("the plan is empty"));
        }
        unknownKeys("", doc, TOP_LEVEL);
        String title = text(doc, "title", true);
        Mode mode = mode(doc.get("mode"));
        Endpoint source = endpoint(doc.get("source"), "source");
        Endpoint target = endpoint(doc.get("target"), "target");
        List<String> tables = tables(doc.get("tables"));
        int parallelism = integer(doc, "parallelism", 4, 1, 64);
        List<Stakeholder> stakeholders = stakeholders(doc.get("stakeholders"));
        Duration budget = duration(doc.get("downtimeBudget"), "downtimeBudget", null);
        if (doc.get("downtimeBudget") == null) {
            problems.add("downtimeBudget: required (for example 30m or PT30M)");
        }
        Map<StepName, Duration> timeouts = stepTimeouts(doc.get("stepTimeouts"), mode);
        Duration compensation = duration(doc.get("compensationTimeout"), "compensationTimeout", Duration.ofMinutes(5));
        Duration heartbeat = duration(doc.get("heartbeatTimeout"), "heartbeatTimeout", Duration.ofSeconds(60));
        int maxAttempts = integer(doc, "maxAttempts", 3, 1, 20);
        List<UserCheck> checks = checks(doc.get("checks"), "checks", "source");
        List<UserCheck> smoke = checks(doc.get("smoke"), "smoke", "target");
        List<Plan.CriticalQuery> queries = criticalQueries(doc.get("criticalQueries"));
        Plan.Online online = online(doc.get("online"), mode, tables);
        long storage = size(doc.get("targetStorage"), "targetStorage", -1);
        if (source != null && target != null && source.describe().equals(target.describe())) {
            problems.add("target: is the same database as source (" + source.describe() + ")");
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return new Plan(title, mode, source, target, tables, parallelism, stakeholders, budget, timeouts,
                compensation, heartbeat, maxAttempts, checks, smoke, queries, online, storage);
    }

    private Plan.Online online(Object value, Mode mode, List<String> tables) {
        Map<String, Object> map = map(value, "online", false);
        if (map == null) {
            return Plan.Online.DEFAULTS;
        }
        if (mode != Mode.ONLINE) {
            problems.add("online: settings for mode online, but the plan's mode is offline");
        }
        unknownKeys("online.", map, ONLINE);
        Duration maxLag = duration(map.get("maxLag"), "online.maxLag", Plan.Online.DEFAULTS.maxLag());
        List<String> full = new ArrayList<>();
        for (Object item : list(map.get("replicaIdentityFull"), "online.replicaIdentityFull")) {
            String table = String.valueOf(item);
            if (!TABLE.matcher(table).matches()) {
                problems.add("online.replicaIdentityFull: '" + table + "' is not a table name");
                continue;
            }
            String qualified = table.contains(".") ? table : "public." + table;
            if (!tables.isEmpty() && !tables.contains(qualified)) {
                problems.add("online.replicaIdentityFull: " + qualified + " is not among the plan's tables");
            }
            full.add(qualified);
        }
        long alarm = size(map.get("slotRetentionAlarm"), "online.slotRetentionAlarm",
                Plan.Online.DEFAULTS.slotRetentionAlarmBytes());
        Object keep = map.get("keepSlot");
        if (keep != null && !(keep instanceof Boolean)) {
            problems.add("online.keepSlot: must be true or false, not '" + keep + "'");
        }
        return new Plan.Online(maxLag, full, alarm, Boolean.TRUE.equals(keep));
    }

    /** 512MB, 2GB, 1048576: a size in bytes. */
    private long size(Object value, String path, long fallback) {
        if (value == null) {
            return fallback;
        }
        var m = SIZE.matcher(String.valueOf(value).trim());
        if (!m.matches()) {
            problems.add(path + ": '" + value + "' is not a size (for example 512MB or 2GB)");
            return fallback;
        }
        int shift = switch (m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT)) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            case "TB" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    private Mode mode(Object value) {
        if (value == null) {
            return Mode.OFFLINE;
        }
        String text = String.valueOf(value).toUpperCase(Locale.ROOT);
        if (text.equals("ONLINE")) {
            return Mode.ONLINE;
        }
        if (!text.equals("OFFLINE")) {
            problems.add("mode: must be offline or online, not '" + value + "'");
        }
        return Mode.OFFLINE;
    }

    private Endpoint endpoint(Object value, String path) {
        Map<String, Object> map = map(value, path, true);
        if (map == null) {
            return null;
        }
        unknownKeys(path + ".", map, ENDPOINT);
        String host = text(map, "host", path, true);
        int port = integer(map, "port", path, 5432, 1, 65535);
        String database = text(map, "database", path, true);
        String user = text(map, "user", path, true);
        String password = text(map, "password", path, false);
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, Object> rawOptions = map(map.get("options"), path + ".options", false);
        if (rawOptions != null) {
            rawOptions.forEach((k, v) -> options.put(k, String.valueOf(v)));
        }
        return new Endpoint(host, port, database, user, new Secret(password == null ? "" : password), options);
    }

    private List<String> tables(Object value) {
        List<String> tables = new ArrayList<>();
        for (Object item : list(value, "tables")) {
            String table = String.valueOf(item);
            if (!TABLE.matcher(table).matches()) {
                problems.add("tables: '" + table + "' is not a table name (table or schema.table)");
            } else {
                tables.add(table.contains(".") ? table : "public." + table);
            }
        }
        return tables;
    }

    private List<Stakeholder> stakeholders(Object value) {
        List<Stakeholder> result = new ArrayList<>();
        List<Object> items = list(value, "stakeholders");
        for (int i = 0; i < items.size(); i++) {
            String path = "stakeholders[" + i + "]";
            Map<String, Object> map = map(items.get(i), path, true);
            if (map == null) {
                continue;
            }
            unknownKeys(path + ".", map, STAKEHOLDER);
            String email = text(map, "email", path, true);
            if (email != null && !EMAIL.matcher(email).matches()) {
                problems.add(path + ".email: '" + email + "' is not an email address");
            }
            String role = String.valueOf(map.getOrDefault("role", "IT_STAFF")).toUpperCase(Locale.ROOT)
                    .replace('-', '_');
            if (!ROLES.contains(role)) {
                problems.add(path + ".role: must be one of " + ROLES + ", not '" + map.get("role") + "'");
            }
            String name = map.get("name") == null ? email : String.valueOf(map.get("name"));
            result.add(new Stakeholder(name, email, role));
        }
        return result;
    }

    private List<UserCheck> checks(Object value, String key, String defaultOn) {
        List<UserCheck> result = new ArrayList<>();
        List<Object> items = list(value, key);
        for (int i = 0; i < items.size(); i++) {
            String path = key + "[" + i + "]";
            Map<String, Object> map = map(items.get(i), path, true);
            if (map == null) {
                continue;
            }
            unknownKeys(path + ".", map, CHECK);
            String name = text(map, "name", path, true);
            String sql = text(map, "sql", path, false);
            String url = text(map, "http", path, false);
            if ((sql == null) == (url == null)) {
                problems.add(path + ": needs exactly one of sql or http");
            }
            String on = String.valueOf(map.getOrDefault("on", defaultOn));
            if (key.equals("smoke") && !on.equals("target")) {
                problems.add(path + ".on: smoke checks run on the target after the redirect, not on the " + on);
            } else if (!on.equals("source") && !on.equals("target")) {
                problems.add(path + ".on: must be source or target, not '" + on + "'");
            }
            if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
                problems.add(path + ".http: '" + url + "' is not an http:// or https:// address");
            }
            int status = integer(map, "expectStatus", path, 200, 100, 599);
            String expect = map.get("expect") == null ? null : String.valueOf(map.get("expect"));
            result.add(new UserCheck(name, sql, on, expect, url, status));
        }
        return result;
    }

    private List<Plan.CriticalQuery> criticalQueries(Object value) {
        List<Plan.CriticalQuery> result = new ArrayList<>();
        List<Object> items = list(value, "criticalQueries");
        for (int i = 0; i < items.size(); i++) {
            String path = "criticalQueries[" + i + "]";
            Map<String, Object> map = map(items.get(i), path, true);
            if (map != null) {
                unknownKeys(path + ".", map, QUERY);
                result.add(new Plan.CriticalQuery(text(map, "name", path, true), text(map, "sql", path, true)));
            }
        }
        return result;
    }

    private Map<StepName, Duration> stepTimeouts(Object value, Mode mode) {
        Map<StepName, Duration> timeouts = new EnumMap<>(StepName.class);
        Map<String, Object> map = map(value, "stepTimeouts", false);
        if (map == null) {
            return timeouts;
        }
        for (var entry : map.entrySet()) {
            StepName step = stepNamed(entry.getKey());
            List<StepName> steps = CutoverSagas.forMode(mode).steps().stream().map(StepDefinition::name).toList();
            if (step == null || !steps.contains(step)) {
                problems.add("stepTimeouts." + entry.getKey() + ": no such step in an "
                        + mode.name().toLowerCase(Locale.ROOT) + " cutover; steps are "
                        + steps.stream().map(StepName::planKey).toList());
                continue;
            }
            Duration d = duration(entry.getValue(), "stepTimeouts." + entry.getKey(), null);
            if (d != null) {
                timeouts.put(step, d);
            }
        }
        return timeouts;
    }

    private static StepName stepNamed(String key) {
        for (StepName step : StepName.values()) {
            if (step.planKey().equalsIgnoreCase(key) || step.name().equalsIgnoreCase(key)) {
                return step;
            }
        }
        return null;
    }

    private Duration duration(Object value, String path, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        String text = String.valueOf(value).trim();
        Duration d = null;
        var m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text);
            } catch (DateTimeParseException e) {
                problems.add(path + ": '" + text + "' is not a duration (for example 90s, 30m, 2h or PT30M)");
                return fallback;
            }
        }
        if (d.isZero() || d.isNegative()) {
            problems.add(path + ": must be positive, not " + text);
            return fallback;
        }
        return d;
    }

    private String text(Map<String, Object> map, String key, boolean required) {
        return text(map, key, null, required);
    }

    private String text(Map<String, Object> map, String key, String parent, boolean required) {
        Object value = map.get(key);
        String path = parent == null ? key : parent + "." + key;
        if (value == null || String.valueOf(value).isBlank()) {
            if (required) {
                problems.add(path + ": required");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problems.add(path + ": must be text");
            return null;
        }
        return String.valueOf(value);
    }

    private int integer(Map<String, Object> map, String key, int fallback, int min, int max) {
        return integer(map, key, null, fallback, min, max);
    }

    private int integer(Map<String, Object> map, String key, String parent, int fallback, int min, int max) {
        Object value = map.get(key);
        String path = parent == null ? key : parent + "." + key;
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(String.valueOf(value).trim());
            if (n < min || n > max) {
                problems.add(path + ": must be between " + min + " and " + max + ", not " + n);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(path + ": '" + value + "' is not a whole number");
            return fallback;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object value, String path, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(path + ": required");
            }
            return null;
        }
        if (!(value instanceof Map)) {
            problems.add(path + ": must be an object");
            return null;
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, String path) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            problems.add(path + ": must be a list");
            return List.of();
        }
        return (List<Object>) value;
    }

    private void unknownKeys(String prefix, Map<String, Object> map, Set<String> known) {
        map.keySet().stream().filter(k -> !known.contains(k)).sorted()
                .forEach(k -> problems.add(prefix + k + ": unknown setting"));
    }
}
