package dev.junction.cluster.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a POSIX signal to a PID through {@code kill(1)}. Java's own API only knows TERM and KILL, and
 * servers need INT (PostgreSQL fast shutdown), STOP and CONT (a hung node) as well.
 */
public final class PosixSignals {
    private PosixSignals() {}

    /** Sends {@code signal} (a name such as {@code INT}); a process that is already gone is not an error. */
    public static void send(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("Could not run kill -" + signal + " " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
