package dev.junction.cluster;

import dev.junction.cluster.internal.PosixSignals;
import dev.junction.cluster.internal.ProcessReaper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One database server process started by this JVM, known by its PID. Every stop is by PID: a graceful
 * signal first, then SIGKILL if the server does not exit in time, then a wait for every process the server
 * had forked, so that nothing of ours outlives a test.
 */
public final class ServerProcess {
    private final String label;
    private final long pid;
    private final Path logFile;
    private final String gracefulSignal;

    /**
     * @param gracefulSignal the signal that asks this server for a fast, clean shutdown ({@code INT} for
     *                       PostgreSQL, whose SIGTERM waits for clients to disconnect; {@code TERM} for MariaDB)
     */
    public ServerProcess(String label, long pid, Path logFile, String gracefulSignal) {
        this.label = label;
        this.pid = pid;
        this.logFile = logFile;
        this.gracefulSignal = gracefulSignal;
        ProcessReaper.register(this);
    }

    public long pid() {
        return pid;
    }

    public Path logFile() {
        return logFile;
    }

    /** The last 30 lines of the server's log, for error messages that must explain a failed start. */
    public String logTail() {
        try {
            java.util.List<String> lines =
                    java.nio.file.Files.readAllLines(logFile, java.nio.charset.StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (java.io.IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Asks the server to shut down, then kills it if it has not exited within {@code grace}. */
    public void stop(Duration grace) {
        if (!isAlive()) {
            ProcessReaper.unregister(this);
            return;
        }
        List<ProcessHandle> family = descendants();
        PosixSignals.send(pid, "CONT"); // a SIGSTOPped server must be able to hear the shutdown request
        PosixSignals.send(pid, gracefulSignal);
        if (!awaitExit(grace)) {
            PosixSignals.send(pid, "KILL");
            awaitExit(Duration.ofSeconds(10));
        }
        reap(family);
        ProcessReaper.unregister(this);
    }

    /** {@code kill -9}: the crash a failover test needs. Children left behind are reaped, not kept. */
    public void kill() {
        List<ProcessHandle> family = descendants();
        PosixSignals.send(pid, "KILL");
        awaitExit(Duration.ofSeconds(10));
        reap(family);
        ProcessReaper.unregister(this);
    }

    /**
     * SIGKILL to the server and to every process it forked, all at once and from this JVM (no {@code kill} command
     * per process), as a machine that dies would stop them: a PostgreSQL backend or WAL sender orphaned by a killed
     * postmaster would otherwise go on for a moment, finishing commits and streaming WAL that a crashed machine never
     * sends.
     */
    public void crash() {
        List<ProcessHandle> family = descendants();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // first: it forks and restarts nothing more
        family.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(10));
        reap(family);
        ProcessReaper.unregister(this);
    }

    /**
     * SIGSTOP to the server and every process it forked (PostgreSQL serves each connection from its own
     * backend): the node keeps its sockets open and answers nothing, like a hung machine.
     */
    public void suspend() {
        PosixSignals.send(pid, "STOP"); // the parent first, so it forks nothing new meanwhile
        for (ProcessHandle child : descendants()) {
            PosixSignals.send(child.pid(), "STOP");
        }
    }

    /** SIGCONT after {@link #suspend()}, children first so the parent finds them running. */
    public void resume() {
        for (ProcessHandle child : descendants()) {
            PosixSignals.send(child.pid(), "CONT");
        }
        PosixSignals.send(pid, "CONT");
    }

    private List<ProcessHandle> descendants() {
        return ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of());
    }

    private boolean awaitExit(Duration timeout) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !isAlive();
        }
    }

    /** PostgreSQL backends notice their postmaster's death and exit by themselves; give them a moment, then insist. */
    private static void reap(List<ProcessHandle> family) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (ProcessHandle child : family) {
            while (child.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (child.isAlive()) {
                PosixSignals.send(child.pid(), "KILL");
            }
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + pid + ")";
    }
}
