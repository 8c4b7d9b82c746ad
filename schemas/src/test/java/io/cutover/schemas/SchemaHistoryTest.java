package io.cutover.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryTest {

    @Test
    void currentSchemasReadEveryReleasedVersionAndAreRecorded() {
        assertThat(new SchemaHistory(Path.of("src/main/avro-history")).problems()).isEmpty();
    }

    @Test
    void aRemovedFieldWithoutDefaultIsReportedAsIncompatible(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("Command").resolve("v1.avsc");
        Files.createDirectories(old.getParent());
        String withExtraField = Command.getClassSchema().toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"legacy\",\"type\":\"string\"},");
        Files.writeString(old, withExtraField);
        // A new reader without "legacy" can still read old data (field is skipped); the reverse direction is what
        // breaks: make the current schema require a field the old writer never wrote.
        Path older = dir.resolve("Outcome").resolve("v1.avsc");
        Files.createDirectories(older.getParent());
        Files.writeString(older, "{\"type\":\"record\",\"name\":\"Outcome\",\"namespace\":\"io.cutover.schemas\","
                + "\"fields\":[]}");

        assertThat(new SchemaHistory(dir).problems())
                .anySatisfy(p -> assertThat(p).startsWith("Outcome cannot read v1.avsc"))
                .anySatisfy(p -> assertThat(p).startsWith("Command changed since v1.avsc"))
                .anySatisfy(p -> assertThat(p).startsWith("CutoverRequest: no released version"));
    }

    @Test
    void recordWritesTheNextVersionOnlyWhenTheSchemaChanged(@TempDir Path dir) throws Exception {
        SchemaHistory history = new SchemaHistory(dir);
        history.record();
        history.record();
        assertThat(dir.resolve("Command").resolve("v1.avsc")).exists();
        assertThat(dir.resolve("Command").resolve("v2.avsc")).doesNotExist();
        assertThat(history.problems()).isEmpty();
    }
}
