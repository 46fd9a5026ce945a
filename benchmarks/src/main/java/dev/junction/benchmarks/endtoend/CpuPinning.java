package dev.junction.benchmarks.endtoend;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Pins processes to CPUs with {@code taskset}. On a 2-vCPU machine, servers on CPU 0 and the benchmark JVM
 * on CPU 1 stop the scheduler from moving either, which is what keeps raw-vs-raw within ±0.4 %; unpinned,
 * each connection settles on one of two latency levels and ratios mean little.
 */
final class CpuPinning {
    private CpuPinning() {}

    static boolean available() {
        return Runtime.getRuntime().availableProcessors() >= 2 && run("taskset", "-V");
    }

    /** Pins {@code pid} and all its threads; PostgreSQL backends forked later inherit the postmaster's mask. */
    static boolean pin(long pid, String cpuList) {
        return run("taskset", "-a", "-cp", cpuList, Long.toString(pid));
    }

    static boolean pinThisJvm(String cpuList) {
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
