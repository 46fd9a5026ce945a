package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins end when their cause ends (issue 12): a session held on the primary by a temporary table, LISTEN, a named
 * PREPARE or an advisory lock reads from the standbys again once that state is gone — through a plain DriverManager
 * connection, and through a pooled one that later borrowers reuse. On a PostgreSQL primary with two standbys, proved
 * by the port the server reports ({@code server_port()}, a STABLE function that may run on a standby), and on a
 * MariaDB primary and replica by {@code @@port}. The URLs list the standbys first.
 */
class PinReleaseIT {
    private static PostgresCluster postgres;
    private static String postgresUrl;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;
    private static MariaDbCluster mariadb;
    private static String mariadbHostsAndDatabase;
    private static int mariadbPrimaryPort;
    private static int mariadbReplicaPort;

    @BeforeAll
    static void startClusters() {
        postgres = PostgresCluster.builder().standbys(2).start();
        List<String> seeds = new ArrayList<>();
        postgres.standbys().forEach(n -> seeds.add(n.address()));
        seeds.add(postgres.primary().address());
        postgresUrl = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
        primaryPort = postgres.primary().port();
        standbyPorts = postgres.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        postgres.primary()
                .execute(
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create table shadowed(id int)",
                        "insert into shadowed values (1), (2), (3)");
        postgres.awaitReplication();

        mariadb = MariaDbCluster.primaryReplica().start();
        MariaDbNode replica = mariadb.replicas().get(0);
        mariadbHostsAndDatabase = replica.address() + "," + mariadb.primary().address() + "/" + MariaDbNode.DATABASE;
        mariadbPrimaryPort = mariadb.primary().port();
        mariadbReplicaPort = replica.port();
    }

