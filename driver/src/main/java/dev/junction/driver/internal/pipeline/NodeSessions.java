package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The acquire step: the one owner of a logical connection's physical connections, at most one per node, opened on
 * first need through the backend driver ({@link NodeSession#open}: a replica's is guarded), replaced when its node
 * has changed role since (a promotion: the failover seam), dropped when lost, closed with the logical connection.
 * Not thread-safe, like the logical connection it belongs to.
 */
public final class NodeSessions {
    private final NodeConnector connector;
    private final BackendDialect dialect;
    private final Duration replicaReadTimeout;
    /** The write sync mode's setting of each connection opened to the primary, or null. */
    private final dev.junction.driver.internal.sync.PrimarySessions primarySessions;

    private final Map<Node, NodeSession> byNode = new LinkedHashMap<>();
    /** The session {@link #open} returned last: consecutive statements mostly run on one node. */
    private NodeSession last;
    /** The session the latest statement ran on; connection-level calls without a node of their own go there. */
    private NodeSession current;
    /** Set by {@link #closeAll}: the logical connection is closed and nothing opens again. */
    private boolean closed;

    /** Where each physical connection is registered, so that those to a replaced primary can be aborted. */
    private final dev.junction.driver.internal.topology.LiveConnections live;

    NodeSessions(
            NodeConnector connector,
            BackendDialect dialect,
            Duration replicaReadTimeout,
            dev.junction.driver.internal.sync.PrimarySessions primarySessions,
            dev.junction.driver.internal.topology.LiveConnections live) {
        this.live = live;
        this.connector = connector;
        this.dialect = dialect;
        this.replicaReadTimeout = replicaReadTimeout;
        this.primarySessions = primarySessions;
    }

    /**
     * The physical connection to {@code node}, opened if there is none, or none that fits the node's role now.
     *
     * @param keep the connection that holds the session's open transaction, kept whatever its node's role: a
     *             transaction cannot move, and whatever the node refuses, the transaction's statements will say
     */
    NodeSession open(Node node, NodeSession keep) throws SQLException {
        if (closed) {
            throw JunctionErrorCode.CONNECTION_CLOSED
                    .exception(); // a close raced this call (abort from another thread)
        }
        NodeSession previous = last;
        if (previous != null && previous.node() == node && !previous.isClosed() && previous.fitsRole()) {
            return previous; // the common case, without the map
        }
        NodeSession session = byNode.get(node);
        if (session != null && !session.isClosed()) {
            if (session.fitsRole() || session == keep) {
                last = session;
                return session;
            }
            // The node changed role since this connection was opened (a promotion, a demotion): a connection opened
            // read-only to a replica cannot take writes, one opened to a primary is not guarded as a replica's must be.
            session.close();
        }
        // A replica's connection is bounded while it is made as its reads are (replicaReadTimeout): a replica that
        // hangs is then reported like one that does not answer a read, instead of holding the statement until it thaws.
        java.sql.Connection physical = node.role() == dev.junction.driver.internal.backend.ProbedRole.REPLICA
                ? connector.open(node.address(), replicaReadTimeout)
                : connector.open(node.address());
        dev.junction.driver.internal.topology.LiveConnections.Registration registration = live.add(node, physical);
        try {
            session = NodeSession.open(node, physical, dialect, replicaReadTimeout, primarySessions, registration);
        } catch (SQLException | RuntimeException e) {
            registration.release();
            throw e;
        }
        byNode.put(node, session);
        last = session;
        closeToDownNodes(keep);
        return session;
    }

    /**
     * Closes the connections to nodes the monitor has published down (a lost primary, a dead replica), except the
     * one holding the open transaction: after a failover no connection is left pointing at the dead node. Asked when
     * a connection is opened or the pool checks validity, never per statement.
     */
    void closeToDownNodes(NodeSession keep) {
        if (byNode.size() < 2 && keep == null) {
            return;
        }
        java.util.Iterator<NodeSession> each = byNode.values().iterator();
        while (each.hasNext()) {
            NodeSession session = each.next();
            if (session != keep && session.node().role() == dev.junction.driver.internal.backend.ProbedRole.DOWN) {
                session.close();
                each.remove();
                if (last == session) {
                    last = null;
                }
                if (current == session) {
                    current = null;
                }
            }
        }
    }

    /** Whether the logical connection closed these sessions for good. */
    boolean closed() {
        return closed;
    }

    /** {@code session} runs the statement being executed. */
    void use(NodeSession session) {
        current = session;
    }

    /** The session the latest statement ran on, or null when there is none or it has been closed since. */
    public NodeSession current() {
        NodeSession session = current;
        return session == null || session.isClosed() ? null : session;
    }

    /** Closes and forgets a connection that was lost. */
    void drop(NodeSession session) {
        session.close();
        byNode.remove(session.node(), session);
    }

    /** The connections open now, in the order they were opened. */
    public List<NodeSession> open() {
        List<NodeSession> open = new ArrayList<>(byNode.size());
        for (NodeSession session : byNode.values()) {
            if (!session.isClosed()) {
                open.add(session);
            }
        }
        return open;
    }

    /** Every connection ever opened and not dropped, closed ones included (for status and tests). */
    public List<NodeSession> all() {
        return List.copyOf(byNode.values());
    }

    /**
     * {@code primary pg1:5432, replica pg2:5432}: the nodes with an open connection, no credentials; empty for none.
     * A connection a failover aborted (its primary lost or replaced) is not one, though the session is forgotten only
     * when this logical connection runs its next statement.
     */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (NodeSession session : byNode.values()) {
            if (session.isClosed() || session.physicallyClosed()) {
                continue;
            }
            text.append(text.length() == 0 ? "" : ", ")
                    .append(session.node().role().label())
                    .append(' ')
                    .append(session.node().address());
        }
        return text.toString();
    }

    /** Closes every connection. */
    public void closeAll() {
        for (NodeSession session : byNode.values()) {
            session.close();
        }
        byNode.clear();
        last = null;
        current = null;
        closed = true;
    }

    /** Aborts every connection through the backend driver, closing the ones that refuse. */
    public void abortAll(Executor executor) {
        closed = true;
        for (NodeSession session : new ArrayList<>(byNode.values())) {
            try {
                session.physical().abort(executor);
            } catch (SQLException e) {
                session.close();
            }
        }
    }
}
