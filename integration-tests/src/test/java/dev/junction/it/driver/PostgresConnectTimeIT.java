package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code getConnection} does against a real PostgreSQL primary and 2 standbys with password authentication
 * (issue 11): it checks the password whatever the monitor's state (B); it returns within a bound when a standby or
 * every node is frozen (SIGSTOP) and leaves no thread behind (E); its messages tell unreachable nodes from nodes that
 * refused, with the server's SQLState (F); and no message, {@code toString()} or status shows the password, whatever
 * form the URL gives it in (A).
 *
 * <p>Roles: {@code app} with password {@value #SECRET}; {@code app2} with another password, and rejected by
 * standby 2's {@code pg_hba.conf}. The superuser keeps trust authentication, which the cluster module and the
 * standbys' replication use.
 */
class PostgresConnectTimeIT {
    private static final String SECRET = "S3cr3t-pw";
    private static final SecretScan SCAN = new SecretScan(SECRET);
    /** The documented bound of the first role check: the probe connect/login timeout. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = PostgresCluster.builder().standbys(2).start();
        cluster.primary()
                .execute(
                        "create role app login password '" + SECRET + "'",
                        "create role app2 login password 'Other-pw-2'",
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create database other");
        try (Connection other = cluster.primary().connect("other");
                Statement statement = other.createStatement()) {
            statement.execute(PostgresRoutingIT.SERVER_PORT_FUNCTION);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        cluster.awaitReplication();
        for (PostgresNode node : cluster.nodes()) {
            List<String> hba = new ArrayList<>(List.of(
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host replication all 127.0.0.1/32 trust"));
            if (node == cluster.standbys().get(1)) {
                hba.add("host all app2 127.0.0.1/32 reject");
            }
            hba.add("host all all 127.0.0.1/32 scram-sha-256");
            // The file stays the server account's: writing keeps its owner and mode.
            Files.writeString(
                    node.dataDirectory().resolve("pg_hba.conf"), String.join("\n", hba) + "\n", StandardCharsets.UTF_8);
            node.queryString("select pg_reload_conf()");
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The nodes in the order given, by index into {@code cluster.nodes()}: each order is a cluster key of its own. */
    private static String hosts(int... order) {
        List<String> hosts = new ArrayList<>();
        for (int index : order) {
            hosts.add(cluster.nodes().get(index).address());
        }
        return String.join(",", hosts);
    }

    private static String url(String hosts, String database) {
        return "jdbc:junction:postgresql://" + hosts + "/" + database;
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    private static SQLException failure(String url, Properties info) {
        try (Connection ignored = DriverManager.getConnection(url, info)) {
            throw new AssertionError("connected to " + url);
        } catch (SQLException e) {
            SCAN.assertAbsent(url, e);
            return e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select server_port()")) {
            assertThat(rows.next()).isTrue();
            return rows.getInt(1);
        }
    }

    /** No monitor may exist for {@code url} yet: the test is about the first connection to that cluster in this JVM. */
    private static void assertFresh(String url) throws SQLException {
        assertThat(SharedMonitors.isMonitored(JunctionUrl.parse(url).toString()))
                .as("a monitor already runs for " + url)
                .isFalse();
    }

    /** Junction's threads for these ports, and the PostgreSQL driver's connect threads. */
    private static Set<String> threadsFor(List<PostgresNode> nodes) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("PostgreSQL JDBC driver connection thread")
                        || name.startsWith("junction-") && nodes.stream().anyMatch(n -> name.contains(":" + n.port())))
                .collect(Collectors.toSet());
    }

    // ---- B ----

    @Test
    void aWrongPasswordFailsAtGetConnectionWhileAnotherConnectionHoldsTheMonitor() throws Exception {
        String url = url(hosts(0, 1, 2), "postgres");
        try (Connection good = DriverManager.getConnection(url, credentials("app", SECRET))) {
            read(good);
            SQLException wrong = failure(url, credentials("app", "wrong-pw"));
            assertThat(wrong.getSQLState()).isEqualTo("28P01");
            assertThat(wrong.getMessage())
                    .contains("refused the connection")
                    .contains("password authentication failed")
                    .doesNotContain("could not be reached");

            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setUser("app");
            dataSource.setPassword("wrong-pw");
            try (dataSource;
                    Connection ignored = dataSource.getConnection()) {
                fail("the data source connected with a wrong password");
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("28P01");
            }

            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setDriverClassName("dev.junction.driver.JunctionDriver");
            config.setUsername("app");
            config.setPassword("wrong-pw");
            try (HikariDataSource pool = new HikariDataSource(config)) {
                fail("HikariCP started with a wrong password: " + pool);
            } catch (RuntimeException e) {
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
                assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("28P01");
            }
            read(good);
        }
    }

    // ---- E ----

    @Test
    void oneFrozenStandbyDoesNotHoldUpTheFirstGetConnection() throws Exception {
        PostgresNode frozen = cluster.standbys().get(1);
        frozen.process().suspend();
        try {
            // Twice, each the first connection to its cluster key: the first may also be the JVM's first (class
            // loading).
            for (String database : List.of("postgres", "other")) {
                String url = url(hosts(2, 0, 1), database);
                assertFresh(url);
                long started = System.nanoTime();
                try (Connection connection = DriverManager.getConnection(url, credentials("app", SECRET))) {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    System.out.println("[PostgresConnectTimeIT] first getConnection to " + database
                            + " with one standby frozen: " + took.toMillis() + " ms");
                    assertThat(took).isLessThan(PROBE_TIMEOUT);
                    for (int i = 0; i < 5; i++) {
                        assertThat(read(connection)).isNotEqualTo(frozen.port());
                    }
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("create temporary table written_while_frozen(id int)");
                    }
                }
            }
        } finally {
            frozen.process().resume();
        }
    }

    /** Waits until no thread of {@link #threadsFor} that {@code which} accepts is left, at most {@code within} after {@code started}. */
    private static void awaitThreadsGone(
            String whose, java.util.function.Predicate<String> which, long started, Duration within)
            throws InterruptedException {
        long deadline = started + within.toNanos();
        Set<String> left = threadsFor(cluster.nodes()).stream().filter(which).collect(Collectors.toSet());
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = threadsFor(cluster.nodes()).stream().filter(which).collect(Collectors.toSet());
        }
        System.out.println("[PostgresConnectTimeIT] " + whose + " threads gone "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms after "
                + (whose.startsWith("J") ? "the failure" : "the attempt began") + "; left: " + left);
        assertThat(left)
                .as(whose + " threads " + within.toMillis() + " ms after the attempt began")
                .isEmpty();
    }

    /** Other tests' monitors of this cluster stop within their idle grace; the thread check below needs them gone. */
    private static void awaitNoThreadFor(List<PostgresNode> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!threadsFor(nodes).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(threadsFor(nodes)).as("threads of earlier tests").isEmpty();
    }

    @Test
    void everyNodeFrozenFailsWithinTheBoundAndLeavesNoThread() throws Exception {
        String url = url(hosts(1, 2, 0), "postgres");
        assertFresh(url);
        awaitNoThreadFor(cluster.nodes());
        for (PostgresNode node : cluster.nodes()) {
            node.process().suspend();
        }
        try {
            long started = System.nanoTime();
            SQLException e = failure(url, credentials("app", SECRET));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("[PostgresConnectTimeIT] first getConnection with every node frozen failed after "
                    + took.toMillis() + " ms");
            assertThat(took).isLessThan(PROBE_TIMEOUT.plusMillis(1500));
            assertThat(e.getSQLState()).startsWith("08");
            // Junction's bound and PgJDBC's loginTimeout are both PROBE_TIMEOUT: either may word the failure.
            assertThat(e.getMessage())
                    .contains("None of the nodes of")
                    .containsAnyOf(
                            "could not be reached (SQLState 08001: no answer within",
                            "could not be reached (SQLState 08001: Connection attempt timed out")
                    .doesNotContain("refused the connection");
            assertThat(SharedMonitors.isMonitored(JunctionUrl.parse(url).toString()))
                    .isFalse();
            // Junction's threads end with the attempt; PgJDBC's login threads at their socket timeout (twice it with
            // sslmode=prefer, which retries without SSL), although the nodes are still frozen.
            awaitThreadsGone(
                    "Junction's", name -> name.startsWith("junction-"), System.nanoTime(), Duration.ofSeconds(1));
            awaitThreadsGone(
                    "PgJDBC's",
                    name -> true,
                    started,
                    PROBE_TIMEOUT.multipliedBy(2).plusSeconds(1));
        } finally {
            for (PostgresNode node : cluster.nodes()) {
                node.process().resume();
            }
        }
        cluster.awaitReplication();
    }

    // ---- F ----

    @Test
    void nodesThatRefuseAreSaidToRefuseAndKeepTheServersState() throws Exception {
        SQLException noDatabase = failure(url(hosts(0, 2, 1), "no_such_database"), credentials("app", SECRET));
        assertThat(noDatabase.getSQLState()).isEqualTo("3D000");
        assertThat(noDatabase.getMessage())
                .contains("No node of")
                .contains("refused the connection (SQLState 3D000")
                .contains("database \"no_such_database\" does not exist")
                .doesNotContain("could not be reached");
        assertThat(((SQLException) noDatabase.getCause()).getSQLState()).isEqualTo("3D000");

        SQLException badPassword = failure(url(hosts(1, 0, 2), "postgres"), credentials("app", "wrong-pw"));
        assertThat(badPassword.getSQLState()).isEqualTo("28P01");
        assertThat(badPassword.getMessage())
                .contains("refused the connection (SQLState 28P01")
                .doesNotContain("could not be reached");

        Properties badProperty = credentials("app", SECRET);
        badProperty.setProperty("options", "-c no_such_setting=1");
        SQLException property = failure(url(hosts(0, 1), "postgres"), badProperty);
        assertThat(property.getSQLState()).isEqualTo("42704");
        assertThat(property.getMessage())
                .contains("refused the connection (SQLState 42704")
                .contains("no_such_setting")
                .doesNotContain("could not be reached");

        int closed = freePort();
        SQLException unreachable = failure(
                "jdbc:junction:postgresql://no-such-host.invalid:5432,127.0.0.1:" + closed + "/postgres",
                credentials("app", SECRET));
        assertThat(unreachable.getSQLState()).isEqualTo("08001");
        assertThat(unreachable.getMessage())
                .contains("None of the nodes of")
                .contains("no-such-host.invalid:5432 could not be reached")
                .contains("127.0.0.1:" + closed + " could not be reached")
                .doesNotContain("refused the connection");
    }

    @Test
    void statusShowsANodeThatRefusesAsDownWithTheReason() throws Exception {
        PostgresNode rejecting = cluster.standbys().get(1);
        JunctionDataSource dataSource = new JunctionDataSource();
        String url = url(hosts(2, 1, 0), "postgres");
        assertFresh(url); // a monitor started with another user's password would probe the standby as that user
        dataSource.setUrl(url + "?monitorInterval=50ms");
        dataSource.setUser("app2");
        dataSource.setPassword("Other-pw-2");
        try (dataSource;
                Connection connection = dataSource.getConnection()) {
            read(connection);
            Thread.sleep(300); // a few probe rounds: the rejecting standby fails every one of them
            List<NodeStatus> report =
                    connection.unwrap(JunctionConnection.class).topologyReport();
            NodeStatus refusing = report.stream()
                    .filter(n -> n.address().equals(rejecting.address()))
                    .findFirst()
                    .orElseThrow();
            assertThat(refusing.up()).as(refusing.toString()).isFalse();
            assertThat(refusing.lastError())
                    .hasValueSatisfying(error -> assertThat(error)
                            .startsWith("refused the connection (SQLState 28000")
                            .contains("pg_hba.conf rejects connection"));
            assertThat(report.stream()
                            .filter(n -> n.address().equals(cluster.primary().address()))
                            .findFirst()
                            .orElseThrow()
                            .up())
                    .isTrue();
        }
    }

    // ---- A ----

    @Test
    void noMessageShowsThePasswordWhateverTheUrlForm() throws Exception {
        int closed = freePort();
        String healthy = hosts(0, 1, 2);
        List<String> hostLists = List.of(
                healthy,
                "no-such-host.invalid:5432," + cluster.primary().address(),
                "127.0.0.1:" + closed,
                "[::1]:" + closed + ",[::1]:" + cluster.primary().port());
        List<String> parameterForms = List.of(
                "password=" + SECRET,
                "pass%77ord=" + SECRET,
                "password=S3cr3t%2Dpw",
                "password=%53%33%63%72%33%74%2d%70%77",
                "Password=" + SECRET,
                "PASSWORD=" + SECRET);
        List<String> failures = new ArrayList<>();
        for (String hosts : hostLists) {
            for (String database : List.of("postgres", "no_such_database")) {
                for (String user : List.of("app", "app2")) {
                    for (String parameter : parameterForms) {
                        String url = url(hosts, database) + "?user=" + user + "&" + parameter;
                        failures.add(attempt(url, new Properties(), null));
                        failures.add(attempt(url + "&options=-c%20no_such_setting%3D1", new Properties(), null));
                    }
                    String plain = url(hosts, database);
                    failures.add(attempt(plain, credentials(user, SECRET), null));
                    failures.add(attempt(plain, new Properties(), user));
                }
            }
        }
        for (String userInfo : List.of(
                "app:" + SECRET,
                "app:" + SECRET + "/" + SECRET,
                "app:" + SECRET + "," + SECRET,
                "app:" + SECRET + "@" + SECRET,
                "app:" + SECRET + ":" + SECRET,
                "app:S3cr3t%2Dpw%40x",
                "app:" + SECRET + "?x=" + SECRET)) {
            failures.add(attempt(
                    "jdbc:junction:postgresql://" + userInfo + "@" + healthy + "/postgres", new Properties(), null));
            failures.add(attempt(
                    "jdbc:junction:postgresql://" + userInfo + "@[::1]:"
                            + cluster.primary().port() + "/postgres",
                    new Properties(),
                    null));
        }
        // Every kind of failure happened: unreachable, refused (database, password, property), malformed.
        assertThat(failures)
                .anyMatch(s -> "08001".equals(s))
                .anyMatch(s -> "3D000".equals(s))
                .anyMatch(s -> "28P01".equals(s))
                .anyMatch(s -> "42704".equals(s))
                .anyMatch(s -> "22023".equals(s));
    }

    /**
     * Connects through {@code DriverManager}, or through a {@code JunctionDataSource} with {@code setPassword} when
     * {@code dataSourceUser} is given; scans whatever comes back; returns the SQLState of the failure, or "ok".
     */
    private static String attempt(String url, Properties info, String dataSourceUser) throws SQLException {
        if (dataSourceUser != null) {
            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(dataSourceUser);
            dataSource.setPassword(SECRET);
            try (dataSource;
                    Connection connection = dataSource.getConnection()) {
                scanConnection(url, connection);
                return "ok";
            } catch (SQLException e) {
                SCAN.assertAbsent("data source " + url, e);
                return e.getSQLState();
            } finally {
                SCAN.assertAbsent("data source " + url, dataSource.toString());
            }
        }
        try (Connection connection = DriverManager.getConnection(url, info)) {
            scanConnection(url, connection);
            return "ok";
        } catch (SQLException e) {
            SCAN.assertAbsent(url, e);
            return e.getSQLState();
        }
    }

    private static void scanConnection(String url, Connection connection) throws SQLException {
        SCAN.assertAbsent("connection to " + url, connection.toString());
        try {
            read(connection);
        } catch (SQLException e) {
            SCAN.assertAbsent("statement on " + url, e);
        }
        SCAN.assertAbsent("connection to " + url, connection.toString());
        for (NodeStatus status : connection.unwrap(JunctionConnection.class).topologyReport()) {
            SCAN.assertAbsent("status of " + url, status.toString());
        }
    }
}
