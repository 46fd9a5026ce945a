package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a jar in the local Maven repository, having {@code mvn dependency:get} download it first when it
 * is not there. Going through {@code mvn} rather than HTTP means the user's mirrors, proxies and credentials
 * ({@code settings.xml}) apply. Used for artifacts too large to be a build dependency that almost every
 * machine can do without, such as a whole database server.
 */
public final class MavenLocalRepository {
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);

    private MavenLocalRepository() {}

    /** The jar of {@code groupId:artifactId:version}, downloaded if needed. */
    public static Path jar(String coordinates) {
        String[] parts = coordinates.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Expected groupId:artifactId:version, got " + coordinates);
        }
        Path root = root();
        Path jar = root.resolve(parts[0].replace('.', '/'))
                .resolve(parts[1])
                .resolve(parts[2])
                .resolve(parts[1] + "-" + parts[2] + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        // The repository is named explicitly so that the download lands where this class looks.
        List<String> command = List.of(
                mvn(),
                "-B",
                "-q",
                "-Dmaven.repo.local=" + root,
                "dependency:get",
                "-Dartifact=" + coordinates,
                "-Dtransitive=false");
        Command.run(command, Map.of(), null, DOWNLOAD_TIMEOUT);
        if (!Files.isRegularFile(jar)) {
            throw new ClusterException("`" + String.join(" ", command) + "` succeeded but " + jar + " does not exist");
        }
        return jar;
    }

    private static Path root() {
        return Optional.ofNullable(System.getProperty("maven.repo.local"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    /** Maven's own installation when this JVM was started by Maven (tests), else {@code mvn} from the PATH. */
    private static String mvn() {
        return Optional.ofNullable(System.getProperty("maven.home"))
                .or(() -> Optional.ofNullable(System.getenv("MAVEN_HOME")))
                .map(home -> Path.of(home, "bin", "mvn"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse("mvn");
    }
}
