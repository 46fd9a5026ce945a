package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command (initdb, cp, mariadb-install-db) to completion. A failure carries the command
 * line and its output, since that output is the only thing that explains it.
 */
public final class Command {
    private Command() {}

    public static String run(
            List<String> command, Map<String, String> environment, Path workingDirectory, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ClusterException("Timed out after " + timeout + ": " + String.join(" ", command));
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new ClusterException("Command failed with exit code " + process.exitValue() + ": "
                        + String.join(" ", command) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new ClusterException("Could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Starts a long-running server in the background, its output appended to {@code logFile}. */
    public static Process start(List<String> command, Map<String, String> environment, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ClusterException("Could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }
}
