package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.monitor.NodeFailure;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A property the backend driver refuses is a configuration error (22023 naming it), not "no node could be reached":
 * with the real Connector/Js, which check properties before they open a socket (nothing listens on port 1 here).
 */
class BackendPropertyRejectionTest {
    private static final HostAndPort NOWHERE = new HostAndPort("127.0.0.1", 1);

    @Test
    void connectorJRefusingABareFlagIsAnInvalidPropertyNamingItAndItsValue() throws Exception {
        SQLException e =
                openFails("jdbc:junction:mysql://127.0.0.1:1/db?useServerPrepStmts=", "com.mysql.cj.jdbc.Driver");
        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getErrorCode()).isEqualTo(JunctionErrorCode.BACKEND_PROPERTY_REJECTED.vendorCode());
        assertThat(e.getMessage())
                .contains("Invalid value \"\" for property \"useServerPrepStmts\"")
                .contains("MySQL Connector/J")
                .contains("acceptable values are");
    }

    @Test
    void mariadbConnectorJRefusingANonNumberIsAnInvalidPropertyNamingItAndItsValue() throws Exception {
        SQLException e =
                openFails("jdbc:junction:mariadb://127.0.0.1:1/db?connectTimeout=abc", "org.mariadb.jdbc.Driver");
        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getMessage())
                .contains("Invalid value \"abc\" for property \"connectTimeout\"")
                .contains("MariaDB Connector/J")
                .contains("must be Integer");
    }

    @Test
    void anUnreachableNodeStaysUnreachable() throws Exception {
        SQLException e =
                openFails("jdbc:junction:mariadb://127.0.0.1:1/db?connectTimeout=500", "org.mariadb.jdbc.Driver");
        assertThat(e.getErrorCode()).isNotEqualTo(JunctionErrorCode.BACKEND_PROPERTY_REJECTED.vendorCode());
        assertThat(e.getSQLState()).startsWith("08");
    }

    @Test
    void readsEachDriversWordsForARefusedProperty() {
        assertThat(Backend.MYSQL.rejectedProperty(new SQLException(
                        "The connection property 'connectTimeout' only accepts integer values. The value 'x' can not be converted to an integer.",
                        "S1009")))
                .isEqualTo("connectTimeout");
        assertThat(Backend.MARIADB.rejectedProperty(
                        new SQLException("error parsing url: Value for maxIdleTime must be >= 1 (value is 0)")))
                .isEqualTo("maxIdleTime");
        assertThat(Backend.MARIADB.rejectedProperty(
                        new SQLException("error parsing url: Wrong argument value 'x' for SslMode")))
                .isEqualTo("sslMode");
        assertThat(Backend.MYSQL.rejectedProperty(new SQLException("Communications link failure", "08S01")))
                .isNull();
        assertThat(Backend.MARIADB.rejectedProperty(new SQLException("Access denied for user", "28000", 1045)))
                .isNull();
        assertThat(Backend.POSTGRESQL.rejectedProperty(new SQLException("The connection property 'x'", "S1009")))
                .isNull();
    }

    @Test
    void everyNodeRefusingTheSamePropertyIsThatErrorNotNoNodeReachable() {
        ClusterTopology topology = topology();
        SQLException rejected = JunctionErrorCode.BACKEND_PROPERTY_REJECTED.exception(
                "", "useServerPrepStmts", "MySQL Connector/J", "The value '' is not acceptable.");
        SQLException again = JunctionErrorCode.BACKEND_PROPERTY_REJECTED.exception(
                "", "useServerPrepStmts", "MySQL Connector/J", "The value '' is not acceptable.");

        SQLException e =
                topology.noNodeAccepted(node -> new NodeFailure(node.address().port() == 3306 ? rejected : again));

        assertThat(e.getSQLState()).isEqualTo("22023");
        assertThat(e.getErrorCode()).isEqualTo(JunctionErrorCode.BACKEND_PROPERTY_REJECTED.vendorCode());
        assertThat(e.getMessage()).isEqualTo(rejected.getMessage()).doesNotContain("could be reached");
    }

    @Test
    void aNodeFailingOtherwiseKeepsTheClusterError() {
        ClusterTopology topology = topology();
        SQLException rejected = JunctionErrorCode.BACKEND_PROPERTY_REJECTED.exception(
                "", "useServerPrepStmts", "MySQL Connector/J", "The value '' is not acceptable.");
        SQLException down = new SQLNonTransientConnectionException("Connection refused", "08001");

        SQLException e =
                topology.noNodeAccepted(node -> new NodeFailure(node.address().port() == 3306 ? rejected : down));

        assertThat(e.getErrorCode()).isNotEqualTo(JunctionErrorCode.BACKEND_PROPERTY_REJECTED.vendorCode());
        assertThat(e.getMessage()).contains("useServerPrepStmts").contains("Connection refused");
    }

    private static ClusterTopology topology() {
        return new ClusterTopology(
                "jdbc:junction:mysql://a,b/db",
                BackendDialect.MYSQL,
                List.of(new HostAndPort("a", 3306), new HostAndPort("b", 3307)));
    }

    private static SQLException openFails(String url, String driverClass) throws Exception {
        ConnectionSettings settings = ConnectionSettings.of(JunctionUrl.parse(url), new Properties(), Map.of());
        Driver driver =
                (Driver) Class.forName(driverClass).getDeclaredConstructor().newInstance();
        return catchThrowableOfType(SQLException.class, () -> new BackendNodeConnector(settings, driver).open(NOWHERE));
    }
}
