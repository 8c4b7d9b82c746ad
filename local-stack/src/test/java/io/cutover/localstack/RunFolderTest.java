package io.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    @Test
    void aRunInAFolderOfItsOwnLeavesNothingBehindWhetherItEndsOrFails() throws Exception {
        AtomicReference<Path> used = new AtomicReference<>();
        int status = RunFolder.run(null, folder -> {
            used.set(folder.path());
            Files.writeString(Files.createDirectories(folder.path().resolve("postgres/pg-binaries"))
                    .resolve("postgres"), "x");
            return 3;
        });
        assertThat(status).isEqualTo(3);
        assertThat(used.get()).doesNotExist();

        assertThatThrownBy(() -> RunFolder.run(null, folder -> {
            used.set(folder.path());
            Files.createDirectories(folder.path().resolve("kafka"));
            throw new IllegalStateException("the stack failed to start");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the stack failed to start");
        assertThat(used.get()).doesNotExist();
    }

    @Test
    void aFolderGivenIsLeftInPlace(@TempDir Path given) throws Exception {
        int status = RunFolder.run(given, folder -> {
            assertThat(folder.path()).isEqualTo(given);
            Files.createDirectories(given.resolve("kafka"));
            return 0;
        });
        assertThat(status).isZero();
        assertThat(given.resolve("kafka")).isDirectory();
    }

    /**
     * A JVM stopped by SIGTERM (as by Ctrl-C) in the middle of a run: the hook stops what the run started and then
     * removes the folder, which the JVM's own exit would otherwise leave.
     */
    @Test
    void aJvmStoppedMidRunStopsWhatItStartedAndRemovesItsFolder(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report");
        Files.createDirectories(tmp.resolve("java-tmp"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp.resolve("java-tmp"), "-cp", System.getProperty("java.class.path"),
                MidRun.class.getName(), report.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            Path folder = awaitFolder(report, child);
            assertThat(folder).startsWith(tmp.resolve("java-tmp")).isDirectory();
            child.destroy(); // SIGTERM
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
            assertThat(Files.readString(report.resolveSibling("closed"))).isEqualTo("closed " + folder);
            assertThat(folder).doesNotExist();
            assertThat(tmp.resolve("java-tmp")).isEmptyDirectory();
        } finally {
            child.destroyForcibly();
        }
    }

    private static Path awaitFolder(Path report, Process child) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(report)) {
                return Path.of(Files.readString(report));
            }
            assertThat(child.isAlive()).as("the child runs").isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("the child never reported its folder");
    }

    /** The child: a run that fills its folder, hands over what to stop, reports the folder and runs on. */
    static final class MidRun {
        public static void main(String[] args) throws Exception {
            Path report = Path.of(args[0]);
            RunFolder.run(null, folder -> {
                Path dir = folder.path();
                Files.writeString(Files.createDirectories(dir.resolve("postgres/source")).resolve("PG_VERSION"), "17");
                AutoCloseable started = () -> {
                    // still there: the hook stops first and removes after
                    Files.writeString(report.resolveSibling("closed"), "closed " + (Files.isDirectory(dir) ? dir : "-"));
                };
                folder.stopOnExit(started);
                Path written = Files.writeString(report.resolveSibling("report.tmp"), dir.toString());
                Files.move(written, report);
                Thread.sleep(Duration.ofMinutes(5).toMillis());
                return 0;
            });
        }
    }
}
