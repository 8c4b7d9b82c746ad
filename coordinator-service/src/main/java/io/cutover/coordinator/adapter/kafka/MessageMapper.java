package io.cutover.coordinator.adapter.kafka;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import io.cutover.coordinator.domain.CommandRequest;
import io.cutover.coordinator.domain.CutoverState;
import io.cutover.coordinator.domain.Endpoint;
import io.cutover.coordinator.domain.Mode;
import io.cutover.coordinator.domain.Notice;
import io.cutover.coordinator.domain.Plan;
import io.cutover.coordinator.domain.PlanReader;
import io.cutover.coordinator.domain.SagaEvent;
import io.cutover.coordinator.domain.StepName;
import io.cutover.coordinator.domain.StepState;
import io.cutover.coordinator.domain.UserCheck;
import io.cutover.schemas.AbortCutover;
import io.cutover.schemas.AlarmRaised;
import io.cutover.schemas.AwaitReplicationCatchUp;
import io.cutover.schemas.DrainReplication;
import io.cutover.schemas.HoldTraffic;
import io.cutover.schemas.OnlineSync;
import io.cutover.schemas.OnlineValidation;
import io.cutover.schemas.ReleaseTraffic;
import io.cutover.schemas.ReplicationAlarm;
import io.cutover.schemas.StartReplication;
import io.cutover.schemas.StopReplication;
import io.cutover.schemas.AnnounceCutover;
import io.cutover.schemas.CheckReadiness;
import io.cutover.schemas.Command;
import io.cutover.schemas.CreateCutover;
import io.cutover.schemas.CriticalQuery;
import io.cutover.schemas.CutoverAborted;
import io.cutover.schemas.CutoverCompleted;
import io.cutover.schemas.CutoverCreated;
import io.cutover.schemas.CutoverFailed;
import io.cutover.schemas.CutoverRequest;
import io.cutover.schemas.CutoverStarted;
import io.cutover.schemas.CutoverVerificationFailed;
import io.cutover.schemas.CutoverVerified;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.Envelope;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.FenceSourceWrites;
import io.cutover.schemas.LifecycleEvent;
import io.cutover.schemas.Metrics;
import io.cutover.schemas.NotificationKind;
import io.cutover.schemas.NotifyStakeholders;
import io.cutover.schemas.Outcome;
import io.cutover.schemas.ProvisionTarget;
import io.cutover.schemas.ReadinessConfirmed;
import io.cutover.schemas.ReadinessFailed;
import io.cutover.schemas.RedirectTraffic;
import io.cutover.schemas.RevertTraffic;
import io.cutover.schemas.Stakeholder;
import io.cutover.schemas.StakeholderRole;
import io.cutover.schemas.StartCutover;
import io.cutover.schemas.StepCompensated;
import io.cutover.schemas.StepCompleted;
import io.cutover.schemas.StepFailed;
import io.cutover.schemas.StepStarted;
import io.cutover.schemas.TableValidation;
import io.cutover.schemas.Topics;
import io.cutover.schemas.TransferData;
import io.cutover.schemas.UnfenceSourceWrites;
import io.cutover.schemas.ValidateData;
import io.cutover.schemas.VerifyCutover;
import tools.jackson.databind.json.JsonMapper;

/** Translates between the Avro messages on the topics and the saga's domain events, commands and notices. */
public final class MessageMapper {

    private final JsonMapper json = JsonMapper.builder().build();

    @SuppressWarnings("unchecked")
    public SagaEvent toEvent(CutoverRequest request) {
        Object payload = request.getPayload();
        if (payload instanceof CreateCutover create) {
            Map<String, Object> doc = json.readValue(create.getPlanJson(), Map.class);
            return new SagaEvent.Create(request.getEnvelope().getCutoverId(), PlanReader.read(doc));
        }
        if (payload instanceof StartCutover) {
            return new SagaEvent.Start();
        }
        if (payload instanceof AbortCutover abort) {
            return new SagaEvent.Abort(abort.getReason());
        }
        throw new IllegalArgumentException("unknown request " + payload.getClass().getSimpleName());
    }

    @SuppressWarnings("unchecked")
    public SagaEvent.OutcomeReceived toEvent(Outcome outcome) {
        GenericRecord payload = (GenericRecord) outcome.getPayload();
        Map<String, Long> metrics = (Map<String, Long>) payload.get("metrics");
        Envelope env = outcome.getEnvelope();
        return new SagaEvent.OutcomeReceived(env.getStep(), env.getAttempt(), payload.getSchema().getName(),
                String.valueOf(payload.get("summary")), metrics, details(payload));
    }

