package io.cutover.validation.adapter.kafka;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

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
 * The validation passes of an online cutover. The baseline compares every row while the sync runs: rows that
 * differ then may only be on their way, so it does not fail; it notes them, and where the target stood when it
 * began, in the target. A recent pass, just before the switch, does the same over only those rows and the rows the
 * sync changed since, and notes again. The final pass, with the source fenced and the target drained, compares just
 * the rows noted last and the rows the sync changed since: every other row was equal then and has not changed.
 */
final class OnlineValidationPasses {

    /**
     * Rounds after the full pass: at most, and at least before a round that would not shrink what is left by a
     * quarter ends them; a round of this many rows or fewer is the last, so that the pass at the switch is left with
     * what changed since it began.
     */
    private static final int MAX_ROUNDS = 12;
    private static final int MIN_ROUNDS = 3;
    private static final long SMALL_ENOUGH = 2_000;
    /**
     * Passes of the recent pass at most, and the rows that no longer call for another: the pass at the switch compares
     * about 40,000 rows a second, so this many take it tens of milliseconds.
     */
    private static final int RECENT_PASSES = 4;
    private static final long SMALL_AT_THE_SWITCH = 1_000;
    /** How long the full pass or a round waits for the stream to catch up before it compares anyway. */
    private static final long STREAM_WAIT_MILLIS = 300_000;
    /** A wait for the stream that ends within this has found it caught up with the source. */
    private static final long CAUGHT_UP_MILLIS = 500;
    /**
     * A stream whose position has not moved for this long is not waited for any longer (the replication service
     * reports the sync started once its engine delivers, so the stream is not still starting).
     */
    private static final long STREAM_STILL_MILLIS = 5_000;

    private final DataValidation data;

    OnlineValidationPasses(DataValidation data) {
        this.data = data;
    }

    SpecificRecord validate(ValidateData v, Progress progress) throws Exception {
        String cutoverId = v.getOnline().getCutoverId();
        long started = System.nanoTime();
        if (v.getOnline().getRecentOnly()) {
            if (v.getOnline().getFinalPass()) {
                throw new IllegalArgumentException("a validation of cutover " + cutoverId + " cannot be both the"
                        + " recent pass (recentOnly) and the final one (finalPass)");
            }
            return recent(v, cutoverId, started, progress);
        }
        if (!v.getOnline().getFinalPass()) {
            // at once, before any wait: its CREATE INDEX IF NOT EXISTS takes a share lock on the stream's table of
            // changed keys, and would wait behind a commit of the stream that waits in turn
            try (Connection t = Databases.open(v.getTarget())) {
                ChangedKeys.prepare(t);
            }
            // the backlog the copy left first: the stream catches up faster without the full pass competing for
            // the machine (on the local stack at 1,000 transactions/s, in 35 s instead of 90), and fewer rows are
            // found on their way
            boolean streamMoves = awaitStream(v, cutoverId, progress);
            try (StreamPace pace = new StreamPace(v.getSource(), v.getTarget(), cutoverId)) {
                return baselineAndRounds(v, cutoverId, started, progress, streamMoves, pace);
            }
        }
        AtomicReference<Map<String, ChangedKeys.Selection>> selected = new AtomicReference<>();
        List<TableValidation> tables = data.validateSelection(v.getSource(), v.getTarget(), c -> {
            selected.set(ChangedKeys.sinceBaseline(c, cutoverId));
            return selected.get();
        }, progress).tables();
        ValidationReport report = new ValidationReport(tables, (System.nanoTime() - started) / 1_000_000);
        if (!report.equal()) {
            return ValidationListener.validated(report);
        }
        Map<String, Long> figures = new TreeMap<>(report.figures());
        figures.put("rowsToRecheck", selected.get().values().stream().mapToLong(s -> s.keys().size()).sum());
        return new DataValidated("at the switch, only what changed since the last pass: " + report.summary(),
                figures, ValidationListener.counts(tables), tables);
    }

