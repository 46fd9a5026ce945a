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
}
