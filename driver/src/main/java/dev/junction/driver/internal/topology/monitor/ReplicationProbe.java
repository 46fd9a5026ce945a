package dev.junction.driver.internal.topology.monitor;

import dev.junction.router.NodeRole;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Asks one server, in a single round trip, what it is and how far it has come: the dialect-specific half of
 * the topology monitor.
 */
public interface ReplicationProbe {

    /**
     * The answer to one probe; {@code position} is null when the server does not (yet) report one. {@code generation}
     * is PostgreSQL's timeline on a primary (a promotion increments it), 0 where there is none: it tells a promoted
     * node from the former primary when both answer as primary.
     */
    record Answer(NodeRole role, ReplicationPosition position, long generation) {
        public Answer(NodeRole role, ReplicationPosition position) {
            this(role, position, 0);
        }
    }

    Answer probe(Connection connection) throws SQLException;

    /** Parses a position as this server prints it, e.g. for a causal token. */
    ReplicationPosition parsePosition(String text);

    /**
     * Waits on {@code replica}, inside the server, until it has applied {@code position} or {@code timeout} has
     * passed (MariaDB {@code MASTER_GTID_WAIT}, MySQL {@code WAIT_FOR_EXECUTED_GTID_SET}): no polling, and the
     * read starts the moment the replica catches up.
     *
     * @return whether the replica reached the position within {@code timeout}; false at once where the server has no
     *     such wait (PostgreSQL before 19): the caller polls instead
     */
    default boolean awaitPosition(Connection replica, ReplicationPosition position, Duration timeout)
            throws SQLException {
        return false;
    }

    /** The prefix of causal tokens for this kind of position: {@code pg}, {@code mariadb}, {@code mysql}. */
    String tokenPrefix(ReplicationPosition position);

    /** Runs {@code sql}, whose single value is a position in server text, or null. */
    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
