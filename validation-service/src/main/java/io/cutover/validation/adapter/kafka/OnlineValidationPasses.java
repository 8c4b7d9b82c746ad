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

    /** Rounds after the full pass at most, and the rows that may be left for the pass at the switch. */
    private static final int MAX_ROUNDS = 5;
    private static final long SMALL_ENOUGH = 2_000;

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
            DataValidation.Pass b = data.baseline(v.getSource(), v.getTarget(), v.getTables(), progress);
            Map<String, ChangedKeys.Selection> recheck = b.differing();
            // like the pre-copy rounds of a live migration: compare what changed meanwhile (and what differed)
            // until little is left, so the pass at the switch, while writes stall, is short
            int rounds = 0;
            for (; rounds < MAX_ROUNDS; rounds++) {
                Map<String, ChangedKeys.Selection> selected;
                long next;
                try (Connection t = Databases.open(v.getTarget())) {
                    next = ChangedKeys.appliedLsn(t, cutoverId);
                    selected = ChangedKeys.union(recheck, ChangedKeys.changedSince(t, cutoverId, since));
                }
                if (rows(selected) <= SMALL_ENOUGH && selected.values().stream().noneMatch(
                        ChangedKeys.Selection::whole)) {
                    break;
                }
                progress.summary("round " + (rounds + 1) + ": comparing the " + rows(selected)
                        + " rows changed or differing since the last round");
                recheck = data.validateSelected(v.getSource(), v.getTarget(), selected, progress).differing();
                since = next;
            }
            try (Connection t = Databases.open(v.getTarget())) {
                ChangedKeys.baseline(t, cutoverId, since, recheck);
            }
            ValidationReport report = new ValidationReport(b.tables(), (System.nanoTime() - started) / 1_000_000);
            long keys = rows(recheck);
            long whole = recheck.values().stream().filter(ChangedKeys.Selection::whole).count();
            Map<String, Long> figures = new TreeMap<>(report.figures());
            figures.put("rowsToRecheck", keys);
            figures.put("tablesToRecheck", whole);
            figures.put("rounds", (long) rounds);
            String summary = "baseline while the sync runs: " + (report.equal() ? report.summary()
                    : report.tables().size() - report.differing().size() + " of " + report.tables().size()
                    + " tables equal in the full pass") + "; then " + rounds + " rounds over what changed meanwhile;"
                    + " " + keys + " rows" + (whole > 0 ? " and " + whole + " whole tables" : "")
                    + " still differ for now, compared again at the switch with the rows changed since";
            return new DataValidated(summary, figures, ValidationListener.counts(report.tables()), report.tables());
        }
        Map<String, ChangedKeys.Selection> selected;
        try (Connection t = Databases.open(v.getTarget())) {
            selected = ChangedKeys.sinceBaseline(t, cutoverId);
        }
        List<TableValidation> tables = data.validateSelected(v.getSource(), v.getTarget(), selected, progress)
                .tables();
        ValidationReport report = new ValidationReport(tables, (System.nanoTime() - started) / 1_000_000);
        if (!report.equal()) {
            return ValidationListener.validated(report);
        }
        Map<String, Long> figures = new TreeMap<>(report.figures());
        figures.put("rowsToRecheck", selected.values().stream().mapToLong(s -> s.keys().size()).sum());
        return new DataValidated("at the switch, only what changed since the baseline: " + report.summary(),
                figures, ValidationListener.counts(tables), tables);
    }

    private static long rows(Map<String, ChangedKeys.Selection> selected) {
        return selected.values().stream().mapToLong(s -> s.keys().size()).sum();
    }

}
