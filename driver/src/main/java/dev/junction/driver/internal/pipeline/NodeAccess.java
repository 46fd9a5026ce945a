package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;

/**
 * What the steps of a statement's execution need of a logical connection's physical connections: one to a node,
 * opened on first need and brought to the session's state by the caller, and the failure funnel that names the node
 * and reacts to a lost connection.
 */
interface NodeAccess {
    /** The session's physical connection to {@code node}, opened if it has none (or none that fits the node's role). */
    NodeSession open(Node node) throws SQLException;

    /**
     * The same, brought to the session's state (auto-commit, isolation, replayed settings), so that a question asked
     * on it runs as the first statement of the transaction the session's next statement will run in.
     */
    NodeSession openSynced(Node node) throws SQLException;

    /**
     * The primary, waiting up to the connection's {@code failoverTimeout} while no node answers as one (design §7).
     */
    Node primary() throws SQLException;

    /**
     * The primary for a read that falls back to it: as {@link #primary()}, except during a split brain, where the
     * node this JVM's writes went to last still answers for reads (it has them all); writes stay refused.
     */
    Node primaryForReads() throws SQLException;

    /** Names the node in {@code e} and reacts to what it says about the topology; returns the exception to throw. */
    SQLException failed(SQLException e, NodeSession session);
}
