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
        return open(node, overrides);
    }

    /**
     * Bounds connect, login and the socket while the connection is made: PgJDBC in whole seconds (rounded up), both
     * Connector/Js in milliseconds. The socket timeout counts during the handshake, which a hung server never answers;
     * the caller sets the connection's own network timeout afterwards.
     */
    @Override
    public Connection open(HostAndPort node, java.time.Duration bound) throws SQLException {
        if (bound.isZero() || bound.isNegative()) {
            return open(node);
        }
        Properties bounded = new Properties();
        bounded.putAll(overrides);
        if (settings.backend() == dev.junction.driver.internal.backend.Backend.POSTGRESQL) {
            String seconds = Long.toString(Math.max(1, (bound.toMillis() + 999) / 1000));
            bounded.setProperty("connectTimeout", seconds);
            bounded.setProperty("loginTimeout", seconds);
            bounded.setProperty("socketTimeout", seconds);
        } else {
            String millis = Long.toString(Math.max(1, bound.toMillis()));
            bounded.setProperty("connectTimeout", millis);
            bounded.setProperty("socketTimeout", millis);
        }
        return open(node, bounded);
    }

    private Connection open(HostAndPort node, Properties overriding) throws SQLException {
        String url = settings.backend().nodeUrl(node, settings.url().database());
        Connection connection;
        try {
            Properties properties = settings.backendProperties();
            properties.putAll(overriding);
            connection = driver.connect(url, properties);
        } catch (SQLException e) {
            String property = settings.backend().rejectedProperty(e);
            if (property != null) {
                throw propertyRejected(property, e);
            }
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

    /**
     * {@link JunctionErrorCode#BACKEND_PROPERTY_REJECTED}: the driver refused {@code property} before it connected,
     * so the error is about the configuration and not the node, and names no node. The value is the one Junction
     * passed (the driver may spell the name in another case); a value of a password-like property is not shown.
     */
    private SQLException propertyRejected(String property, SQLException e) {
        Properties properties = settings.backendProperties();
        properties.putAll(overrides);
        String name = property;
        for (String candidate : properties.stringPropertyNames()) {
            if (candidate.equalsIgnoreCase(property)) {
                name = candidate;
            }
        }
        String value = properties.getProperty(name, "");
        if (name.toLowerCase(java.util.Locale.ROOT).contains("password")) {
            value = "(not shown)";
        }
        return JunctionErrorCode.BACKEND_PROPERTY_REJECTED.exception(
                e, value, name, settings.backend().productName(), e.getMessage());
    }
}
