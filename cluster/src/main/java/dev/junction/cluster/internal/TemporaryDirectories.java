package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Cluster directories under {@code java.io.tmpdir}. They are made traversable by everyone because the
 * servers run as another account than the JVM when the JVM is root. Set {@code JUNCTION_KEEP_CLUSTERS=1}
 * to keep them (and their logs) after a run.
 */
public final class TemporaryDirectories {
    private TemporaryDirectories() {}

    /**
     * A new directory named {@code prefix…}; when {@code JUNCTION_RUN_ID} is set (the test runner sets it),
     * the name carries it, so that a run can tell its own servers from those of any other run on the machine.
     */
    public static Path create(String prefix) {
        String runId = System.getenv("JUNCTION_RUN_ID");
        String name = runId == null || runId.isBlank() ? prefix : prefix + runId.replaceAll("[^A-Za-z0-9]", "") + "-";
        try {
            Path dir = Files.createTempDirectory(name);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new ClusterException("Could not create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** Deletes a cluster directory, unless {@code JUNCTION_KEEP_CLUSTERS=1} asks to keep it for its logs. */
    public static void delete(Path root) {
        if (root == null || "1".equals(System.getenv("JUNCTION_KEEP_CLUSTERS"))) {
            return;
        }
        deleteTree(root);
    }

    /** Deletes {@code root} and everything below it, best effort, whatever JUNCTION_KEEP_CLUSTERS says. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Deleting test data is best effort; a leftover temp directory harms nothing but disk space.
            System.getLogger(TemporaryDirectories.class.getName())
                    .log(System.Logger.Level.WARNING, "Could not delete " + root + ": " + e.getMessage());
        }
    }
}
