package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two data sources on one PostgreSQL cluster (a primary and a standby) with different users (issue 12): each has its
 * own monitor and catalogs, which run as its own user, and which end when it closes.
 *
 * <p>{@code alice} owns schema {@code alice_s} (a table, a view, STABLE functions), {@code bob} owns {@code bob_s};
 * neither may use the other's schema. The server says who ran what: {@code pg_stat_activity.usename} sampled while
 * the connections are open, and the primary's log ({@code log_statement = all}, a prefix with the server process,
 * the user and the application name), where the catalogs' queries carry their looked-up names as parameters.
 * Junction names its connections {@code junction-monitor} and {@code junction-catalog}.
 */
class CredentialIsolationIT {
    private static final Pattern LINE = Pattern.compile("\\[(\\d+)] user=(\\S*) app=(\\S*): (.*)");
    private static PostgresCluster cluster;
    private static String url;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder()
                .standbys(1)
                .setting("log_statement = 'all'")
                .setting("log_line_prefix = '%m [%p] user=%u app=%a: '")
                .start();
        cluster.primary()
                .execute(
                        "create role alice login password 'Alice-pw-1'",
                        "create role bob login password 'Bob-pw-2'",
                        "create schema alice_s authorization alice",
                        "create schema bob_s authorization bob");
        for (String user : List.of("alice", "bob")) {
            String schema = user + "_s";
            cluster.primary()
                    .execute(
                            "set role " + user,
                            "create table " + schema + ".notes(id int primary key, note text)",
                            "insert into " + schema + ".notes values (1, 'only " + user + " reads this')",
                            "create function " + schema
                                    + ".count_notes() returns int language sql stable as 'select count(*)::int from "
                                    + schema + ".notes'",
                            "revoke execute on function " + schema + ".count_notes() from public",
                            "create function " + schema
                                    + ".where_am_i() returns int language sql stable as 'select inet_server_port()'",
                            "create view " + schema + ".summary as select count(*) as n from " + schema + ".notes",
                            "reset role");
        }
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JunctionDataSource dataSource(String user, String password) {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    private static int integer(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    /** The user's STABLE function reports a standby's port once the reads may go there (under global: after replay). */
    private static int awaitStandbyRead(Connection connection, String sql) throws SQLException {
        int standby = cluster.standbys().get(0).port();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int port = integer(connection, sql);
        while (port != standby && System.nanoTime() < deadline) {
            port = integer(connection, sql);
        }
        return port;
    }

    /** What one user does: its function, its view, a write, a read of its table. */
    private static void work(Connection connection, String user) throws SQLException {
        String schema = user + "_s";
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into " + schema + ".notes values (2, 'written by " + user + "')");
        }
        cluster.awaitReplication();
        assertThat(awaitStandbyRead(connection, "select " + schema + ".where_am_i()"))
                .as(user + "'s STABLE function, proven read-only by " + user + "'s own catalog, runs on the standby")
                .isEqualTo(cluster.standbys().get(0).port());
        assertThat(integer(connection, "select " + schema + ".count_notes()")).isEqualTo(2);
        assertThat(integer(connection, "select n from " + schema + ".summary")).isEqualTo(2);
        assertThat(integer(connection, "select count(*) from " + schema + ".notes"))
                .isEqualTo(2);
    }

    private static SQLException refusal(Connection connection, String sql) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> integer(connection, sql));
        assertThat((Throwable) e).as(sql).isNotNull();
        return e;
    }

    /** {@code (usename, application_name) -> count} of Junction's own backends on {@code node}. */
    private static Map<String, Integer> junctionBackends(PostgresNode node) throws SQLException {
        Map<String, Integer> backends = new HashMap<>();
        try (Connection admin = node.connect();
                Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select usename, application_name, count(*) from pg_stat_activity"
                                + " where application_name in ('junction-monitor', 'junction-catalog') group by 1, 2")) {
            while (rows.next()) {
                backends.put(rows.getString(1) + " " + rows.getString(2), rows.getInt(3));
            }
        }
        return backends;
    }

    private static Set<String> junctionThreads() {
        Set<String> ports = cluster.nodes().stream().map(n -> ":" + n.port()).collect(Collectors.toSet());
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("junction-") && ports.stream().anyMatch(name::contains))
                .collect(Collectors.toSet());
    }

    /** The primary's log lines since {@code offset} bytes, as (user, application, message, server process id). */
    private static List<String[]> logSince(long offset) throws IOException {
        Path log = cluster.primary().process().logFile();
        byte[] content = Files.readAllBytes(log);
        String text = new String(
                content,
                (int) Math.min(offset, content.length),
                (int) Math.max(0, content.length - offset),
                StandardCharsets.UTF_8);
        List<String[]> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                lines.add(new String[] {m.group(2), m.group(3), m.group(4), m.group(1)});
            }
        }
        return lines;
    }

    /**
     * The users under which the catalogs asked about {@code schema.name}: the function and table lookups pass the name
     * and the schema as parameters, which the server logs after the statement, with the same prefix.
     */
    private static Set<String> catalogUsersAsking(List<String[]> log, String schema, String name) {
        return log.stream()
                .filter(l -> l[1].equals("junction-catalog")
                        && l[2].startsWith("DETAIL:  parameters: $1 = '" + name + "', $2 = '" + schema + "'"))
                .map(l -> l[0])
                .collect(Collectors.toSet());
    }

    /** Over how many connections (server processes) {@code user} ran statements on the primary under {@code application}. */
    private static long connectionsUsed(List<String[]> log, String user, String application) {
        return log.stream()
                .filter(l -> l[0].equals(user) && l[1].equals(application))
                .map(l -> l[3])
                .distinct()
                .count();
    }

    @Test
    void eachUsersMonitorAndCatalogsRunAsThatUserAndEndWithItsDataSources() throws Exception {
        url = "jdbc:junction:postgresql://" + cluster.standbys().get(0).address() + ","
                + cluster.primary().address() + "/postgres";
        Path log = cluster.primary().process().logFile();
        long offset = Files.size(log);
        Map<String, Integer> duringOnPrimary;
        Map<String, Integer> duringOnStandby;
        SQLException functionRefused;
        SQLException tableRefused;
        SQLException viewRefused;
        try (JunctionDataSource alice = dataSource("alice", "Alice-pw-1");
                JunctionDataSource bob = dataSource("bob", "Bob-pw-2");
                JunctionDataSource aliceAgain = dataSource("alice", "Alice-pw-1")) {
            try (Connection a = alice.getConnection();
                    Connection b = bob.getConnection();
                    Connection a2 = aliceAgain.getConnection()) {
                work(a, "alice");
                work(b, "bob");
                assertThat(integer(a2, "select alice_s.count_notes()"))
                        .as("a second data source of the same user")
                        .isEqualTo(2);

                functionRefused = refusal(b, "select alice_s.count_notes()");
                tableRefused = refusal(b, "select count(*) from alice_s.notes");
                viewRefused = refusal(b, "select n from alice_s.summary");
                assertThat(refusal(a, "select bob_s.count_notes()").getSQLState())
                        .isEqualTo("42501");

                duringOnPrimary = junctionBackends(cluster.primary());
                duringOnStandby = junctionBackends(cluster.standbys().get(0));
            }
        }
        long closedAt = System.nanoTime();
        System.out.println("[CredentialIsolationIT] Junction's backends while connected: primary " + duringOnPrimary
                + ", standby " + duringOnStandby);

        // B's statements on A's objects fail with the server's own permission error, wherever they were routed.
        for (SQLException refused : List.of(functionRefused, tableRefused, viewRefused)) {
            assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo("42501");
            assertThat(refused.getMessage()).contains("permission denied for schema alice_s");
        }

        // While connected: each user's monitor probes as that user on every node; each user's catalogs have one
        // connection to the primary, as that user; the second data source of alice shares alice's.
        assertThat(duringOnPrimary)
                .containsEntry("alice junction-monitor", 1)
                .containsEntry("bob junction-monitor", 1)
                .containsEntry("alice junction-catalog", 1)
                .containsEntry("bob junction-catalog", 1)
                .hasSize(4);
        assertThat(duringOnStandby)
                .containsEntry("alice junction-monitor", 1)
                .containsEntry("bob junction-monitor", 1)
                .doesNotContainKeys("alice junction-catalog", "bob junction-catalog");

        List<String[]> lines = logSince(offset);
        assertThat(lines.stream()
                        .filter(l -> l[1].equals("junction-monitor") || l[1].equals("junction-catalog"))
                        .map(l -> l[0])
                        .collect(Collectors.toSet()))
                .as("Junction's own queries ran as the two users only")
                .containsExactlyInAnyOrder("alice", "bob");
        // Names only one user's statements used were asked about as that user only; a name both used (each tried the
        // other's function) was asked about by each, as itself: nobody's routing rests on another user's answer.
        assertThat(catalogUsersAsking(lines, "alice_s", "where_am_i")).containsExactly("alice");
        assertThat(catalogUsersAsking(lines, "bob_s", "where_am_i")).containsExactly("bob");
        assertThat(catalogUsersAsking(lines, "bob_s", "notes"))
                .as("the tables bob wrote, looked up as bob")
                .containsExactly("bob");
        assertThat(catalogUsersAsking(lines, "alice_s", "notes"))
                .as("the tables alice wrote")
                .contains("alice");
        assertThat(catalogUsersAsking(lines, "alice_s", "count_notes")).containsExactlyInAnyOrder("alice", "bob");
        assertThat(catalogUsersAsking(lines, "bob_s", "count_notes")).containsExactlyInAnyOrder("alice", "bob");
        for (String user : List.of("alice", "bob")) {
            assertThat(connectionsUsed(lines, user, "junction-catalog"))
                    .as(user + "'s catalog connections: one for every lookup")
                    .isEqualTo(1);
            assertThat(connectionsUsed(lines, user, "junction-monitor"))
                    .as(user + "'s probe connections to the primary")
                    .isEqualTo(1);
            assertThat(lines.stream()
                            .filter(l ->
                                    l[0].equals(user) && l[1].equals("junction-catalog") && l[2].contains("pg_rewrite"))
                            .count())
                    .as(user + "'s view catalog loaded, as " + user)
                    .isPositive();
        }

        // Closing both data sources (after their connections) releases everything: no thread, no server connection.
        long deadline = closedAt + Duration.ofSeconds(5).toNanos();
        while ((!junctionThreads().isEmpty()
                        || !junctionBackends(cluster.primary()).isEmpty()
                        || !junctionBackends(cluster.standbys().get(0)).isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("[CredentialIsolationIT] released "
                + Duration.ofNanos(System.nanoTime() - closedAt).toMillis()
                + " ms after the data sources closed; threads left: " + junctionThreads());
        assertThat(junctionThreads()).as("Junction threads of this cluster").isEmpty();
        assertThat(junctionBackends(cluster.primary()))
                .as("Junction connections to the primary")
                .isEmpty();
        assertThat(junctionBackends(cluster.standbys().get(0)))
                .as("Junction connections to the standby")
                .isEmpty();
        assertThat(SharedMonitors.isMonitored(JunctionUrl.parse(url).toString()))
                .isFalse();
    }
}
