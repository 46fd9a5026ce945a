package dev.junction.cli;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.config.CredentialMask;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code junction status <url>}: what Junction's topology monitor sees of a cluster, one row per node: role,
 * health, replay position, staleness bound, probe round trip and the last probe error. {@code --watch}
 * refreshes the table until Ctrl-C. The password is taken from {@code JUNCTION_PASSWORD} or
 * {@code --password} and never printed.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description =
                "Show the nodes of a cluster as Junction's monitor sees them: role, position, staleness, round trip, health.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "URL",
            description = "A Junction URL, e.g. jdbc:junction:postgresql://pg1:5432,pg2:5432/app")
    private String url;

    @Mixin
    private DatabaseLogin login = new DatabaseLogin();

    @Option(
            names = {"-w", "--watch"},
            description = "Refresh until Ctrl-C.")
    private boolean watch;

    @Option(
            names = "--every",
            defaultValue = "1s",
            converter = DurationOption.class,
            description = "Refresh period with --watch (default: ${DEFAULT-VALUE}).")
    private Duration every;

    private final PrintStream out;
    private final PrintStream err;

    StatusCommand() {
        this(System.out, System.err);
    }

    /** With streams of the caller's: for tests. */
    StatusCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        Properties properties = login.properties();
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            JunctionConnection junction = connection.unwrap(JunctionConnection.class);
            do {
                if (watch) {
                    out.print("\033[H\033[2J");
                }
                out.println("Cluster " + CredentialMask.url(url).replaceFirst("\\?.*", "") + " at "
                        + java.time.LocalTime.now().withNano(0) + ":");
                out.print(render(junction.topologyReport()));
                out.flush();
                if (watch) {
                    Thread.sleep(every.toMillis());
                }
            } while (watch);
        } catch (SQLException e) {
            err.println("junction status: " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"));
            return 1;
        }
        return 0;
    }

    static String render(List<NodeStatus> nodes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"node", "role", "health", "position", "staleness", "round trip", "last error"});
        for (NodeStatus node : nodes) {
            rows.add(new String[] {
                node.address(),
                node.role(),
                node.up()
                        ? "up"
                        : "DOWN"
                                + (node.consecutiveFailures() == 0
                                        ? ""
                                        : " (" + node.consecutiveFailures() + " failed)"),
                node.position().orElse("-"),
                node.stalenessBound().map(d -> d.toMillis() + " ms").orElse("unknown"),
                node.roundTrip()
                        .map(d -> String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6))
                        .orElse("-"),
                node.lastError()
                        .map(e -> e.length() > 100 ? e.substring(0, 97) + "..." : e)
                        .orElse(""),
            });
        }
        return new TextTable(rows).render();
    }
}