    /**
     * The full pass and the rounds after it, each query paced so that the stream keeps up with the source.
     */
    private SpecificRecord baselineAndRounds(ValidateData v, String cutoverId, long started, Progress progress,
                                             boolean streamMoves, StreamPace pace) throws Exception {
        DataValidation paced = data.paced(pace);
        long since;
        try (Connection t = Databases.open(v.getTarget())) {
            since = ChangedKeys.appliedLsn(t, cutoverId); // before reading any row: changes after it count
        }
        DataValidation.Pass b = paced.baseline(v.getSource(), v.getTarget(), v.getTables(), progress);
        Map<String, ChangedKeys.Selection> recheck = b.differing();
        // like the pre-copy rounds of a live migration: compare what changed meanwhile (and what differed)
        // until little is left, so the pass at the switch, while writes stall, is short. Each round begins once
        // the stream has caught up, so that what it selects is what the application changed, not a backlog the
        // stream applies late (and the stream does not compete with the comparison for the machine)
        int rounds = 0;
        long previous = Long.MAX_VALUE;
        for (; rounds < MAX_ROUNDS; rounds++) {
            if (streamMoves) {
                streamMoves = awaitStream(v, cutoverId, progress);
            }
            Map<String, ChangedKeys.Selection> selected;
            long next;
            try (Connection t = Databases.open(v.getTarget())) {
                next = ChangedKeys.appliedLsn(t, cutoverId);
                selected = ChangedKeys.union(recheck, ChangedKeys.changedSince(t, cutoverId, since));
            }
            long size = rows(selected);
            boolean whole = selected.values().stream().anyMatch(ChangedKeys.Selection::whole);
            if (!whole && size == 0) {
                since = next; // nothing changed, and nothing differs
                break;
            }
            if (!whole && size > SMALL_ENOUGH && rounds >= MIN_ROUNDS && size > previous - previous / 4) {
                break; // no longer shrinking: the application changes rows as fast as a round compares them
            }
            previous = whole ? Long.MAX_VALUE : size;
            progress.summary("round " + (rounds + 1) + ": comparing the " + size
                    + " rows changed or differing since the last round");
            recheck = paced.validateSelected(v.getSource(), v.getTarget(), selected, progress).differing();
            since = next;
            if (!whole && size <= SMALL_ENOUGH) {
                // small enough, and compared: the pass at the switch is left with what changed since this
                // round began, not since the one before it
                rounds++;
                break;
            }
        }
        Noted noted = noteForNextPass(v, cutoverId, since, recheck, b.tables(), started);
        ValidationReport report = noted.report();
        Map<String, Long> figures = noted.figures();
        figures.put("rounds", (long) rounds);
        figures.put("heldForStreamMillis", pace.heldMillis());
        String summary = "baseline while the sync runs: " + (report.equal() ? report.summary()
                : report.tables().size() - report.differing().size() + " of " + report.tables().size()
                + " tables equal in the full pass") + "; then " + rounds + " rounds over what changed meanwhile;"
                + " " + described(recheck) + " still differ for now, compared again at the switch with the rows"
                + " changed since" + held(pace);
        return new DataValidated(summary, figures, ValidationListener.counts(report.tables()), report.tables());
    }

    /** "; held back 1.2 s in all (34 times) so that the stream kept up", or nothing when it never waited. */
    private static String held(StreamPace pace) {
        if (pace.holds() == 0) {
            return pace.streamStood() ? "; the stream's position stood still, and the comparison stopped waiting for"
                    + " it" : "";
        }
        return String.format("; held back %.1f s in all (%d times) so that the stream kept up%s",
                pace.heldMillis() / 1000.0, pace.holds(), pace.streamStood() ? ", until its position stood still"
                        : "");
    }

    /**
     * The recent pass: what differed at the last pass and what the sync changed since, compared while the sync runs
     * (at full speed, not paced: the faster it compares, the fewer rows change meanwhile for the pass at the switch;
     * paced, on the local stack, the pass at the switch had more rows to compare, not fewer);
     * where the target stood when it began, and what differs, noted for the final pass. Nothing it finds fails it (a
     * row may be on its way): the final pass, at the switch, decides. While what changed during a comparison is
     * fewer rows than it compared by a quarter, and more than the pass at the switch should compare, it compares
     * again (at most RECENT_PASSES times): what the pass at the switch compares, inside the write stall, is then what
     * changed during a short comparison, not a long one.
     */
    private SpecificRecord recent(ValidateData v, String cutoverId, long started, Progress progress)
            throws Exception {
        List<Long> sizes = new ArrayList<>();
        Noted noted;
        Map<String, ChangedKeys.Selection> recheck;
        long since;
        Map<String, ChangedKeys.Selection> selected;
        try (Connection t = Databases.open(v.getTarget())) {
            since = ChangedKeys.appliedLsn(t, cutoverId); // before reading any row: changes after it count
            selected = ChangedKeys.sinceBaseline(t, cutoverId);
        }
        while (true) {
            sizes.add(rows(selected));
            progress.summary("comparing the " + described(selected) + " changed or differing since the last pass");
            DataValidation.Pass pass = data.validateSelected(v.getSource(), v.getTarget(), selected, progress);
            recheck = pass.differing();
            noted = noteForNextPass(v, cutoverId, since, recheck, pass.tables(), started);
            if (sizes.size() >= RECENT_PASSES || wholeTables(selected) > 0) {
                break;
            }
            Map<String, ChangedKeys.Selection> next;
            long nextSince;
            try (Connection t = Databases.open(v.getTarget())) {
                nextSince = ChangedKeys.appliedLsn(t, cutoverId);
                next = ChangedKeys.sinceBaseline(t, cutoverId);
            }
            long size = rows(next);
            long previous = sizes.get(sizes.size() - 1);
            if (size <= SMALL_AT_THE_SWITCH || size > previous - previous / 4 || wholeTables(next) > 0) {
                break;
            }
            since = nextSince;
            selected = next;
        }
        ValidationReport report = noted.report();
        Map<String, Long> figures = noted.figures();
        long compared = sizes.stream().mapToLong(Long::longValue).sum();
        figures.put("rowsSelected", compared);
        figures.put("passes", (long) sizes.size());
        String summary = "before the switch, what changed since the last pass: " + compared + " rows compared"
                + (sizes.size() > 1 ? " in " + sizes.size() + " passes (" + String.join(", ",
                sizes.stream().map(String::valueOf).toList()) + " rows)" : "") + "; " + described(recheck)
                + " still differ for now, compared again at the switch with the rows changed since";
        return new DataValidated(summary, figures, ValidationListener.counts(report.tables()), report.tables());
    }

