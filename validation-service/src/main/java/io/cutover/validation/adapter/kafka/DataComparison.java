package io.cutover.validation.adapter.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.avro.specific.SpecificRecord;

import io.cutover.kit.Futures;
import io.cutover.kit.Progress;
import io.cutover.schemas.DataValidationFailed;
import io.cutover.schemas.TableValidation;
import io.cutover.schemas.ValidateData;
import io.cutover.validation.adapter.jdbc.SchemaParity;
import io.cutover.validation.application.DataValidation;
import io.cutover.validation.application.ValidationReport;

/** What a ValidateData command compares: the schemas, then the rows, offline or in the passes of an online sync. */
final class DataComparison {

    private final DataValidation data;
    private final OnlineValidationPasses online;

    DataComparison(DataValidation data) {
        this.data = data;
        this.online = new OnlineValidationPasses(data);
    }

    /**
     * The schemas first: the rows of tables whose shape differs do not compare. At the switch, inside the write
     * stall, and in the recent pass just before it (whatever changes meanwhile is compared at the switch), the
     * schemas are compared while the rows are, and a difference in them is what the outcome says.
     */
    SpecificRecord validate(ValidateData v, Progress progress) throws Exception {
        if (v.getOnline() != null && (v.getOnline().getFinalPass() || v.getOnline().getRecentOnly())) {
            Future<List<String>> schema = Futures.onItsOwnThread("cutover-schema-parity",
                    () -> SchemaParity.differences(v.getSource(), v.getTarget(), v.getTables()));
            SpecificRecord rows;
            try {
                rows = online.validate(v, progress);
            } catch (Exception e) {
                List<String> differences = Futures.await(schema);
                if (!differences.isEmpty()) {
                    return schemaDiffers(differences);
                }
                throw e;
            }
            List<String> differences = Futures.await(schema);
            return differences.isEmpty() ? rows : schemaDiffers(differences);
        }
        List<String> schema = SchemaParity.differences(v.getSource(), v.getTarget(), v.getTables());
        if (!schema.isEmpty()) {
            return schemaDiffers(schema);
        }
        if (v.getOnline() != null) {
            return online.validate(v, progress);
        }
        long started = System.nanoTime();
        List<TableValidation> tables = data.validate(v.getSource(), v.getTarget(), v.getTables(), progress);
        return ValidationListener.validated(new ValidationReport(tables, (System.nanoTime() - started) / 1_000_000));
    }

    private static SpecificRecord schemaDiffers(List<String> differences) {
        List<String> shown = differences.subList(0, Math.min(10, differences.size()));
        return new DataValidationFailed("the target's schema differs from the source's in " + differences.size()
                + " places: " + String.join("; ", shown) + (differences.size() > shown.size() ? "; ..." : ""),
                Map.of("schemaDifferences", (long) differences.size()), List.of(), List.of());
    }
}
