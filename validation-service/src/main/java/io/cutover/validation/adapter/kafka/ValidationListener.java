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
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.ReadinessConfirmed;
import io.cutover.schemas.ReadinessFailed;
import io.cutover.schemas.TableCount;
import io.cutover.schemas.Topics;
import io.cutover.schemas.ValidateData;
import io.cutover.validation.application.Readiness;
import io.cutover.validation.application.RowCounts;

/** Maps validation commands to the readiness checks and the row counts. */
@Component
public class ValidationListener {

    private final Jobs jobs;
    private final Readiness readiness;
    private final RowCounts counts;

    public ValidationListener(Jobs jobs, Readiness readiness, RowCounts counts) {
        this.jobs = jobs;
        this.readiness = readiness;
        this.counts = counts;
    }

    @KafkaListener(topics = Topics.VALIDATION_COMMANDS, groupId = "validation-service")
    public void on(Command command) {
        Object payload = command.getPayload();
        if (payload instanceof CheckReadiness r) {
            jobs.run(command, Job.of(p -> ready(readiness.check(r.getSource(), r.getTarget(), r.getTables())),
                    (reason, p) -> new ReadinessFailed(reason, p.snapshot(), List.of(reason))));
        } else if (payload instanceof ValidateData v) {
            jobs.run(command, Job.of(p -> validated(counts.count(v.getSource(), v.getTarget(), v.getTables())),
                    (reason, p) -> new DataValidationFailed(reason, p.snapshot(), List.of())));
        } else {
            throw new UnsupportedCommandException("validation-service", payload);
        }
    }

    private static SpecificRecord ready(Readiness.Report report) {
        Map<String, Long> figures = Map.of("passed", (long) report.passed().size(),
                "failed", (long) report.problems().size());
        if (report.problems().isEmpty()) {
            return new ReadinessConfirmed("all " + report.passed().size() + " checks passed", figures,
                    report.passed());
        }
        return new ReadinessFailed(String.join("; ", report.problems()), figures, report.problems());
    }

    private static SpecificRecord validated(List<TableCount> counts) {
        List<TableCount> differing = counts.stream().filter(c -> c.getSourceRows() != c.getTargetRows()).toList();
        long rows = counts.stream().mapToLong(TableCount::getSourceRows).sum();
        Map<String, Long> figures = Map.of("tables", (long) counts.size(), "rowsCompared", rows,
                "tablesDiffering", (long) differing.size());
        if (differing.isEmpty()) {
            return new DataValidated("row counts equal in all " + counts.size() + " tables (" + rows + " rows)",
                    figures, counts);
        }
        String named = String.join(", ", differing.stream().map(c -> c.getTable() + " (source "
                + c.getSourceRows() + ", target " + c.getTargetRows() + ")").toList());
        return new DataValidationFailed("row counts differ in " + named, figures, differing);
    }
}
