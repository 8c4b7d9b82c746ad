package io.cutover.validation.adapter.kafka;

import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.cutover.kit.Job;
import io.cutover.kit.Jobs;
import io.cutover.kit.UnsupportedCommandException;
import io.cutover.schemas.CheckReadiness;
import io.cutover.schemas.Command;
import io.cutover.schemas.CutoverVerificationFailed;
import io.cutover.schemas.CutoverVerified;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.ReadinessConfirmed;
import io.cutover.schemas.ReadinessFailed;
import io.cutover.schemas.TableCount;
import io.cutover.schemas.TableValidation;
import io.cutover.schemas.Topics;
import io.cutover.schemas.ValidateData;
import io.cutover.schemas.VerifyCutover;
import io.cutover.validation.application.DataValidation;
import io.cutover.validation.application.Readiness;
import io.cutover.validation.application.ValidationReport;

/** Maps validation commands to the readiness checks and the data validation. */
@Component
public class ValidationListener {

    private final Jobs jobs;
    private final Readiness readiness;
    private final DataComparison comparison;

    public ValidationListener(Jobs jobs, Readiness readiness, DataValidation data) {
        this.jobs = jobs;
        this.readiness = readiness;
        this.comparison = new DataComparison(data);
    }

    @KafkaListener(topics = Topics.VALIDATION_COMMANDS, groupId = "validation-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        if (payload instanceof CheckReadiness r) {
            jobs.run(command, Job.of(p -> ready(readiness.check(r.getSource(), r.getTarget(), r.getTables(), r.getChecks(),
                    r.getCriticalQueries(), r.getOnline(), r.getTargetStorageBytes())),
                    (reason, p) -> new ReadinessFailed(reason, p.snapshot(), List.of(reason))));
        } else if (payload instanceof ValidateData v) {
            jobs.run(command, Job.of(p -> comparison.validate(v, p),
                    (reason, p) -> new DataValidationFailed(reason, p.snapshot(), List.of(), List.of())));
        } else if (payload instanceof VerifyCutover v) {
            jobs.run(command, Job.of(p -> verified(readiness.verify(v.getTarget(), v.getSmoke(),
                    v.getCriticalQueries())), (reason, p) -> new CutoverVerificationFailed(reason, p.snapshot(),
                    List.of(reason))));
        } else {
            throw new UnsupportedCommandException("validation-service", payload);
        }
    }

    private static SpecificRecord verified(Readiness.Report report) {
        Map<String, Long> figures = figures(report);
        if (report.problems().isEmpty()) {
            return new CutoverVerified("all " + report.passed().size() + " checks on the target passed", figures,
                    report.passed());
        }
        return new CutoverVerificationFailed(String.join("; ", report.problems()), figures, report.problems());
    }

    private static Map<String, Long> figures(Readiness.Report report) {
        Map<String, Long> figures = new java.util.TreeMap<>(report.figures());
        figures.put("passed", (long) report.passed().size());
        figures.put("failed", (long) report.problems().size());
        return figures;
    }

    private static SpecificRecord ready(Readiness.Report report) {
        Map<String, Long> figures = figures(report);
        if (report.problems().isEmpty()) {
            return new ReadinessConfirmed("all " + report.passed().size() + " checks passed", figures,
                    report.passed());
        }
        return new ReadinessFailed(String.join("; ", report.problems()), figures, report.problems());
    }

    static SpecificRecord validated(ValidationReport report) {
        if (report.equal()) {
            return new DataValidated(report.summary(), report.figures(), counts(report.tables()), report.tables());
        }
        return new DataValidationFailed(report.summary(), report.figures(), counts(report.differing()),
                report.tables());
    }

    static List<TableCount> counts(List<TableValidation> tables) {
        return tables.stream().map(t -> new TableCount(t.getTable(), t.getSourceRows(), t.getTargetRows())).toList();
    }
}
