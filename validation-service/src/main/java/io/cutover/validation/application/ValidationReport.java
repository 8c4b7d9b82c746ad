package io.cutover.validation.application;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cutover.schemas.TableValidation;

/** Words and figures for a data validation's outcome. */
public record ValidationReport(List<TableValidation> tables, long durationMillis) {

    public List<TableValidation> differing() {
        return tables.stream().filter(t -> !DataValidation.equal(t)).toList();
    }

    public boolean equal() {
        return differing().isEmpty();
    }

    public String summary() {
        long rows = sum(TableValidation::getRowsCompared);
        if (equal()) {
            return String.format("content equal in all %d tables: %,d rows in %,d key ranges, %.1f s (%,.0f rows/s)",
                    tables.size(), rows, sum(t -> t.getRanges()), durationMillis / 1000.0, rowsPerSecond(rows));
        }
        return String.join("; ", differing().stream().map(ValidationReport::describe).toList());
    }

    public Map<String, Long> figures() {
        Map<String, Long> f = new TreeMap<>();
        long rows = sum(TableValidation::getRowsCompared);
        f.put("tables", (long) tables.size());
        f.put("rowsCompared", rows);
        f.put("ranges", sum(t -> t.getRanges()));
        f.put("tablesDiffering", (long) differing().size());
        f.put("missing", sum(TableValidation::getMissing));
        f.put("extra", sum(TableValidation::getExtra));
        f.put("different", sum(TableValidation::getDifferent));
        f.put("durationMillis", durationMillis);
        f.put("rowsPerSecond", (long) rowsPerSecond(rows));
        return f;
    }

    private static String describe(TableValidation t) {
        List<String> shown = t.getExamples().subList(0, Math.min(3, t.getExamples().size()));
        return t.getTable() + " differs: source " + t.getSourceRows() + " rows, target " + t.getTargetRows() + "; "
                + t.getMissing() + " missing on the target, " + t.getExtra() + " extra, " + t.getDifferent()
                + " different" + (shown.isEmpty() ? "" : " (" + String.join("; ", shown)
                + (t.getExamples().size() > shown.size() ? "; ..." : "") + ")");
    }

    private double rowsPerSecond(long rows) {
        return rows * 1000.0 / Math.max(1, durationMillis);
    }

    private long sum(java.util.function.ToLongFunction<TableValidation> f) {
        return tables.stream().mapToLong(f).sum();
    }
}
