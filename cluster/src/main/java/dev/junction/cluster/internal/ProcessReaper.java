package dev.junction.cluster.internal;

import dev.junction.cluster.ServerProcess;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops, at JVM exit, every server process this JVM started and did not stop itself: a test that fails
 * half-way, or a demo interrupted with Ctrl-C, must not leave servers behind.
 */
public final class ProcessReaper {
    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::stopAll, "junction-process-reaper"));
    }

    private ProcessReaper() {}

    public static void register(ServerProcess process) {
        RUNNING.add(process);
    }

    public static void unregister(ServerProcess process) {
        RUNNING.remove(process);
    }

    private static void stopAll() {
        for (ServerProcess process : RUNNING.toArray(ServerProcess[]::new)) {
            process.stop(Duration.ofSeconds(5));
        }
    }
}
