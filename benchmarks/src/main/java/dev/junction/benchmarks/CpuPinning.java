package dev.junction.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Pins processes to CPUs with {@code taskset}. On a 2-vCPU machine, servers on CPU 0 and the benchmark JVM
 * on CPU 1 stop the scheduler from moving either, which is what keeps raw-vs-raw within ±0.4 %; unpinned,
 * each connection settles on one of two latency levels and ratios mean little.
 */
public final class CpuPinning {
    private CpuPinning() {}

    public static boolean available() {
        return Runtime.getRuntime().availableProcessors() >= 2 && run("taskset", "-V");
    }

    /** Pins {@code pid} and all its threads; PostgreSQL backends forked later inherit the postmaster's mask. */
    public static boolean pin(long pid, String cpuList) {
        return run("taskset", "-a", "-cp", cpuList, Long.toString(pid));
    }

    /**
     * Pins every process of each server (the server's own and the ones it has forked so far, such as PostgreSQL's
     * WAL senders) to CPU 0 and this JVM to CPU 1; false when pinning is unavailable or failed.
     */
    public static boolean serversApartFromThisJvm(java.util.List<Long> serverPids) {
        if (!available()) {
            return false;
        }
        boolean ok = true;
        for (long pid : serverPids) {
            ok &= pinTree(pid, "0");
        }
        return ok & pinThisJvm("1");
    }

    /**
     * The primary's processes alone on CPU 0, the replicas' and this JVM on CPU 1: the primary as if it had a machine
     * of its own, so that what reaches it is not slowed by reads the replicas serve, or by the client, sharing its
     * CPU (and its caches) with it; false when pinning is unavailable or failed.
     */
    public static boolean primaryApart(long primaryPid, java.util.List<Long> replicaPids) {
        if (!available()) {
            return false;
        }
        boolean ok = pinTree(primaryPid, "0");
        for (long pid : replicaPids) {
            ok &= pinTree(pid, "1");
        }
        return ok & pinThisJvm("1");
    }

    /** Pins a server process and every process it has forked so far (such as PostgreSQL's WAL senders). */
    private static boolean pinTree(long pid, String cpuList) {
        boolean ok = pin(pid, cpuList);
        for (long child : ProcessHandle.of(pid).stream()
                .flatMap(ProcessHandle::descendants)
                .map(ProcessHandle::pid)
                .toList()) {
            // A child may have exited since it was listed: only one still alive and left unpinned counts.
            ok &= pin(child, cpuList)
                    || ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true);
        }
        return ok;
    }

    public static boolean pinThisJvm(String cpuList) {
        return pin(ProcessHandle.current().pid(), cpuList);
    }

    private static boolean run(String... command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
