package io.cutover.localstack;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used so far by every PostgreSQL server process on this machine and by this JVM, as the operating system
 * reports it (clock ticks, 10 ms on Linux); -1 when it reports none.
 */
record CpuTime(long serverNanos, long jvmNanos) {

    static CpuTime now() {
        long servers = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .map(p -> p.info().totalCpuDuration())
                .flatMap(Optional::stream)
                .mapToLong(Duration::toNanos)
                .sum();
        long jvm = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        return new CpuTime(servers, jvm);
    }

    CpuTime minus(CpuTime earlier) {
        return new CpuTime(serverNanos - earlier.serverNanos,
                jvmNanos < 0 || earlier.jvmNanos < 0 ? -1 : jvmNanos - earlier.jvmNanos);
    }

    /** Microseconds of the given CPU time per change; -1 when unknown. */
    double perChange(long nanos, long changes) {
        return nanos < 0 ? -1 : nanos / 1e3 / changes;
    }
}
