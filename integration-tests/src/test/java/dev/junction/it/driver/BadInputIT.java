package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.JunctionDriver;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when the configuration is wrong: an exception that says what is wrong, with a meaningful
 * SQLState, and never a password.
 */
class BadInputIT {
    private static final String PASSWORD = "hunter2-secret";
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(1).start();
        cluster.primary().execute(PostgresRoutingIT.SERVER_PORT_FUNCTION);
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "2");
        return properties;
    }

    private static SQLException failure(String url) {
        try {
            DriverManager.getConnection(url, credentials()).close();
            throw new AssertionError("connected to " + url);
        } catch (SQLException e) {
            assertThat(e.getMessage()).doesNotContain(PASSWORD);
            return e;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void malformedUrlsSayWhatIsWrongInsteadOfNoSuitableDriver() {
        SQLException e = failure("jdbc:junction:postgresql://127.0.0.1:99999/postgres");
        assertThat(e.getMessage()).contains("port \"99999\" of host 127.0.0.1 is not a number from 1 to 65535");
        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(failure("jdbc:junction:postgres://h/db").getMessage()).contains("Unknown backend \"postgres\"");
        assertThat(failure("jdbc:junction:postgresql://h1,,h2/db").getMessage()).contains("empty host");
    }

    @Test
    void invalidPropertyValuesNameTheValueAndWhatWasExpected() {
        SQLException e = failure("jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?maxReplicaLag=2x");
        assertThat(e.getMessage())
                .endsWith(
                        "Invalid value \"2x\" for property \"maxReplicaLag\": expected a duration such as 500ms or 2s.");
        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(failure("jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?targetServerType=secondary")
                        .getMessage())
                .contains("targetServerType")
                .contains("Junction discovers each node's role");
        assertThatThrownBy(() -> new JunctionDataSource().setSyncMode("quorum:x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quorum:N");
    }

    @Test
    void unknownHostsAndClosedPortsAreConnectionErrorsNamingEachNode() throws Exception {
        int closedPort = freePort();
        SQLException e = failure("jdbc:junction:postgresql://no-such-host.invalid:5432,127.0.0.1:" + closedPort
                + "/postgres?password=" + PASSWORD);
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage())
                .contains("None of the nodes of")
                .contains("no-such-host.invalid:5432 could not be reached (")
                .contains("127.0.0.1:" + closedPort + " could not be reached (")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aMissingDatabaseReportsTheStateEveryNodeAgreedOn() {
        SQLException e = failure("jdbc:junction:postgresql://" + cluster.hostList() + "/no_such_database");
        assertThat(e.getSQLState()).isEqualTo("3D000");
        assertThat(e.getMessage())
                .contains("database \"no_such_database\" does not exist")
                .contains("refused the connection")
                .doesNotContain("could not be reached");
    }

    @Test
    void anUnreachableSeedIsMarkedDownAndTheOthersServe() throws Exception {
        int closedPort = freePort();
        String url = "jdbc:junction:postgresql://127.0.0.1:" + closedPort + "," + cluster.hostList() + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, credentials());
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("select server_port()")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(cluster.standbys().get(0).port());
            }
            statement.executeUpdate("create table if not exists survived(id int)");
            assertThat(connection.unwrap(JunctionConnection.class).topology())
                    .contains("127.0.0.1:" + closedPort + " down");
        }
    }

    @Test
    void aMissingBackendDriverNamesTheArtifactToAdd() throws Exception {
        URL junctionClasses =
                JunctionDriver.class.getProtectionDomain().getCodeSource().getLocation();
        // The router is a runtime dependency of the driver (its enums type the properties); the backend driver is not.
        URL routerClasses = dev.junction.router.ReadConsistency.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader isolated =
                new URLClassLoader(new URL[] {junctionClasses, routerClasses}, ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(isolated);
            Driver driver = (Driver) isolated.loadClass("dev.junction.driver.JunctionDriver")
                    .getDeclaredConstructor()
                    .newInstance();
            assertThatThrownBy(() -> driver.connect(
                            "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres", credentials()))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("The PostgreSQL JDBC driver (org.postgresql.Driver) is not on the classpath")
                    .hasMessageContaining("org.postgresql:postgresql")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
            assertThatThrownBy(() -> driver.connect("jdbc:junction:mysql://127.0.0.1:1/db", credentials()))
                    .hasMessageContaining("com.mysql:mysql-connector-j");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void dataSourceToStringNeverShowsThePassword() {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl("jdbc:junction:postgresql://h1/db?password=" + PASSWORD);
        dataSource.setPassword(PASSWORD);
        assertThat(dataSource.toString()).doesNotContain(PASSWORD);
    }
}
