package dev.junction.driver.internal.jdbc;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.pipeline.SessionChange;
import dev.junction.driver.internal.pipeline.SessionSettings;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A logical connection's client info ({@code ApplicationName}, {@code ClientUser}...): kept here so that reads need no
 * physical connection, and logged for replay like any session change so that every node's connection reports it.
 * JDBC reports a failure to set it as {@link SQLClientInfoException}, which this keeps.
 */
final class ClientInfo {
    /** Logs a session change for replay and applies it to the physical connections open now. */
    @FunctionalInterface
    interface Recorder {
        void recordAndApply(String key, String description, SessionChange.Action action) throws SQLException;
    }

    private static final String KEY = "clientInfo:";

    private final Properties values = new Properties();
    private final SessionSettings state;

    ClientInfo(SessionSettings state) {
        this.state = state;
    }

    void set(String name, String value, boolean closed, Recorder recorder) throws SQLClientInfoException {
        if (closed) {
            throw clientInfoFailure(JunctionErrorCode.CONNECTION_CLOSED.exception());
        }
        if (value == null) {
            values.remove(name);
        } else {
            values.setProperty(name, value);
        }
        try {
            recorder.recordAndApply(
                    KEY + name, "setClientInfo(" + name + ")", physical -> physical.setClientInfo(name, value));
        } catch (SQLException e) {
            throw clientInfoFailure(e);
        }
    }

    void setAll(Properties properties, boolean closed, Recorder recorder) throws SQLClientInfoException {
        values.clear();
        state.removeKeysStartingWith(KEY);
        Properties copy = new Properties();
        copy.putAll(properties);
        values.putAll(copy);
        if (closed) {
            throw clientInfoFailure(JunctionErrorCode.CONNECTION_CLOSED.exception());
        }
        try {
            recorder.recordAndApply(KEY + "*", "setClientInfo(Properties)", physical -> physical.setClientInfo(copy));
        } catch (SQLException e) {
            throw clientInfoFailure(e);
        }
    }

    String get(String name) {
        return values.getProperty(name);
    }

    Properties all() {
        Properties copy = new Properties();
        copy.putAll(values);
        return copy;
    }

    private static SQLClientInfoException clientInfoFailure(SQLException e) {
        if (e instanceof SQLClientInfoException info) {
            return info;
        }
        return new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
    }
}
