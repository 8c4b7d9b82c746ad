package io.cutover.coordinator.adapter.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.cutover.coordinator.application.CutoverAdmin;
import io.cutover.coordinator.domain.CutoverState;

/** The admin API (docs/admin-api.md). Writes intents; never changes saga state itself. */
@RestController
@RequestMapping(path = "/api/cutovers", produces = MediaType.APPLICATION_JSON_VALUE)
public class CutoverController {

    private final CutoverAdmin admin;
    private final PlanDocumentParser parser = new PlanDocumentParser();

    public CutoverController(CutoverAdmin admin) {
        this.admin = admin;
    }

    @PostMapping(consumes = {MediaType.APPLICATION_JSON_VALUE, "application/yaml", "application/x-yaml",
            "text/yaml", MediaType.TEXT_PLAIN_VALUE})
    public ResponseEntity<Object> create(@RequestBody(required = false) String plan) {
        CutoverAdmin.Created created = admin.create(parser.parse(plan));
        URI location = URI.create("/api/cutovers/" + created.id());
        return created.state()
                .<ResponseEntity<Object>>map(s -> ResponseEntity.created(location).body(CutoverView.of(s)))
                .orElseGet(() -> ResponseEntity.accepted().location(location)
                        .body(Map.of("id", created.id(), "status", "CREATING")));
    }

    @GetMapping
    public List<CutoverView> list() {
        return admin.all().stream().map(CutoverView::of).toList();
    }

    @GetMapping("/{id}")
    public CutoverView get(@PathVariable String id) {
        return CutoverView.of(admin.get(id));
    }

    @PostMapping("/{id}/start")
    public ResponseEntity<Object> start(@PathVariable String id) {
        return accepted(id, "START", admin.start(id));
    }

    @PostMapping(path = "/{id}/abort")
    public ResponseEntity<Object> abort(@PathVariable String id,
                                                     @RequestBody(required = false) AbortRequest body) {
        String reason = body == null || body.reason() == null || body.reason().isBlank()
                ? "aborted by operator" : body.reason();
        return accepted(id, "ABORT", admin.abort(id, reason));
    }

    /** 202 with the state the intent led to, or with the intent alone when the saga has not applied it yet. */
    private static ResponseEntity<Object> accepted(String id, String intent, Optional<CutoverState> state) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(state.<Object>map(CutoverView::of)
                .orElseGet(() -> Map.of("id", id, "intent", intent, "status", "PENDING")));
    }

    /** Body of an abort: why. */
    public record AbortRequest(String reason) {
    }
}
