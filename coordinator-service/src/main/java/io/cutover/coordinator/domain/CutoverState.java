package io.cutover.coordinator.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The saga state of one cutover; changed only by {@link CutoverSaga}. */
public final class CutoverState {

    private String id;
    private Plan plan;
    private CutoverStatus status;
    private Instant createdAt;
    private Instant startedAt;
    private Instant endedAt;
    private String failureReason;
    private String abortReason;
    private boolean pointOfNoReturnPassed;
    private List<StepState> steps = new ArrayList<>();
    private List<String> notifications = new ArrayList<>();
    private List<String> alarms = new ArrayList<>();
    private Instant writeStallStartedAt;

    CutoverState() {
        // for the state codec
    }

    static CutoverState create(String id, Plan plan, SagaDefinition saga, Instant now) {
        CutoverState s = new CutoverState();
        s.id = id;
        s.plan = plan;
        s.status = CutoverStatus.CREATED;
        s.createdAt = now;
        saga.steps().forEach(def -> s.steps.add(new StepState(def.name())));
        return s;
    }

    CutoverState copy() {
        CutoverState c = new CutoverState();
        c.id = id;
        c.plan = plan;
        c.status = status;
        c.createdAt = createdAt;
        c.startedAt = startedAt;
        c.endedAt = endedAt;
        c.failureReason = failureReason;
        c.abortReason = abortReason;
        c.pointOfNoReturnPassed = pointOfNoReturnPassed;
        steps.forEach(step -> c.steps.add(step.copy()));
        c.notifications = new ArrayList<>(notifications);
        c.alarms = new ArrayList<>(alarms()); // a state stored before alarms existed decodes it as null
        c.writeStallStartedAt = writeStallStartedAt;
        return c;
    }

    void status(CutoverStatus next) {
        status = next;
    }

    void started(Instant now) {
        startedAt = now;
    }

    void ended(Instant now) {
        endedAt = now;
    }

    void failureReason(String reason) {
        failureReason = reason;
    }

    void abortReason(String reason) {
        abortReason = reason;
    }

    void passPointOfNoReturn() {
        pointOfNoReturnPassed = true;
    }

    void addAlarm(String line) {
        alarms = alarms();
        alarms.add(line);
    }

    /** When the first step that stalls the applications' writes started; null before. */
    public Instant writeStallStartedAt() {
        return writeStallStartedAt;
    }

    void writeStallStarts(Instant now) {
        if (writeStallStartedAt == null) {
            writeStallStartedAt = now;
        }
    }

    /** Alarms participants raised while steps ran, oldest first. */
    public List<String> alarms() {
        return alarms == null ? new ArrayList<>() : alarms;
    }

    void addNotification(String line) {
        notifications.add(line);
    }

    /** The step with this name, or null when the saga has none. */
    StepState stepNamed(String name) {
        return steps.stream().filter(s -> s.name().name().equals(name)).findFirst().orElse(null);
    }

    int indexOf(StepState step) {
        return steps.indexOf(step);
    }

    StepState stepWithStatus(StepStatus wanted) {
        return steps.stream().filter(s -> s.status() == wanted).findFirst().orElse(null);
    }

    public String id() {
        return id;
    }

    public Plan plan() {
        return plan;
    }

    public CutoverStatus status() {
        return status;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }

    public String failureReason() {
        return failureReason;
    }

    public String abortReason() {
        return abortReason;
    }

    public boolean pointOfNoReturnPassed() {
        return pointOfNoReturnPassed;
    }

    public List<StepState> steps() {
        return List.copyOf(steps);
    }

    public List<String> notifications() {
        return List.copyOf(notifications);
    }
}
