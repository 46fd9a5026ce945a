package dev.junction.cluster;

import dev.junction.cluster.internal.Command;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installed MariaDB server: {@code mariadbd} and {@code mariadb-install-db}, looked up in the directories
 * packages put them in ({@code /usr/sbin}, {@code /usr/bin}, {@code /usr/local/...}) and then on the
 * {@code PATH}.
 *
 * <p>Unlike PostgreSQL there is no Maven fallback yet: a machine without MariaDB gets a {@link ClusterException}
 * that says what to install. The project's CI script installs {@code mariadb-server} on fresh machines.
 */
public final class MariaDbBinaries {
    private static final List<Path> USUAL_DIRECTORIES = List.of(
            Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"),
            Path.of("/usr/local/mysql/bin"), Path.of("/usr/local/mysql/scripts"), Path.of("/opt/mariadb/bin"));
    private static final Pattern VERSION = Pattern.compile("Ver (\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");

    private final Path server;
    private final Path installDb;
    private final String version;
    private final int major;
    private final int minor;

    private MariaDbBinaries(Path server, Path installDb, String version, int major, int minor) {
        this.server = server;
        this.installDb = installDb;
        this.version = version;
        this.major = major;
        this.minor = minor;
    }

    /** The installed server, or a {@link ClusterException} that says how to install one. */
    public static MariaDbBinaries find() {
        return installed().orElseThrow(() -> new ClusterException(
                "No MariaDB server is installed: found no mariadbd with mariadb-install-db in " + searchPath()
                        + ". Install one with `apt-get install -y mariadb-server` (the project's CI script does this);"
                        + " a running system instance is not needed and is left alone."));
    }

    /** The installed server, if both {@code mariadbd} and {@code mariadb-install-db} are found. */
    public static Optional<MariaDbBinaries> installed() {
        Optional<Path> server = firstExecutable("mariadbd");
        Optional<Path> installDb = firstExecutable("mariadb-install-db").or(() -> firstExecutable("mysql_install_db"));
        if (server.isEmpty() || installDb.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(describe(server.get(), installDb.get()));
    }

    private static Optional<Path> firstExecutable(String name) {
        return searchPath().stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
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

    private static MariaDbBinaries describe(Path server, Path installDb) {
        String output = Command.run(List.of(server.toString(), "--version"), Map.of(), null, Duration.ofSeconds(30));
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new ClusterException("`" + server + " --version` does not describe a MariaDB server: " + output.strip());
        }
        String version = matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
        return new MariaDbBinaries(server, installDb, version,
                Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    /** {@code mariadbd}. */
    public Path server() {
        return server;
    }

    /** {@code mariadb-install-db}, which creates the system tables of a new data directory. */
    public Path installDb() {
        return installDb;
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

    @Override
    public String toString() {
        return "MariaDB " + version + " (installed, " + server + ")";
    }
}
