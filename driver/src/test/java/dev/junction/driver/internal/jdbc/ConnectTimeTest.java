package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code getConnection} does before it returns (issue 11): it checks the credentials whatever the monitor's
 * state, and never takes one user's for another's; it returns as soon as the primary is known, however many
 * standbys hang, and within the probe timeout when every node hangs, leaving no thread behind; and its errors say
 * which nodes could not be reached and which refused, with their SQLState. Over {@link FakeBackendDriver}: each test
 * has hosts of its own, since topologies and monitors are shared per JVM (per cluster and credentials).
 */
class ConnectTimeTest {
    private final FakeBackendDriver backend = new FakeBackendDriver();
    private final List<Connection> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws SQLException {
        backend.wakeAll();
        for (Connection connection : opened) {
            connection.close();
        }
    }

    private static String url(String... hosts) {
        return "jdbc:junction:postgresql://" + String.join(",", hosts) + "/app";
    }

    private Connection connect(String url, String user, String password, String... more) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        for (int i = 0; i + 1 < more.length; i += 2) {
            info.setProperty(more[i], more[i + 1]);
        }
        Connection connection =
                Connections.open(ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of()), backend);
        opened.add(connection);
        return connection;
    }

    private SQLException failure(String url, String user, String password, String... more) {
        try {
            connect(url, user, password, more);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("connected to " + url);
    }

    /** Connections the check made (the monitor's probes and sessions carry other application names). */
    private long checks(String address) {
        return backend.connectsTo(address).stream()
                .filter(c -> "junction-connect-check".equals(c.properties().getProperty("ApplicationName")))
                .count();
    }

    private static void read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select 1")) {
            assertThat(rows.next()).isTrue();
        }
    }

    // ---- B: credentials are checked at getConnection ----

    @Test
    void aWrongPasswordFailsAtGetConnectionWhenAnotherConnectionStartedTheMonitor() throws SQLException {
        backend.server("cred1:5432").password("right");
        backend.server("cred2:5432").password("right").replica();
        String url = url("cred1:5432", "cred2:5432");
        Connection good = connect(url, "app", "right");
        read(good);

        SQLException wrong = failure(url, "app", "wrong");

        assertThat((Throwable) wrong).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
        assertThat(wrong.getSQLState()).isEqualTo("28P01");
        assertThat(wrong.getMessage())
                .contains(
                        "No node of jdbc:junction:postgresql://cred1:5432,cred2:5432/app accepted the "
                                + "connection: cred1:5432 refused the connection (SQLState 28P01: FATAL: password authentication failed for user \"app\")")
                .contains("cred2:5432 refused the connection (SQLState 28P01")
                .doesNotContain("could not be reached")
                .doesNotContain("wrong");
        assertThat(wrong.getCause()).isInstanceOf(SQLException.class);
        assertThat(((SQLException) wrong.getCause()).getSQLState()).isEqualTo("28P01");
        read(good);
    }

    @Test
    void theFirstConnectionsWrongPasswordFailsAtGetConnectionToo() {
        backend.server("first1:5432").password("right");
        backend.server("first2:5432").password("right").replica();

        SQLException wrong = failure(url("first1:5432", "first2:5432"), "app", "wrong");

        assertThat(wrong.getSQLState()).isEqualTo("28P01");
        assertThat(wrong.getMessage())
                .contains("No node of")
                .contains("first1:5432 refused the connection (SQLState 28P01")
                .contains("first2:5432 refused the connection (SQLState 28P01")
                .doesNotContain("could not be reached");
        assertThat(SharedMonitors.isMonitored(ConnectionSettingsKey.of(url("first1:5432", "first2:5432"))))
                .isFalse();
    }

    @Test
    void aDataSourceWhoseConnectionIsRefusedHoldsNoMonitorWithItsPassword() throws SQLException {
        backend.server("dsfail1:5432").password("right");
        String url = url("dsfail1:5432");
        try (dev.junction.driver.JunctionDataSource dataSource = new dev.junction.driver.JunctionDataSource()) {
            dataSource.setUrl(url);
            dataSource.setUser("app");
            dataSource.setPassword("wrong");
            dataSource.setBackendDriver(backend);
            assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
            assertThat(SharedMonitors.isMonitored(ConnectionSettingsKey.of(url)))
                    .isFalse();
            dataSource.setPassword("right");
            try (Connection connection = dataSource.getConnection()) {
                read(connection);
            }
            assertThat(SharedMonitors.isMonitored(ConnectionSettingsKey.of(url)))
                    .as("the data source holds it")
                    .isTrue();
        }
        assertThat(SharedMonitors.isMonitored(ConnectionSettingsKey.of(url))).isFalse();
    }

    @Test
    void eachSetOfCredentialsIsCheckedByTheProbesOfItsOwnMonitor() throws SQLException {
        backend.server("once1:5432");
        backend.server("once2:5432").replica();
        String url = url("once1:5432", "once2:5432");

        connect(url, "app", "pw");
        connect(url, "app", "pw");
        connect(url, "other", "pw");
        connect(url, "other", "pw");
        connect(url, "app", "pw", "sslmode", "require");

        assertThat(checks("once1:5432"))
                .as("no connection is made only to check credentials")
                .isZero();
        List<FakeBackendDriver.Connect> probes = backend.connectsTo("once1:5432").stream()
                .filter(c -> "junction-monitor".equals(c.properties().getProperty("ApplicationName")))
                .toList();
        assertThat(probes)
                .as("one monitor per set of credentials, each probing with its own")
                .extracting(c -> c.properties().getProperty("user") + " "
                        + c.properties().getProperty("sslmode"))
                .containsExactlyInAnyOrder("app null", "other null", "app require");
    }

    private static Properties credentials(String user, String password) {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        return info;
    }

    @Test
    void theCredentialKeyHoldsNoPasswordAndTellsSetsApart() throws SQLException {
        String url = url("key1:5432");
        ConnectionSettings one =
                ConnectionSettings.of(JunctionUrl.parse(url), credentials("app", "S3cr3t-pw"), Map.of());
        ConnectionSettings same =
                ConnectionSettings.of(JunctionUrl.parse(url), credentials("app", "S3cr3t-pw"), Map.of());
        ConnectionSettings other =
                ConnectionSettings.of(JunctionUrl.parse(url), credentials("app", "S3cr3t-pX"), Map.of());
        assertThat(one.credentialKey())
                .isEqualTo(same.credentialKey())
                .isNotEqualTo(other.credentialKey())
                .doesNotContain("S3cr3t")
                .matches("[0-9a-f]{64}");
    }

    // ---- E: bounded connecting ----

    @Test
    void aHungStandbyDoesNotHoldUpGetConnection() throws SQLException {
        backend.server("hung1:5432");
        backend.server("hung2:5432").replica();
        backend.server("hung3:5432").replica().hung();
        long started = System.nanoTime();
        Connection connection = connect(url("hung1:5432", "hung2:5432", "hung3:5432"), "app", "pw");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        read(connection);
        assertThat(took)
                .as("the primary's answer plus the first round's grace, not the probe timeout")
                .isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void everyNodeHungFailsWithinTheProbeTimeoutAndLeavesNoThread() throws Exception {
        backend.server("frozen1:5432").hung();
        backend.server("frozen2:5432").replica().hung();
        long started = System.nanoTime();
        SQLException e = failure(url("frozen1:5432", "frozen2:5432"), "app", "pw");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage())
                .contains("None of the nodes of")
                .contains("frozen1:5432 could not be reached (SQLState 08001: no answer within")
                .contains("frozen2:5432 could not be reached");
        assertThat(took)
                .isGreaterThanOrEqualTo(ClusterTopology.PROBE_TIMEOUT.minusMillis(100))
                .isLessThan(ClusterTopology.PROBE_TIMEOUT.plusMillis(1500));
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!threadsOf("frozen").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(threadsOf("frozen")).isEmpty();
    }

    private static Set<String> threadsOf(String hostPrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("junction-") && name.contains(hostPrefix))
                .collect(Collectors.toSet());
    }

    // ---- F: unreachable or refused ----

    @Test
    void nodesThatAnswerNoAreSaidToRefuseWithTheirState() {
        for (String host : List.of("nodb1:5432", "nodb2:5432")) {
            backend.server(host).refusing(new SQLException("FATAL: database \"app\" does not exist", "3D000"));
        }
        SQLException e = failure(url("nodb1:5432", "nodb2:5432"), "app", "pw");
        assertThat(e.getSQLState()).isEqualTo("3D000");
        assertThat(e.getMessage())
                .contains("No node of")
                .contains("nodb1:5432 refused the connection (SQLState 3D000: FATAL: database \"app\" does not exist)")
                .doesNotContain("could not be reached")
                .doesNotContain("[node ");
        assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("3D000");
        assertThat(e.getSuppressed()).hasSize(1);
    }

    @Test
    void nodesThatCannotBeReachedAreSaidToBeUnreachable() {
        SQLException e = failure(url("nowhere1:5432", "nowhere2:5432"), "app", "pw");
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage())
                .contains("None of the nodes of")
                .contains("nowhere1:5432 could not be reached (SQLState 08001: Connection to nowhere1:5432 refused")
                .doesNotContain("refused the connection");
    }

    @Test
    void aRefusalAmongUnreachableNodesGivesItsState() {
        backend.server("mixed1:5432")
                .refusing(new SQLException("FATAL: unrecognized configuration parameter \"nosuch\"", "42704"));
        SQLException e = failure(url("mixed1:5432", "mixed2:5432"), "app", "pw");
        assertThat(e.getSQLState()).isEqualTo("42704");
        assertThat(e.getMessage())
                .contains("mixed1:5432 refused the connection (SQLState 42704")
                .contains("mixed2:5432 could not be reached");
    }

    @Test
    void statusShowsANodeWhoseProbesFailAsDownWithTheReason() throws SQLException {
        backend.server("status1:5432");
        backend.server("status2:5432")
                .replica()
                .refusing(new SQLException("FATAL: sorry, too many clients already", "53300"));
        Connection connection = connect(url("status1:5432", "status2:5432"), "app", "pw");
        List<NodeStatus> report =
                connection.unwrap(dev.junction.driver.JunctionConnection.class).topologyReport();
        NodeStatus refusing = report.stream()
                .filter(n -> n.address().equals("status2:5432"))
                .findFirst()
                .orElseThrow();
        assertThat(refusing.up()).isFalse();
        assertThat(refusing.consecutiveFailures()).isPositive();
        assertThat(refusing.lastError())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("refused the connection (SQLState 53300: FATAL: sorry, too many clients already"));
        assertThat(report.stream()
                        .filter(n -> n.address().equals("status1:5432"))
                        .findFirst()
                        .orElseThrow()
                        .up())
                .isTrue();
    }

    /** The cluster key {@link ConnectionSettings#clusterKey()} gives a URL. */
    private static final class ConnectionSettingsKey {
        static String of(String url) {
            try {
                return ConnectionSettings.of(JunctionUrl.parse(url), null, Map.of())
                        .clusterKey();
            } catch (SQLException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