    /** Per-table validation results and readiness checks, one line each. */
    private static List<String> details(GenericRecord payload) {
        if (payload instanceof DataValidated v) {
            return v.getResults().stream().map(MessageMapper::line).toList();
        }
        if (payload instanceof DataValidationFailed f) {
            return f.getResults().stream().map(MessageMapper::line).toList();
        }
        if (payload instanceof ReadinessConfirmed r) {
            return r.getChecks().stream().map(c -> "ok: " + c).toList();
        }
        if (payload instanceof ReadinessFailed r) {
            return r.getProblems().stream().map(c -> "failed: " + c).toList();
        }
        if (payload instanceof CutoverVerified v) {
            return v.getChecks().stream().map(c -> "ok: " + c).toList();
        }
        if (payload instanceof CutoverVerificationFailed v) {
            return v.getProblems().stream().map(c -> "failed: " + c).toList();
        }
        if (payload instanceof ReplicationAlarm a) {
            return List.of(a.getAlarm());
        }
        return List.of();
    }

    private static String line(TableValidation t) {
        boolean equal = t.getSourceRows() == t.getTargetRows() && t.getMissing() + t.getExtra() + t.getDifferent() == 0;
        String verdict = equal ? "equal" : t.getMissing() + " missing, " + t.getExtra() + " extra, " + t.getDifferent()
                + " different" + (t.getExamples().isEmpty() ? "" : " (" + String.join("; ", t.getExamples()) + ")");
        return String.format("%s: %,d source rows, %,d target rows, %d range%s, %d ms (%,.0f rows/s): %s",
                t.getTable(), t.getSourceRows(), t.getTargetRows(), t.getRanges(), t.getRanges() == 1 ? "" : "s",
                t.getDurationMillis(),
                t.getRowsCompared() * 1000.0 / Math.max(1, t.getDurationMillis()), verdict);
    }

    /** The command to send; its topic follows from its payload ({@link #topicOf}). */
    public Command toCommand(CommandRequest request, CutoverState state, Instant now) {
        Plan plan = state.plan();
        Envelope envelope = Envelopes.command(state.id(), request.step(), request.attempt(), request.name(), now);
        SpecificRecord payload = switch (request.name()) {
            case "AnnounceCutover" -> new AnnounceCutover(plan.title(), stakeholders(plan), plan.mode().name(),
                    plan.downtimeBudget().toSeconds(), plan.source().describe(), plan.target().describe());
            case "NotifyStakeholders" -> new NotifyStakeholders(NotificationKind.valueOf(request.args().get("kind")),
                    plan.title(), stakeholders(plan), request.args().get("summary"));
            case "ProvisionTarget" -> new ProvisionTarget(endpoint(plan.target()));
            case "CheckReadiness" -> new CheckReadiness(endpoint(plan.source()), endpoint(plan.target()),
                    plan.tables(), userChecks(plan.checks()), criticalQueries(plan, Map.of()),
                    plan.mode() == Mode.ONLINE ? sync(plan) : null, plan.targetStorageBytes());
            case "VerifyCutover" -> new VerifyCutover(endpoint(plan.target()), userChecks(plan.smoke()),
                    criticalQueries(plan, baselines(state)));
            case "FenceSourceWrites" -> new FenceSourceWrites(endpoint(plan.source()));
            case "UnfenceSourceWrites" -> new UnfenceSourceWrites(endpoint(plan.source()));
            case "TransferData" -> new TransferData(endpoint(plan.source()), endpoint(plan.target()), plan.tables(),
                    plan.parallelism());
            case "ValidateData" -> new ValidateData(endpoint(plan.source()), endpoint(plan.target()), plan.tables(),
                    plan.mode() == Mode.ONLINE ? new OnlineValidation(state.id(),
                            request.step().equals(StepName.VALIDATE_CHANGES.name()),
                            request.step().equals(StepName.VALIDATE_RECENT.name())) : null);
            case "RedirectTraffic" -> new RedirectTraffic(endpoint(plan.target()));
            case "RevertTraffic" -> new RevertTraffic(endpoint(plan.source()));
            case "StartReplication" -> new StartReplication(endpoint(plan.source()), endpoint(plan.target()),
                    plan.tables(), plan.parallelism(), sync(plan));
            case "AwaitReplicationCatchUp" -> new AwaitReplicationCatchUp(endpoint(plan.source()),
                    endpoint(plan.target()), plan.tables(), sync(plan), plan.online().maxLag().toMillis(),
                    plan.downtimeBudget().toMillis());
            case "DrainReplication" -> new DrainReplication(endpoint(plan.source()), endpoint(plan.target()),
                    plan.tables(), sync(plan), stallDeadline(state, now));
            // the step after the switch keeps what the plan keeps for a fallback; a rollback drops it all
            case "StopReplication" -> {
                boolean afterSwitch = request.step().equals(StepName.STOP_REPLICATION.name());
                yield new StopReplication(endpoint(plan.source()), endpoint(plan.target()), afterSwitch,
                        afterSwitch && plan.online().keepSlot());
            }
            case "HoldTraffic" -> new HoldTraffic(plan.downtimeBudget().toMillis());
            case "ReleaseTraffic" -> new ReleaseTraffic(state.failureReason() == null ? ""
                    : state.failureReason());
            default -> throw new IllegalStateException("the saga asked for an unknown command " + request.name());
        };
        return new Command(envelope, payload);
    }

