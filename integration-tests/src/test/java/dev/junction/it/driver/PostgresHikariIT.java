package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.NodeStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HikariCP in front of Junction, configured the way applications configure it: a JDBC URL and a driver class name,
 * or Junction's {@link JunctionDataSource}. The pool's connection resets (auto-commit, read-only) between borrowers
 * must send each borrower's statements where its own settings say.
 */
class PostgresHikariIT {
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
                        PostgresRoutingIT.SERVER_PORT_FUNCTION, "create table events(id serial primary key, port int)");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int port(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /**
     * The port of the node serving {@code select server_port()}, once a standby may serve it: on first use the
     * function catalog has not yet said that {@code server_port()} is read-only, and the monitor may not yet have
     * bounded the standbys' staleness; until then the read rightly runs on the primary. Bounded at 5 s.
     */
    private int readPortOnceAStandbyQualifies(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int port = port(connection, "select server_port()");
        while (!standbyPorts.contains(port) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            port = port(connection, "select server_port()");
        }
        return port;
    }

    private static HikariConfig config() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDriverClassName("dev.junction.driver.JunctionDriver");
        config.setUsername("postgres");
        config.setMaximumPoolSize(2);
        config.setPoolName("junction-it");
        return config;
    }

    @Test
    void pooledConnectionsRouteReadsToStandbysAndWritesToThePrimary() throws SQLException {
        try (HikariDataSource pool = new HikariDataSource(config())) {
            try (Connection connection = pool.getConnection()) {
                assertThat(standbyPorts).contains(readPortOnceAStandbyQualifies(connection));
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("insert into events(port) values (inet_server_port())");
                }
                assertThat(connection.unwrap(JunctionConnection.class).lastNode())
                        .endsWith("primary");
            }
            assertThat(cluster.primary().queryString("select max(port) from events"))
                    .isEqualTo(Integer.toString(primaryPort));
        }
    }

    @Test
    void borrowersSeeTheirOwnReadOnlyAndAutoCommitSettingsAfterThePoolResetsThem() throws SQLException {
        try (HikariDataSource pool = new HikariDataSource(config())) {
            for (int round = 0; round < 3; round++) {
                try (Connection connection = pool.getConnection()) {
                    // A standby may serve the read-only transaction once the last insert (this test's or another's)
                    // has been located by a probe of the primary sent after it, about one round trip later.
                    assertThat(standbyPorts).contains(readPortOnceAStandbyQualifies(connection));
                }
                // What Spring does for @Transactional(readOnly = true). The monitor's view can still fall behind on a
                // loaded machine between two borrowers (the read then runs on the primary, by design), so the
                // transaction is repeated until a standby runs it, at most 10 s; every attempt stays on one node.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int first;
                do {
                    try (Connection connection = pool.getConnection()) {
                        connection.setReadOnly(true);
                        connection.setAutoCommit(false);
                        first = port(connection, "select server_port()");
                        assertThat(port(connection, "select server_port()")).isEqualTo(first);
                        connection.commit();
                    }
                } while (!standbyPorts.contains(first) && System.nanoTime() < deadline);
                assertThat(standbyPorts).contains(first);
                try (Connection connection = pool.getConnection()) {
                    // @Transactional read-write: the pool has reset read-only
                    assertThat(connection.isReadOnly()).isFalse();
                    connection.setAutoCommit(false);
                    assertThat(port(connection, "select server_port()")).isEqualTo(primaryPort);
                    try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("insert into events(port) values (inet_server_port())");
                    }
                    connection.commit();
                }
                // Under the default global consistency the next read-only transaction may use a standby only once
                // the standby has this insert (server_port() could read any table); until then it reads on the primary.
                cluster.awaitReplication();
            }
        }
    }

    private static void awaitFreshReplicas(JunctionDataSource dataSource, Duration budget) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<NodeStatus> nodes = dataSource.topologyReport();
            boolean fresh = nodes.stream()
                    .filter(n -> n.role().equals("replica"))
                    .allMatch(n ->
                            n.stalenessBound().map(b -> b.compareTo(budget) < 0).orElse(false));
            if (fresh && nodes.stream().anyMatch(n -> n.role().equals("replica"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Replicas not fresh within 10 s: " + nodes);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void junctionDataSourceWorksAsThePoolsDataSource() throws SQLException {
        JunctionDataSource junction = new JunctionDataSource();
        junction.setUrl(url);
        junction.setUser("postgres");
        junction.setLoadBalance("random");
        junction.setMaxReplicaLag("500ms");
        HikariConfig config = new HikariConfig();
        config.setDataSource(junction);
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config);
                Connection connection = pool.getConnection()) {
            // A monitor that has just started knows a replica's staleness only once it has seen the replica cover a
            // primary position; until then reads rightly go to the primary. Wait for that, never sleep and hope.
            awaitFreshReplicas(junction, Duration.ofMillis(500));
            assertThat(standbyPorts).contains(readPortOnceAStandbyQualifies(connection));
            assertThat(port(connection, "/* junction:primary */ select server_port()"))
                    .isEqualTo(primaryPort);
        }
    }
}
