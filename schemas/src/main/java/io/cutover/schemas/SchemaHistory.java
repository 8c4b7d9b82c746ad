package io.cutover.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The released versions of each top-level message schema, kept as {@code <dir>/<Message>/v<N>.avsc}.
 * The build checks that the current schema reads every released version (backward compatibility) and that the
 * current schema has been recorded as the newest version. Run {@code main} with the history folder to record it.
 */
public final class SchemaHistory {

    /** The messages that travel on topics; nested records are checked through them. */
    public static final List<Schema> MESSAGES = List.of(
            CutoverRequest.getClassSchema(), Command.getClassSchema(), Outcome.getClassSchema(),
            LifecycleEvent.getClassSchema());

    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.avsc");

    private final Path dir;

    public SchemaHistory(Path dir) {
        this.dir = dir;
    }

    /** Every problem found; empty when the current schemas are compatible with, and recorded in, the history. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Schema current : MESSAGES) {
            List<Path> versions = versions(current.getName());
            if (versions.isEmpty()) {
                problems.add(current.getName() + ": no released version in " + dir.resolve(current.getName()));
                continue;
            }
            for (Path version : versions) {
                Schema old = read(version);
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old).getResult();
                if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
                    problems.add(current.getName() + " cannot read " + version.getFileName() + ": "
                            + result.getIncompatibilities());
                }
            }
            Schema newest = read(versions.get(versions.size() - 1));
            if (!newest.equals(current)) {
                problems.add(current.getName() + " changed since " + versions.get(versions.size() - 1).getFileName()
                        + ": record it as the next version with: mvn -pl schemas compile exec:java");
            }
        }
        return problems;
    }

    /** Records each current schema that differs from its newest released version as the next version. */
    public void record() throws IOException {
        for (Schema current : MESSAGES) {
            List<Path> versions = versions(current.getName());
            if (!versions.isEmpty() && read(versions.get(versions.size() - 1)).equals(current)) {
                continue;
            }
            Path next = dir.resolve(current.getName()).resolve("v" + (versions.size() + 1) + ".avsc");
            Files.createDirectories(next.getParent());
            Files.writeString(next, current.toString(true) + "\n");
        }
    }

    private List<Path> versions(String name) {
        Path folder = dir.resolve(name);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> VERSION.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(number(a), number(b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int number(Path p) {
        Matcher m = VERSION.matcher(p.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }

    private static Schema read(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        new SchemaHistory(Path.of(args.length > 0 ? args[0] : "schemas/src/main/avro-history")).record();
    }
}
