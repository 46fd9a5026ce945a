package dev.junction.driver.internal.jdbc;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.pipeline.ExceptionFunnel;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens physical connections with the backend driver's own {@link Driver#connect}, one node URL at a time, with the
 * pass-through properties (user, password, ssl...) of the logical connection.
 */
public final class BackendNodeConnector implements NodeConnector {
    private final ConnectionSettings settings;
    private final Driver driver;

    private final Properties overrides;

    public BackendNodeConnector(ConnectionSettings settings, Driver driver) {
        this(settings, driver, new Properties());
    }

    /** @param overrides backend properties that win over the application's (the monitor's short timeouts) */
    public BackendNodeConnector(ConnectionSettings settings, Driver driver, Properties overrides) {
        this.settings = settings;
        this.driver = driver;
        this.overrides = overrides;
    }

    @Override
    public Connection open(HostAndPort node) throws SQLException {
        String url = settings.backend().nodeUrl(node, settings.url().database());
        Connection connection;
        try {
            Properties properties = settings.backendProperties();
            properties.putAll(overrides);
            connection = driver.connect(url, properties);
        } catch (SQLException e) {
            throw ExceptionFunnel.withNode(e, node);
        } catch (RuntimeException e) {
            throw JunctionErrorCode.NODE_UNREACHABLE.exception(e, node, e.toString());
        }
        if (connection == null) {
            throw JunctionErrorCode.NODE_UNREACHABLE.exception(
                    node, "the " + settings.backend().productName() + " driver did not accept the URL " + url);
        }
        return connection;
    }
}
