package io.cutover.localstack;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time used so far by every PostgreSQL server process on this machine (and by those of them that are WAL senders,
 * which decode the changes for logical replication) and by this JVM, as the operating system reports it (clock
 * ticks, 10 ms on Linux); -1 when it reports none. The JVM's is also split by thread, threads of the same name but
 * for their numbers together: what is not in any Java thread is the collector's and compiler's.
 */
record CpuTime(long serverNanos, long walSenderNanos, long jvmNanos, Map<String, Long> threadNanos,
               Map<Long, Server> serverProcesses) {

    /** One server process: what it is (see {@link #kind}) and its CPU time. */
    record Server(String kind, long nanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static CpuTime now() {
        long servers = 0;
        long walSenders = 0;
        Map<Long, Server> processes = new HashMap<>();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            ProcessHandle.Info info = p.info();
            if (info.command().map(c -> c.endsWith("/postgres")).orElse(false)) {
                long nanos = info.totalCpuDuration().map(Duration::toNanos).orElse(0L);
                servers += nanos;
                // a server process's title says what it is: "postgres: walsender ..." for a replication connection
                String kind = kind(title(p));
                if (kind.equals("walsender")) {
                    walSenders += nanos;
                }
                processes.put(p.pid(), new Server(kind, nanos));
            }
        }
        long jvm = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        Map<String, Long> threads = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()) {
            for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                long nanos = t == null ? -1 : THREADS.getThreadCpuTime(t.getThreadId());
                if (nanos > 0) {
                    threads.merge(t.getThreadName().replaceAll("[0-9]+", "#"), nanos, Long::sum);
                }
            }
        }
        return new CpuTime(servers, walSenders, jvm, threads, processes);
    }

    /** A process's title as PostgreSQL sets it (its command line, which the server rewrites); empty if unknown. */
    private static String title(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse(""); // not Linux, or the process is gone
        }
    }

    CpuTime minus(CpuTime earlier) {
        Map<String, Long> threads = new HashMap<>();
        threadNanos.forEach((name, nanos) -> {
            long used = nanos - earlier.threadNanos.getOrDefault(name, 0L);
            if (used > 0) {
                threads.put(name, used);
            }
        });
        Map<Long, Server> processes = new HashMap<>();
        serverProcesses.forEach((pid, later) -> {
            Server before = earlier.serverProcesses.get(pid);
            long used = later.nanos() - (before == null ? 0 : before.nanos());
            if (used > 0) {
                processes.put(pid, new Server(later.kind(), used));
            }
        });
        return new CpuTime(serverNanos - earlier.serverNanos, walSenderNanos - earlier.walSenderNanos,
                jvmNanos < 0 || earlier.jvmNanos < 0 ? -1 : jvmNanos - earlier.jvmNanos, threads, processes);
    }

    /**
     * What a server process is, from its title: "walsender", "logical replication apply worker", a client's
     * database ("client bench_cutover_tgt"), or the background process's name.
     */
    private static String kind(String title) {
        String t = title.replace('\0', ' ').strip();
        if (!t.startsWith("postgres: ")) {
            return "postmaster"; // the one process that keeps its command line
        }
        t = t.substring("postgres: ".length());
        if (t.startsWith("walsender")) {
            return "walsender";
        }
        if (t.startsWith("logical replication")) {
            return t.replaceAll(" for subscription.*", "").replaceAll("[0-9]+", "#");
        }
        String[] words = t.split("\\s+");
        // a client backend: user, database, host(port), state
        if (words.length >= 3 && words[2].contains("(")) {
            return "client " + words[1];
        }
        return t.replaceAll("[0-9]+", "#");
    }

    /** Microseconds of the given CPU time per change; -1 when unknown. */
    double perChange(long nanos, long changes) {
        return nanos < 0 ? -1 : nanos / 1e3 / changes;
    }

    /** The servers' time per change by kind of process, the busiest first, those under 0.1 µs left out. */
    String byProcess(long changes) {
        Map<String, Long> byKind = new HashMap<>();
        serverProcesses.values().forEach(p -> byKind.merge(p.kind(), p.nanos(), Long::sum));
        return busiest(byKind, changes).toString();
    }

    /** Each name's time per change, the busiest first, those under 0.1 µs left out. */
    private StringJoiner busiest(Map<String, Long> nanosByName, long changes) {
        StringJoiner out = new StringJoiner(", ");
        nanosByName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> perChange(e.getValue(), changes) >= 0.1)
                .forEach(e -> out.add(String.format("%s %.1f", e.getKey(), perChange(e.getValue(), changes))));
        return out;
    }

    /**
     * The JVM's time per change by thread, the busiest first, those under 0.1 µs left out, and the rest of the
     * process (collector, compiler) last.
     */
    String byThread(long changes) {
        StringJoiner out = busiest(threadNanos, changes);
        if (jvmNanos >= 0) {
            long inThreads = threadNanos.values().stream().mapToLong(Long::longValue).sum();
            out.add(String.format("outside Java threads %.1f", perChange(jvmNanos - inThreads, changes)));
        }
        return out.toString();
    }
}
