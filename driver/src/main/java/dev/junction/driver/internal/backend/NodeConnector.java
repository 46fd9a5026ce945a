package dev.junction.driver.internal.backend;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens physical connections to nodes. The seam that lets unit tests run the wrappers over fake connections. */
public interface NodeConnector {
    /**
     * A new physical connection to {@code node}.
     *
     * @throws SQLException the backend's error, with the node named in its message
     */
    Connection open(HostAndPort node) throws SQLException;

    /**
     * The same, the connect and the login bounded by {@code bound}: a node that accepts TCP and then hangs (SIGSTOP)
     * must not hold the caller past it. Connectors without a way to bound it open as {@link #open(HostAndPort)}.
     */
    default Connection open(HostAndPort node, java.time.Duration bound) throws SQLException {
        return open(node);
    }
}
