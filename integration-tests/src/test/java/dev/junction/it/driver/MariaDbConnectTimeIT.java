package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code getConnection} checks the password on MariaDB too (issue 11): through MariaDB Connector/J a wrong password is
 * error 1045, SQLState 28000, at {@code getConnection}, whether or not another connection holds the cluster's
 * monitor; refusals are called refusals; and no message shows the password. A property the backend driver refuses is
 * an invalid property (22023), through either Connector/J, although every node is up (issue 13).
 */
class MariaDbConnectTimeIT {
    private static final String WRONG = "S3cr3t-pw";
    private static final SecretScan SCAN = new SecretScan(WRONG);
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String url(String hosts, String database) {
        return "jdbc:junction:mariadb://" + hosts + "/" + database + "?sslMode=disable";
    }

    private static String hosts(boolean replicaFirst) {
        MariaDbNode primary = cluster.primary();
        MariaDbNode replica = cluster.replicas().get(0);
        return replicaFirst ? replica.address() + "," + primary.address() : primary.address() + "," + replica.address();
    }

    private static Properties credentials(String password) {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", password);
        return properties;
    }

    private static SQLException failure(String url, String password) {
        try (Connection ignored = DriverManager.getConnection(url, credentials(password))) {
            throw new AssertionError("connected to " + url);
        } catch (SQLException e) {
            SCAN.assertAbsent(url, e);
            return e;
        }
    }

    private static void read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select @@port")) {
            assertThat(rows.next()).isTrue();
        }
    }

    private static void assertAccessDenied(SQLException e) {
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage())
                .contains("refused the connection (SQLState 28000")
                .contains("Access denied for user")
                .doesNotContain("could not be reached");
        assertThat(e.getCause()).isInstanceOf(SQLException.class);
        assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(1045);
    }

    @Test
    void aWrongPasswordFailsAtGetConnectionWhileAnotherConnectionHoldsTheMonitor() throws SQLException {
        String url = url(hosts(true), MariaDbNode.DATABASE);
        try (Connection good = DriverManager.getConnection(url, credentials(MariaDbNode.APPLICATION_PASSWORD))) {
            read(good);
            assertAccessDenied(failure(url, WRONG));

            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(MariaDbNode.APPLICATION_USER);
            dataSource.setPassword(WRONG);
            try (dataSource;
                    Connection ignored = dataSource.getConnection()) {
                fail("the data source connected with a wrong password");
            } catch (SQLException e) {
                SCAN.assertAbsent("data source", e);
                assertAccessDenied(e);
            }
            read(good);
        }
    }

    @Test
    void theFirstConnectionsWrongPasswordFailsAtGetConnection() throws SQLException {
        String url = url(hosts(false), MariaDbNode.DATABASE);
        assertThat(SharedMonitors.isMonitored(JunctionUrl.parse(url).toString()))
                .isFalse();
        SQLException e = failure(url, WRONG);
        assertAccessDenied(e);
        assertThat(e.getMessage()).contains("No node of");
    }

    @Test
    void anUnknownDatabaseIsARefusalWithTheServersState() {
        SQLException e = failure(url(hosts(true), "no_such_database"), MariaDbNode.APPLICATION_PASSWORD);
        assertThat(e.getSQLState()).isEqualTo("42000");
        assertThat(e.getMessage())
                .contains("refused the connection (SQLState 42000")
                .contains("no_such_database")
                .doesNotContain("could not be reached");
        assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(1049);
    }

    @Test
    void aBareFlagMySqlConnectorJRefusesIsAnInvalidPropertyNotUnreachableNodes() {
        String url = "jdbc:junction:mysql://" + hosts(false) + "/" + MariaDbNode.DATABASE
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&useServerPrepStmts";

        SQLException e = failure(url, MariaDbNode.APPLICATION_PASSWORD);

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage())
                .contains("Invalid value \"\" for property \"useServerPrepStmts\"")
                .contains("MySQL Connector/J")
                .contains("acceptable values are")
                .doesNotContain("could be reached");
    }

    @Test
    void aValueMariadbConnectorJRefusesIsAnInvalidPropertyNotUnreachableNodes() {
        String url = url(hosts(false), MariaDbNode.DATABASE) + "&useServerPrepStmts=maybe";

        SQLException e = failure(url, MariaDbNode.APPLICATION_PASSWORD);

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage())
                .contains("Invalid value \"maybe\" for property \"useServerPrepStmts\"")
                .contains("MariaDB Connector/J")
                .contains("must be boolean")
                .doesNotContain("could be reached");
    }
}