    /**
     * Waits until the stream has caught up with the source: until the target holds everything the source had written
     * when a wait began, and again from where the source is then, until a wait ends within CAUGHT_UP_MILLIS (the
     * source writes on while the stream drains a backlog, and a comparison that began then would compete with the
     * drain and find its rows on their way). At most STREAM_WAIT_MILLIS in all, and no longer than the position
     * keeps moving (the stream's heartbeats move it on a quiet source). Returns false when the stream did not catch
     * up (or there is none): the later rounds do not wait again.
     */
    private static boolean awaitStream(ValidateData v, String cutoverId, Progress progress) throws Exception {
        long deadline = System.nanoTime() + STREAM_WAIT_MILLIS * 1_000_000;
        try (Connection s = Databases.open(v.getSource()); Connection t = Databases.open(v.getTarget())) {
            while (true) {
                long written = Databases.walInsertLsn(s);
                long applied = ChangedKeys.appliedLsn(t, cutoverId);
                if (applied <= 0 || applied >= written) {
                    return applied > 0; // no stream (nothing applied yet) is not waited for: the catch-up step judges
                }
                progress.summary("waiting for the stream to apply what the source has written ("
                        + (written - applied) + " bytes)");
                long began = System.nanoTime();
                StreamPace.Wait wait = StreamPace.untilApplied(t, cutoverId, written,
                        Math.max(0, (deadline - began) / 1_000_000), STREAM_STILL_MILLIS, 20);
                if (wait != StreamPace.Wait.REACHED) {
                    return false; // it stood still, or cannot catch up: the pace alone holds the comparison back
                }
                if (System.nanoTime() - began <= CAUGHT_UP_MILLIS * 1_000_000) {
                    return true;
                }
            }
        }
    }

    /** A pass's report, and its figures with what it leaves to compare again. */
    private record Noted(ValidationReport report, Map<String, Long> figures) {
    }

    /**
     * Notes in the target where a baseline or recent pass began and which rows still differ, for the next pass to
     * start from; its report and figures.
     */
    private static Noted noteForNextPass(ValidateData v, String cutoverId, long since,
                                         Map<String, ChangedKeys.Selection> recheck, List<TableValidation> tables,
                                         long started) throws SQLException {
        try (Connection t = Databases.open(v.getTarget())) {
            ChangedKeys.baseline(t, cutoverId, since, recheck);
        }
        ValidationReport report = new ValidationReport(tables, (System.nanoTime() - started) / 1_000_000);
        Map<String, Long> figures = new TreeMap<>(report.figures());
        figures.put("rowsToRecheck", rows(recheck));
        figures.put("tablesToRecheck", wholeTables(recheck));
        return new Noted(report, figures);
    }

    private static long wholeTables(Map<String, ChangedKeys.Selection> selected) {
        return selected.values().stream().filter(ChangedKeys.Selection::whole).count();
    }

    /** "12 rows", or "12 rows and 1 whole tables". */
    private static String described(Map<String, ChangedKeys.Selection> selected) {
        long whole = wholeTables(selected);
        return rows(selected) + " rows" + (whole > 0 ? " and " + whole + " whole tables" : "");
    }

    private static long rows(Map<String, ChangedKeys.Selection> selected) {
        return selected.values().stream().mapToLong(s -> s.keys().size()).sum();
    }

}