    public LifecycleEvent toLifecycle(Notice notice, CutoverState state, Instant now) {
        String step = notice.step() == null ? "CUTOVER" : notice.step();
        Envelope envelope = Envelopes.fresh(state.id(), step, notice.attempt(), now);
        String title = state.plan().title();
        String mode = state.plan().mode().name();
        SpecificRecord payload = switch (notice.type()) {
            case CUTOVER_CREATED -> new CutoverCreated(title, mode);
            case CUTOVER_STARTED -> new CutoverStarted(title, mode);
            case STEP_STARTED -> new StepStarted(step, notice.attempt());
            case STEP_COMPLETED -> new StepCompleted(step, notice.durationMillis(), text(notice), notice.metrics(),
                    notice.details());
            case STEP_FAILED -> new StepFailed(step, text(notice), notice.details());
            case STEP_COMPENSATED -> new StepCompensated(step, text(notice));
            case CUTOVER_COMPLETED -> new CutoverCompleted(notice.durationMillis(), text(notice));
            case CUTOVER_FAILED -> new CutoverFailed(text(notice), notice.compensated());
            case CUTOVER_ABORTED -> new CutoverAborted(text(notice));
            case ALARM_RAISED -> new AlarmRaised(step, notice.details().isEmpty() ? "alarm" : notice.details().get(0),
                    text(notice), notice.metrics());
        };
        return new LifecycleEvent(envelope, payload);
    }

    private static List<io.cutover.schemas.UserCheck> userChecks(List<UserCheck> checks) {
        return checks.stream().map(c -> new io.cutover.schemas.UserCheck(c.name(), c.sql(), c.on(), c.expect(),
                c.url(), c.expectStatus())).toList();
    }

    /** The plan's critical queries with the source timings readiness measured, where it did. */
    private static List<CriticalQuery> criticalQueries(Plan plan, Map<String, Long> baselines) {
        return plan.criticalQueries().stream().map(q -> new CriticalQuery(q.name(), q.sql(),
                baselines.getOrDefault(Metrics.BASELINE_MICROS + q.name(), -1L))).toList();
    }

    private static Map<String, Long> baselines(CutoverState state) {
        return state.steps().stream().filter(s -> s.name() == StepName.CHECK_READINESS).findFirst()
                .map(StepState::metrics).orElse(Map.of());
    }

    static String topicOf(Object payload) {
        if (payload instanceof AnnounceCutover || payload instanceof NotifyStakeholders) {
            return Topics.NOTIFICATION_COMMANDS;
        }
        if (payload instanceof ProvisionTarget || payload instanceof RedirectTraffic
                || payload instanceof RevertTraffic || payload instanceof HoldTraffic
                || payload instanceof ReleaseTraffic) {
            return Topics.PROVISIONING_COMMANDS;
        }
        if (payload instanceof CheckReadiness || payload instanceof ValidateData || payload instanceof VerifyCutover) {
            return Topics.VALIDATION_COMMANDS;
        }
        return Topics.REPLICATION_COMMANDS;
    }

    private static String text(Notice notice) {
        return notice.text() == null ? "" : notice.text();
    }

    private static OnlineSync sync(Plan plan) {
        return new OnlineSync(plan.online().replicaIdentityFull(), plan.online().slotRetentionAlarmBytes(),
                plan.online().keepSlot());
    }

    /** The write stall must end by the start of the stall plus the downtime budget. */
    private static Instant stallDeadline(CutoverState state, Instant now) {
        Instant started = state.writeStallStartedAt() == null ? now : state.writeStallStartedAt();
        return started.plus(state.plan().downtimeBudget());
    }

    private static List<Stakeholder> stakeholders(Plan plan) {
        return plan.stakeholders().stream()
                .map(s -> new Stakeholder(s.name(), s.email(), StakeholderRole.valueOf(s.role()))).toList();
    }

    private static DatabaseEndpoint endpoint(Endpoint e) {
        return new DatabaseEndpoint(e.host(), e.port(), e.database(), e.user(), e.password().value(), e.options());
    }
}
