package dev.junction.driver.internal;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.monitor.NodeFailure;
import dev.junction.driver.internal.monitor.SharedMonitors;
import dev.junction.driver.internal.monitor.TopologyMonitor;
import dev.junction.router.NodeState;
import dev.junction.router.TopologySnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@code getConnection} makes sure of before it returns a connection, so that a pool that validates at start-up
 * sees a wrong password or database there and not at the first statement:
 *
 * <ol>
 *   <li>the cluster's roles are known: the monitor's first probe round is over (it is bounded, see
 *       {@link TopologyMonitor#start}) and some node answered; else the error says, node by node, which could not be
 *       reached and which refused, with the SQLState the refusing nodes agreed on;</li>
 *   <li>these credentials open a connection: once per set of credentials while some connection or data source uses
 *       them ({@link SharedMonitors}), by the monitor's own probes when this connection started the monitor, else by
 *       opening and closing one connection to the primary (or, with no primary known, to a node that answered).
 *       Another user's successful probes never stand for these credentials.</li>
 * </ol>
 *
 * <p>Every connection made here carries the probe timeouts, so a hung node costs at most {@link Connections#PROBE_TIMEOUT}
 * per step, and every thread started here is a daemon that ends with its connect attempt.
 */
final class ConnectionCheck {
    private final ClusterTopology topology;
    private final SharedMonitors.Lease lease;
    /** Opens connections with this connection's backend properties and the probe timeouts. */
    private final NodeConnector checker;

    ConnectionCheck(ClusterTopology topology, SharedMonitors.Lease lease, NodeConnector checker) {
        this.topology = topology;
        this.lease = lease;
        this.checker = checker;
    }

    /** @throws SQLException see the class comment; the backend's SQLState and exception are kept */
    void run() throws SQLException {
        TopologyMonitor monitor = lease.monitor();
        TopologySnapshot snapshot = monitor.snapshot();
        if (!snapshot.anyNodeKnown()) {
            noNodeKnown(monitor);
            return;
        }
        if (lease.credentialsVerified()) {
            return;
        }
        if (lease.startedMonitor()) {
            // The monitor's probes connected with exactly these backend properties (timeouts aside).
            lease.markCredentialsVerified();
            return;
        }
        Node target = checkedNode(snapshot);
        try {
            letIn(target);
            lease.markCredentialsVerified();
        } catch (SQLException e) {
            NodeFailure failure = new NodeFailure(e);
            String node = target.role().label() + " " + target.address();
            if (failure.refused()) {
                throw JunctionErrorCode.NODE_REFUSED.exceptionWithState(failure.sqlState(), e, node, topology.name(),
                        CredentialMask.text(failure.detail()));
            }
            throw JunctionErrorCode.NODE_UNREACHABLE.exception(e, "the " + node + " of " + topology.name(),
                    CredentialMask.text(failure.describe()));
        }
    }

    /** Opens a connection to {@code node} with these credentials and closes it: the node let them in. */
    private void letIn(Node node) throws SQLException {
        Connection connection = checker.open(node.address());
        try {
            connection.close();
        } catch (SQLException e) {
            // It let the credentials in; how the close went is not the question.
        }
    }

    /** The primary if one is known, else the first node that answered. */
    private Node checkedNode(TopologySnapshot snapshot) {
        NodeState primary = snapshot.primary();
        if (primary != null) {
            return topology.node(primary.id());
        }
        for (NodeState state : snapshot.nodes()) {
            if (state.up() && state.role() != dev.junction.router.NodeRole.UNKNOWN) {
                return topology.node(state.id());
            }
        }
        throw new IllegalStateException("a snapshot that knows a node lists it");
    }

    /**
     * No node answered the monitor. Its failures are this connection's when it started the monitor, and anyone's when
     * every node was unreachable; otherwise the nodes refused someone else's credentials, and this connection's own
     * may fare better: each node is tried with them, in parallel, within the probe timeout.
     */
    private void noNodeKnown(TopologyMonitor monitor) throws SQLException {
        Map<Node, NodeFailure> seen = new ConcurrentHashMap<>();
        boolean anyRefusal = false;
        for (Node node : topology.nodes()) {
            NodeFailure failure = monitor.lastFailure(node.id());
            if (failure != null) {
                seen.put(node, failure);
                anyRefusal |= failure.refused();
            }
        }
        if (lease.startedMonitor() || !anyRefusal) {
            throw topology.noNodeAccepted(seen::get);
        }
        Map<Node, NodeFailure> own = tryEveryNode();
        if (own.size() < topology.nodes().size()) {
            // One let these credentials in: roles come once the monitor reaches a node; statements say so meanwhile.
            lease.markCredentialsVerified();
            return;
        }
        throw topology.noNodeAccepted(own::get);
    }

    /** Each node's failure to open a connection with these credentials; a node missing from the map let them in. */
    private Map<Node, NodeFailure> tryEveryNode() {
        Map<Node, NodeFailure> failures = new ConcurrentHashMap<>();
        List<Thread> attempts = new ArrayList<>();
        for (Node node : topology.nodes()) {
            Thread attempt = new Thread(() -> {
                try {
                    letIn(node);
                } catch (SQLException | RuntimeException e) {
                    failures.put(node, new NodeFailure(e));
                }
            }, "junction-connect-check " + node.address());
            attempt.setDaemon(true);
            attempt.start();
            attempts.add(attempt);
        }
        long deadline = System.nanoTime() + Connections.PROBE_TIMEOUT.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
        for (int i = 0; i < attempts.size(); i++) {
            try {
                attempts.get(i).join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (attempts.get(i).isAlive()) {
                failures.putIfAbsent(topology.nodes().get(i), NodeFailure.noAnswerWithin(Connections.PROBE_TIMEOUT.toMillis()));
            }
        }
        return failures;
    }
}
