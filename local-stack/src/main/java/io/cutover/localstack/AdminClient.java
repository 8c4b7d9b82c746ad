package io.cutover.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to the coordinator's admin API over HTTP, as any operator tool would. */
public final class AdminClient {

    /** A reply: status code and JSON body. */
    public record Reply(int status, JsonNode body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String base;

    public AdminClient(String base) {
        this.base = base;
    }

    public Reply send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body() == null || r.body().isBlank() ? json.nullNode() : json.readTree(r.body());
        return new Reply(r.statusCode(), node);
    }

    /** Creates a cutover from a JSON plan and returns its id. */
    public String create(String planJson) throws IOException, InterruptedException {
        Reply r = send("POST", "/api/cutovers", "application/json", planJson);
        if (r.status() / 100 != 2) {
            throw new IOException("plan refused (" + r.status() + "): " + r.body());
        }
        return r.body().get("id").asString();
    }

    public void start(String id) throws IOException, InterruptedException {
        Reply r = send("POST", "/api/cutovers/" + id + "/start", null, null);
        if (r.status() != 202) {
            throw new IOException("start refused (" + r.status() + "): " + r.body());
        }
    }

    public JsonNode get(String id) throws IOException, InterruptedException {
        Reply r = send("GET", "/api/cutovers/" + id, null, null);
        if (r.status() != 200) {
            throw new IOException("cannot read cutover " + id + " (" + r.status() + "): " + r.body());
        }
        return r.body();
    }

    /** Polls until the cutover ends or the time is up; each state read is handed to the watcher. */
    public JsonNode awaitEnd(String id, Duration limit, java.util.function.Consumer<JsonNode> watcher)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            JsonNode state = get(id);
            watcher.accept(state);
            String status = state.get("status").asString();
            if (!status.equals("CREATED") && !status.equals("RUNNING") && !status.equals("COMPENSATING")) {
                return state;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("cutover " + id + " still " + status + " after " + limit);
            }
            Thread.sleep(250);
        }
    }

    /** Waits until the step has the status and, when running, has been acknowledged (it has a summary). */
    public JsonNode awaitStep(String id, String step, String status, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode state = get(id);
            for (JsonNode s : state.get("steps")) {
                if (s.get("name").asString().equals(step) && s.get("status").asString().equals(status)
                        && !(s.get("summary") == null || s.get("summary").isNull())) {
                    return state;
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("step " + step + " of cutover " + id + " not " + status + " within " + limit);
    }

    /** The end-of-cutover notice goes out after the saga ends: waits until its delivery is recorded. */
    public JsonNode awaitNotified(String id, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode state = get(id);
        while (state.get("notifications").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            state = get(id);
        }
        return state;
    }
}
