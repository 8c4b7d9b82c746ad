package io.cutover.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** One local stack (one broker, one pair of PostgreSQL servers, one SMTP server) for the whole test run. */
final class SharedStack {

    private static LocalStack stack;

    private SharedStack() {
    }

    static synchronized LocalStack get() {
        if (stack == null) {
            try {
                stack = LocalStack.start(Files.createTempDirectory("cutover-test-"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stack.close();
                } catch (IOException e) {
                    System.err.println("closing the shared stack: " + e.getMessage());
                }
            }));
        }
        return stack;
    }

    static AdminClient admin() {
        return new AdminClient(get().adminUrl());
    }
}
