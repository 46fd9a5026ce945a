package dev.junction.it.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.NodeStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every standby of a real PostgreSQL cluster has paused replay: what each {@code staleReadFallback} does (design §1,
 * §5), causal tokens across connections, the topology report, and the monitor's threads after close (design §4).
 */
class PostgresStaleReplicasIT {
    private static PostgresCluster cluster;
    private static String url;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
        primaryPort = cluster.primary().port();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        cluster.primary()
                .execute(
                        "create function server_port() returns int language sql stable as 'select inet_server_port()'",
                        "create table items(id serial primary key, note text)");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void resumeReplay() {
        cluster.standbys().forEach(PostgresNode::resumeReplay);
        cluster.awaitReplication();
    }

    private static Connection connect(String parameters) throws SQLException {
        return DriverManager.getConnection(url + "?" + parameters, "postgres", "");
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select server_port(), count(*) from items")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static void write(Connection connection, String note) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items(note) values ('" + note + "')");
        }
    }

    private static void pauseEveryStandby() {
        cluster.standbys().forEach(PostgresNode::pauseReplay);
    }

    @Test
    void readsItsOwnWriteOnTheReplicasOnceTheyHaveIt() throws Exception {
        try (Connection connection = connect("readConsistency=session")) {
            write(connection, "own");
            cluster.awaitReplication();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int port = port(connection);
            while (!standbyPorts.contains(port) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                port = port(connection);
            }
            assertThat(port).isIn(standbyPorts);
        }
    }

    @Test
    void primaryFallbackReadsAWriteNoStandbyHasFromThePrimary() throws Exception {
        pauseEveryStandby();
        try (Connection connection = connect("readConsistency=session&staleReadFallback=primary")) {
            write(connection, "primary fallback");
            for (int i = 0; i < 20; i++) {
                assertThat(port(connection)).isEqualTo(primaryPort);
            }
        }
    }

    @Test
    void failFallbackRefusesNamingTheStandbysAndWhatTheReadNeeds() throws Exception {
        pauseEveryStandby();
        try (Connection connection = connect("readConsistency=session&staleReadFallback=fail")) {
            write(connection, "fail fallback");
            assertThatThrownBy(() -> port(connection))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("readConsistency=session")
                    .hasMessageContaining(cluster.standbys().get(0).address())
                    .hasMessageContaining("the read needs")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08004");
        }
    }

    @Test
    void failFallbackRefusesAStaleReadOverTheLagBudget() throws Exception {
        pauseEveryStandby();
        try (Connection connection = connect("readConsistency=eventual&maxReplicaLag=200ms&staleReadFallback=fail")) {
            write(connection, "stale");
            Thread.sleep(600);
            assertThatThrownBy(() -> port(connection))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("maxReplicaLag=200ms")
                    .hasMessageContaining("staleness");
        }
    }

    @Test
    void waitFallbackWaitsAtMostReplicaWaitTimeoutThenUsesThePrimary() throws Exception {
        pauseEveryStandby();
        try (Connection connection =
                connect("readConsistency=session&staleReadFallback=wait&replicaWaitTimeout=500ms")) {
            write(connection, "wait fallback");
            long started = System.nanoTime();
            int port = port(connection);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(port).isEqualTo(primaryPort);
            assertThat(elapsedMillis).isBetween(450L, 900L);
        }
    }

    @Test
    void waitFallbackReadsFromAStandbyAsSoonAsItCatchesUp() throws Exception {
        pauseEveryStandby();
        try (Connection connection = connect("readConsistency=session&staleReadFallback=wait&replicaWaitTimeout=5s")) {
            write(connection, "wait for catch-up");
            Thread resumer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                cluster.standbys().get(1).resumeReplay();
            });
            resumer.start();
            long started = System.nanoTime();
            int port = port(connection);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            resumer.join();
            assertThat(port).isEqualTo(cluster.standbys().get(1).port());
            assertThat(elapsedMillis).isBetween(250L, 2000L);
        }
    }

    @Test
    void causalTokenCarriesReadYourWritesToAnotherConnection() throws Exception {
        try (Connection writer = connect("readConsistency=eventual");
                Connection reader = connect("readConsistency=session")) {
            assertThat(port(reader)).isIn(standbyPorts);
            pauseEveryStandby();
            try (Connection tokenWriter = connect("readConsistency=session")) {
                write(tokenWriter, "token");
                String token = tokenWriter.unwrap(JunctionConnection.class).causalToken();
                assertThat(token).matches("pg:[0-9A-F]+/[0-9A-F]+");
                reader.unwrap(JunctionConnection.class).awaitToken(token);
            }
            assertThat(port(reader)).isEqualTo(primaryPort);
            cluster.standbys().forEach(PostgresNode::resumeReplay);
            cluster.awaitReplication();
            Thread.sleep(300);
            assertThat(port(reader)).isIn(standbyPorts);
            assertThatThrownBy(() -> reader.unwrap(JunctionConnection.class).awaitToken("mariadb:0-1-5"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("mariadb:0-1-5")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("22023");
            assertThat(writer.isValid(1)).isTrue();
        }
    }

    @Test
    void topologyReportShowsEveryNodeWithRolePositionAndStaleness() throws Exception {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl(url);
        dataSource.setUser("postgres");
        try {
            List<NodeStatus> report = dataSource.topologyReport();
            assertThat(report).hasSize(3);
            assertThat(report)
                    .filteredOn(s -> s.role().equals("primary"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.address()).endsWith(":" + primaryPort));
            assertThat(report)
                    .filteredOn(s -> s.role().equals("replica"))
                    .hasSize(2)
                    .allSatisfy(s -> {
                        assertThat(s.up()).isTrue();
                        assertThat(s.position()).isPresent();
                        assertThat(s.stalenessBound()).isPresent();
                        assertThat(s.roundTrip()).isPresent();
                    });
        } finally {
            dataSource.close();
        }
    }

    @Test
    void noMonitorThreadOutlivesTheLastDataSourceOrConnection() throws Exception {
        // Connections of the tests before may still hold this cluster's monitor within its grace: this test is about
        // the monitor its own data source and connection start, so it begins once those are gone.
        awaitNoMonitorThreads();
        assertThat(monitorThreads())
                .as("monitors left by earlier tests after their grace")
                .isEmpty();
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl(url + "?monitorInterval=50ms");
        dataSource.setUser("postgres");
        try (Connection connection = dataSource.getConnection()) {
            port(connection);
            assertThat(monitorThreads()).isNotEmpty();
        }
        dataSource.close();
        assertThat(monitorThreads()).isEmpty();

        try (Connection connection = connect("monitorInterval=50ms")) {
            port(connection);
            assertThat(monitorThreads()).isNotEmpty();
        }
        // DriverManager connections: the monitor outlives the last one by a short grace, then stops.
        awaitNoMonitorThreads();
        assertThat(monitorThreads()).isEmpty();
    }

    private static void awaitNoMonitorThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (!monitorThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Live monitor and probe threads of this test's cluster (other test classes may monitor other clusters). */
    private static List<String> monitorThreads() {
        String primary = ":" + primaryPort;
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("junction-monitor") || name.startsWith("junction-probe"))
                .filter(name -> name.contains(primary) || standbyPorts.stream().anyMatch(p -> name.contains(":" + p)))
                .collect(Collectors.toList());
    }
}
