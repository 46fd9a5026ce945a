package dev.junction.workloads;

import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.SQLException;

/** Which kind of node ran a statement, as the connection reports it after the statement. */
public enum ServingNode {
    PRIMARY,
    REPLICA,
    /** Junction named no node, or a role this enum does not know. */
    UNKNOWN;

    /** How to learn the node of a connection's last statement. */
    @FunctionalInterface
    public interface Probe {
        ServingNode lastStatement(Connection connection) throws SQLException;

        /**
         * Junction's own account, {@link JunctionConnection#lastNode()} ({@code 127.0.0.1:5433 replica}): no query of
         * its own, so it costs nothing the application would not pay.
         */
        Probe JUNCTION = connection ->
                ServingNode.of(connection.unwrap(JunctionConnection.class).lastNode());

        /** A raw driver connected to the primary: every statement runs there. */
        Probe RAW_PRIMARY = connection -> PRIMARY;
    }

    static ServingNode of(String lastNode) {
        if (lastNode == null) {
            return UNKNOWN;
        }
        if (lastNode.endsWith(" primary")) {
            return PRIMARY;
        }
        return lastNode.endsWith(" replica") ? REPLICA : UNKNOWN;
    }
}
