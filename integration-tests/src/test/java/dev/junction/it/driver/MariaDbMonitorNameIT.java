package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The monitor's probe connections carry the connection attribute {@code program_name=junction-monitor} through either
 * Connector/J, so that a DBA can tell them apart in {@code performance_schema.session_connect_attrs} (issue 13). The
 * performance schema is off by default on MariaDB: this cluster turns it on.
 */
class MariaDbMonitorNameIT {
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica()
                .setting("--performance-schema=ON")
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb://%s?sslMode=disable", "mysql://%s?sslMode=DISABLED&allowPublicKeyRetrieval=true"})
    void monitorSessionsCarryTheProgramNameJunctionMonitor(String form) throws Exception {
        String hosts =
                cluster.replicas().get(0).address() + "," + cluster.primary().address() + "/" + MariaDbNode.DATABASE;
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        try (Connection connection =
                DriverManager.getConnection("jdbc:junction:" + String.format(form, hosts), properties)) {
            read(connection);
            for (MariaDbNode node :
                    new MariaDbNode[] {cluster.primary(), cluster.replicas().get(0)}) {
                assertThat(awaitMonitorSessions(node))
                        .as("junction-monitor sessions of %s on %s", MariaDbNode.APPLICATION_USER, node.address())
                        .isPositive();
            }
        }
    }

    private static void read(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT @@port")) {
            assertThat(rows.next()).isTrue();
        }
    }

    private static int awaitMonitorSessions(MariaDbNode node) throws InterruptedException {
        String sql = "SELECT COUNT(*) FROM performance_schema.session_connect_attrs a"
                + " JOIN information_schema.processlist p ON p.id = a.processlist_id"
                + " WHERE a.attr_name = 'program_name' AND a.attr_value = 'junction-monitor'"
                + " AND p.user = '" + MariaDbNode.APPLICATION_USER + "'";
        long deadline = System.nanoTime() + 5_000_000_000L;
        int count = Integer.parseInt(node.queryString(sql));
        while (count == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            count = Integer.parseInt(node.queryString(sql));
        }
        return count;
    }
}