    @AfterAll
    static void stopClusters() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    private static Connection connectPostgres() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return DriverManager.getConnection(postgresUrl, properties);
    }

    private static int port(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    private static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * The port that serves {@code sql} once a standby may: the statements before it wrote (DDL counts), and under
     * the default global consistency a read may use a standby only when the monitor has seen it replay them. Polls
     * for at most 5 s; a pinned session never gets there.
     */
    private static int portOnceAStandbyQualifies(Connection connection, String sql, Set<Integer> standbys)
            throws SQLException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int port = port(connection, sql);
        while (!standbys.contains(port) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            port = port(connection, sql);
        }
        return port;
    }

    /** Asserts that plain reads run on the primary now, and for the given reasons. */
    private static void assertPinned(Connection connection, String... reasons) throws SQLException {
        assertThat(port(connection, "select server_port()")).isEqualTo(primaryPort);
        assertThat(connection.unwrap(JunctionConnection.class).pins()).containsExactly(reasons);
    }

    /** Asserts that plain reads reach a standby again, within 5 s, and that nothing pins the session. */
    private static void assertReadsReachAStandby(Connection connection) throws SQLException {
        assertThat(connection.unwrap(JunctionConnection.class).pins()).isEmpty();
        assertThat(standbyPorts).contains(portOnceAStandbyQualifies(connection, "select server_port()", standbyPorts));
        assertThat(connection.unwrap(JunctionConnection.class).lastNode()).endsWith("replica");
    }

    @Test
    void aTemporaryTableCreatedAndDroppedLetsReadsReachAStandbyAgain() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(connection, "create temp table scratch(x int)", "insert into scratch values (1), (2)");
            assertThat(port(connection, "select count(*) * 0 + server_port() from scratch"))
                    .isEqualTo(primaryPort);
            assertPinned(connection, "temporary table");
            execute(connection, "drop table scratch");
            assertReadsReachAStandby(connection);
        }
    }

    @Test
    void droppingATemporaryTableThatShadowsAPermanentOneReleasesThePinAndReadsThePermanentOneOnAStandby()
            throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(connection, "create temp table shadowed(id int)");
            assertThat(port(connection, "select count(*) from shadowed"))
                    .as("the temporary table, empty")
                    .isZero();
            execute(connection, "drop table shadowed");
            assertReadsReachAStandby(connection);
            assertThat(portOnceAStandbyQualifies(
                            connection, "select server_port() + 0 * count(*) from shadowed", standbyPorts))
                    .isIn(standbyPorts);
            assertThat(port(connection, "select count(*) from shadowed"))
                    .as("the permanent table")
                    .isEqualTo(3);
        }
    }

    @Test
    void aDropRolledBackKeepsThePinAndTheTemporaryTableStillAnswers() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(connection, "create temp table scratch(x int)", "insert into scratch values (7)");
            connection.setAutoCommit(false);
            execute(connection, "drop table scratch");
            connection.rollback();
            connection.setAutoCommit(true);
            assertPinned(connection, "temporary table");
            assertThat(port(connection, "select x from scratch")).isEqualTo(7);
            execute(connection, "begin", "drop table scratch", "commit");
            assertReadsReachAStandby(connection);
        }
    }

    @Test
    void aPooledConnectionComesBackUnpinnedOnceItsTemporaryTableIsDropped() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgresUrl);
        config.setDriverClassName("dev.junction.driver.JunctionDriver");
        config.setUsername("postgres");
        config.setMaximumPoolSize(1); // every borrower gets the same logical connection
        config.setPoolName("junction-pin-release");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JunctionConnection first;
            try (Connection connection = pool.getConnection()) {
                first = connection.unwrap(JunctionConnection.class);
                execute(connection, "create temp table scratch(x int)", "insert into scratch values (1)");
                assertPinned(connection, "temporary table");
                execute(connection, "drop table scratch");
            }
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.unwrap(JunctionConnection.class)).isSameAs(first);
                assertReadsReachAStandby(connection);
            }
            // A transaction of the kind Spring runs: create, use and drop inside it; the next borrower is not pinned.
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                execute(
                        connection,
                        "create temp table scratch(x int)",
                        "insert into scratch values (1)",
                        "drop table scratch");
                connection.commit();
            }
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.unwrap(JunctionConnection.class)).isSameAs(first);
                assertReadsReachAStandby(connection);
            }
        }
    }

    @Test
    void listenPinsUntilUnlistenStar() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(connection, "listen jobs", "listen mail", "unlisten jobs");
            assertPinned(connection, "listen");
            execute(connection, "unlisten *");
            assertReadsReachAStandby(connection);
        }
    }

    @Test
    void aNamedPreparePinsUntilDeallocated() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(connection, "prepare where_am_i as select server_port()");
            assertThat(port(connection, "execute where_am_i")).isEqualTo(primaryPort);
            assertPinned(connection, "named prepare");
            execute(connection, "deallocate where_am_i");
            assertReadsReachAStandby(connection);
        }
    }

    @Test
    void anAdvisoryLockPinsUntilUnlocked() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(
                    connection,
                    "select pg_advisory_lock(42)",
                    "select pg_advisory_lock(43)",
                    "select pg_advisory_unlock(42)");
            assertPinned(connection, "advisory lock");
            execute(connection, "select pg_advisory_unlock(43)");
            assertReadsReachAStandby(connection);
        }
    }

    @Test
    void discardAllReleasesEveryPin() throws SQLException {
        try (Connection connection = connectPostgres()) {
            execute(
                    connection,
                    "create temp table scratch(x int)",
                    "listen jobs",
                    "prepare q as select 1",
                    "select pg_advisory_lock(44)",
                    "set session characteristics as transaction isolation level serializable");
            assertPinned(
                    connection,
                    "temporary table",
                    "listen",
                    "named prepare",
                    "advisory lock",
                    "SERIALIZABLE isolation");
            execute(connection, "discard all");
            assertReadsReachAStandby(connection);
        }
    }

    /** On MariaDB Connector/J ({@code mariadb}) and MySQL Connector/J ({@code mysql}), each with its own spellings. */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb://%s?sslMode=disable", "mysql://%s?sslMode=DISABLED&allowPublicKeyRetrieval=true"})
    void mariaDbTemporaryTableCreatedAndDroppedLetsReadsReachTheReplicaAgain(String form) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        String url = "jdbc:junction:" + String.format(form, mariadbHostsAndDatabase);
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            execute(connection, "CREATE TEMPORARY TABLE scratch (x INT)", "INSERT INTO scratch VALUES (1)");
            assertThat(port(connection, "SELECT @@port + 0 * COUNT(*) FROM scratch"))
                    .isEqualTo(mariadbPrimaryPort);
            assertThat(port(connection, "SELECT @@port")).isEqualTo(mariadbPrimaryPort);
            assertThat(connection.unwrap(JunctionConnection.class).pins()).containsExactly("temporary table");
            execute(connection, "DROP TEMPORARY TABLE scratch");
            assertThat(connection.unwrap(JunctionConnection.class).pins()).isEmpty();
            assertThat(portOnceAStandbyQualifies(connection, "SELECT @@port", Set.of(mariadbReplicaPort)))
                    .isEqualTo(mariadbReplicaPort);
        }
    }
}
