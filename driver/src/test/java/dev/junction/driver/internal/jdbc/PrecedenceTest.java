package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.router.ReadConsistency;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * README "Using the driver": {@code Properties} given to {@code DriverManager} < URL parameters <
 * {@code JunctionDataSource} setters, for Junction's properties and the backend's (the password) alike; and the
 * arguments of {@code getConnection(user, password)} over everything, as JDBC means them.
 */
class PrecedenceTest {
    private final FakeBackendDriver backend = new FakeBackendDriver();

    @AfterEach
    void wakeHungServers() {
        backend.wakeAll();
    }

    private static ConnectionSettings driverManager(String url, Properties info) throws SQLException {
        return ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of());
    }

    /** A data source over one fake primary whose host name is unique to the test (topologies are shared per JVM). */
    private JunctionDataSource dataSource(String host, String parameters) {
        backend.server(host + ":5432");
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl("jdbc:junction:postgresql://" + host + ":5432/app" + parameters);
        dataSource.setBackendDriver(backend);
        return dataSource;
    }

    private List<String> passwordsSent(String host) {
        return backend.connectsTo(host + ":5432").stream()
                .map(FakeBackendDriver.Connect::password)
                .distinct()
                .toList();
    }

    private static ReadConsistency readConsistency(Connection connection) throws SQLException {
        return connection
                .unwrap(RoutingConnection.class)
                .settings()
                .properties()
                .get(JunctionProperty.READ_CONSISTENCY);
    }

    @Test
    void urlParametersWinOverDriverManagerPropertiesForThePasswordToo() throws SQLException {
        Properties info = new Properties();
        info.setProperty("password", "from-properties");
        info.setProperty("readConsistency", "session");
        ConnectionSettings settings =
                driverManager("jdbc:junction:postgresql://h1/app?password=from-url&readConsistency=strong", info);
        assertThat(settings.backendProperties()).containsEntry("password", "from-url");
        assertThat(settings.properties().get(JunctionProperty.READ_CONSISTENCY)).isEqualTo(ReadConsistency.STRONG);
        ConnectionSettings propertiesOnly = driverManager("jdbc:junction:postgresql://h1/app", info);
        assertThat(propertiesOnly.backendProperties()).containsEntry("password", "from-properties");
        assertThat(propertiesOnly.properties().get(JunctionProperty.READ_CONSISTENCY))
                .isEqualTo(ReadConsistency.SESSION);
    }

    @Test
    void dataSourceSettersWinOverUrlParameters() throws SQLException {
        try (JunctionDataSource dataSource =
                dataSource("precedence-setters", "?password=from-url&readConsistency=strong&ApplicationName=url")) {
            dataSource.setUser("app");
            dataSource.setPassword("from-setter");
            dataSource.setReadConsistency("eventual");
            dataSource.setProperty("ApplicationName", "setter");
            try (Connection connection = dataSource.getConnection()) {
                assertThat(readConsistency(connection)).isEqualTo(ReadConsistency.EVENTUAL);
                assertThat(connection.unwrap(RoutingConnection.class).settings().backendProperties())
                        .containsEntry("password", "from-setter")
                        .containsEntry("ApplicationName", "setter");
            }
            assertThat(passwordsSent("precedence-setters")).containsExactly("from-setter");
        }
    }

    @Test
    void urlParametersStillApplyWhereNoSetterWasCalled() throws SQLException {
        try (JunctionDataSource dataSource =
                dataSource("precedence-url", "?password=from-url&readConsistency=strong")) {
            dataSource.setUser("app");
            try (Connection connection = dataSource.getConnection()) {
                assertThat(readConsistency(connection)).isEqualTo(ReadConsistency.STRONG);
            }
            assertThat(passwordsSent("precedence-url")).containsExactly("from-url");
        }
    }

    @Test
    void getConnectionArgumentsWinOverSettersAndUrl() throws SQLException {
        try (JunctionDataSource dataSource = dataSource("precedence-arguments", "?user=url-user&password=from-url")) {
            dataSource.setUser("setter-user");
            dataSource.setPassword("from-setter");
            try (Connection connection = dataSource.getConnection("argument-user", "from-argument")) {
                assertThat(connection.unwrap(RoutingConnection.class).settings().user())
                        .isEqualTo("argument-user");
            }
            assertThat(passwordsSent("precedence-arguments")).containsExactly("from-argument");
        }
    }
}
