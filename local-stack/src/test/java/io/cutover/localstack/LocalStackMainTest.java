package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class LocalStackMainTest {

    @Test
    void aRunInAFolderOfItsOwnLeavesNothingBehindWhetherItEndsOrFails() throws Exception {
        AtomicReference<Path> used = new AtomicReference<>();
        int status = LocalStackMain.inOwnFolder((dir, remove) -> {
            used.set(dir);
            Files.writeString(Files.createDirectories(dir.resolve("postgres/pg-binaries")).resolve("postgres"), "x");
            return 3;
        });
        assertThat(status).isEqualTo(3);
        assertThat(used.get()).doesNotExist();

        assertThatThrownBy(() -> LocalStackMain.inOwnFolder((dir, remove) -> {
            used.set(dir);
            Files.createDirectories(dir.resolve("kafka"));
            throw new IllegalStateException("the stack failed to start");
        })).hasMessage("the stack failed to start");
        assertThat(used.get()).doesNotExist();
    }

    @Test
    void theRemovalGivenToTheRunIsTheOneThatRunsAtTheEndAndMayRunTwice() throws Exception {
        AtomicReference<Path> used = new AtomicReference<>();
        LocalStackMain.inOwnFolder((dir, remove) -> {
            used.set(dir);
            Files.createDirectories(dir.resolve("coordinator-state"));
            remove.run(); // as the shutdown hook of --keep-running does
            assertThat(dir).doesNotExist();
            return 0;
        });
        assertThat(used.get()).doesNotExist();
    }
}
