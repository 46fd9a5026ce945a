package dev.junction.driver.internal.monitor;

import dev.junction.router.NodeRole;
import dev.junction.router.replication.ReplicationPosition;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Asks one server, in a single round trip, what it is and how far it has come: the dialect-specific half of
 * the topology monitor.
 */
public interface ReplicationProbe {

    /** The answer to one probe; {@code position} is null when the server does not (yet) report one. */
    record Answer(NodeRole role, ReplicationPosition position) {
    }

    Answer probe(Connection connection) throws SQLException;

    /** Parses a position as this server prints it, e.g. for a causal token. */
    ReplicationPosition parsePosition(String text);
}
