package io.cutover.validation.adapter.kafka;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;

import io.cutover.kit.Progress;
import io.cutover.kit.jdbc.ChangedKeys;
import io.cutover.kit.jdbc.Databases;
import io.cutover.schemas.DataValidated;
import io.cutover.schemas.TableCount;
import io.cutover.schemas.TableValidation;
import io.cutover.schemas.ValidateData;
import io.cutover.validation.application.DataValidation;
import io.cutover.validation.application.ValidationReport;

/**
 * The two validation passes of an online cutover. The baseline compares every row while the sync runs: rows that
 * differ then may only be on their way, so it does not fail; it notes them, and where the target stood when it
 * began, in the target. The final pass, with the source fenced and the target drained, compares just those rows and
 * the rows the sync changed since: every other row was equal at the baseline and has not changed.
 */
final class OnlineValidationPasses {

    private final DataValidation data;

    OnlineValidationPasses(DataValidation data) {
        this.data = data;
    }

    SpecificRecord validate(ValidateData v, Progress progress) throws Exception {
        String cutoverId = v.getOnline().getCutoverId();
        long started = System.nanoTime();
        if (!v.getOnline().getFinalPass()) {
            long since;
            try (Connection t = Databases.open(v.getTarget())) {
                ChangedKeys.prepare(t);
                since = ChangedKeys.appliedLsn(t, cutoverId); // before reading any row: changes after it count
            }
            DataValidation.Baseline b = data.baseline(v.getSource(), v.getTarget(), v.getTables(), progress);
            try (Connection t = Databases.open(v.getTarget())) {
                ChangedKeys.baseline(t, cutoverId, since, b.recheck());
            }
            ValidationReport report = new ValidationReport(b.tables(), (System.nanoTime() - started) / 1_000_000);
            long keys = b.recheck().values().stream().mapToLong(s -> s.keys().size()).sum();
            long whole = b.recheck().values().stream().filter(ChangedKeys.Selection::whole).count();
            Map<String, Long> figures = new TreeMap<>(report.figures());
            figures.put("rowsToRecheck", keys);
            figures.put("tablesToRecheck", whole);
            String summary = "baseline while the sync runs: " + (report.equal() ? report.summary()
                    : report.tables().size() - report.differing().size() + " of " + report.tables().size()
                    + " tables equal; " + keys + " rows" + (whole > 0 ? " and " + whole + " whole tables" : "")
                    + " differ for now and are compared again at the switch");
            return new DataValidated(summary, figures, counts(report.tables()), report.tables());
        }
        Map<String, ChangedKeys.Selection> selected;
        try (Connection t = Databases.open(v.getTarget())) {
            selected = ChangedKeys.sinceBaseline(t, cutoverId);
        }
        List<TableValidation> tables = data.validateSelected(v.getSource(), v.getTarget(), selected, progress);
        ValidationReport report = new ValidationReport(tables, (System.nanoTime() - started) / 1_000_000);
        if (!report.equal()) {
            return ValidationListener.validated(report);
        }
        Map<String, Long> figures = new TreeMap<>(report.figures());
        figures.put("rowsToRecheck", selected.values().stream().mapToLong(s -> s.keys().size()).sum());
        return new DataValidated("at the switch, only what changed since the baseline: " + report.summary(),
                figures, counts(tables), tables);
    }

    private static List<TableCount> counts(List<TableValidation> tables) {
        return tables.stream().map(t -> new TableCount(t.getTable(), t.getSourceRows(), t.getTargetRows())).toList();
    }
}
