package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import java.sql.SQLException;

/**
 * The on-failure step: every {@link SQLException} from a physical connection passes here. It classifies the failure
 * from the whole exception chain ({@link FailureKind}), drops a lost connection with the transaction and pins it held,
 * reports node trouble to the topology so that the monitor acts at once rather than at its next interval, names the
 * node in the exception ({@link ExceptionFunnel}), and says what the pipeline does next: surface the failure, or run
 * the statement once more elsewhere where the design allows it (§7).
 */
final class FailureSeam {
    /** What the pipeline does after a failed execution. */
    enum Next {
        /** The application gets the failure. */
        SURFACE,
        /** The statement ran nowhere (a replica refused it as read-only): run it on the primary. */
        RERUN_ON_PRIMARY,
        /** The read's replica was lost or timed out: route it again, to another replica or the primary. */
        ROUTE_AGAIN
    }

    private final ClusterTopology topology;
    private final NodeSessions sessions;
    private final OpenTransaction transaction;
    private final SessionPins pins;
    private final ReplicaRouter replicas;
    private final FailureClassifier classifier;
    private final ClusterMetrics metrics;
    /** The failure classified last and its kind: a failure that is not retried is classified again by the funnel. */
    private SQLException lastFailure;

    private FailureKind lastKind;

    /** @param classifier Junction's reading of a failure, or the application's {@code exceptionOverrideClassName} */
    FailureSeam(
            ClusterTopology topology,
            NodeSessions sessions,
            OpenTransaction transaction,
            SessionPins pins,
            ReplicaRouter replicas,
            FailureClassifier classifier,
            ClusterMetrics metrics) {
        this.classifier = classifier;
        this.metrics = metrics;
        this.topology = topology;
        this.sessions = sessions;
        this.transaction = transaction;
        this.pins = pins;
        this.replicas = replicas;
    }

    /** What {@code e}, raised on {@code session}, says: the reading the funnel acted on. */
    FailureKind kindOf(SQLException e, NodeSession session) {
        return classify(e, session.node());
    }

    /** What {@code e} says, asked once per failure so that an application's override is asked once too. */
    private FailureKind classify(SQLException e, Node node) {
        if (e != lastFailure) {
            lastKind = classifier.classify(e, node);
            lastFailure = e;
        }
        return lastKind;
    }

    /**
     * The funnel: names the node, and reacts to what the error says about the topology (a lost connection, a primary
     * that turned read-only).
     *
     * @return the exception to throw
     */
    SQLException failed(SQLException e, NodeSession session) {
        if (session == null) {
            return e;
        }
        metrics.failed(e.getSQLState());
        pins.failed();
        FailureKind kind = classify(e, session.node());
        if (kind == FailureKind.CONNECTION_LOST) {
            drop(session);
            reportTrouble(session.node(), e);
        } else if (kind == FailureKind.NODE_READ_ONLY && session.node().role() == ProbedRole.PRIMARY) {
            reportTrouble(session.node(), e); // a primary that refuses writes was demoted under the session
        }
        return ExceptionFunnel.withNode(e, session.node());
    }

    /**
     * What follows a failed execution of {@code info} on {@code session}. Only an auto-commit statement outside any
     * transaction or pin runs again, once, and only when the failure shows it had no effect: a replica refused it as
     * read-only (the classifier misjudged a write: it reruns on the primary and the misjudgement is logged so that its
     * cause can be fixed), or a read's node was lost or did not answer within {@code replicaReadTimeout} (a replica
     * is reported down, a primary suspected, and the read routed again: to a replica, or to the primary once one
     * answers). A write is never run again: it may have committed.
     */
    Next afterFailure(SQLException e, NodeSession session, StatementInfo info, boolean autoCommit) {
        if (session == null || transaction.active(autoCommit) || pins.pinnedNode() != null) {
            return Next.SURFACE;
        }
        FailureKind kind = classify(e, session.node());
        if (kind == FailureKind.NODE_READ_ONLY && session.guarded()) {
            ReadOnlyRefusals.record(session.node(), info, e);
            return Next.RERUN_ON_PRIMARY;
        }
        if ((info.isRead() || info.kind() == StatementInfo.Kind.SESSION) && kind == FailureKind.CONNECTION_LOST) {
            // Down until a probe reaches it again (the monitor's, or the next role check's): the retry must not go
            // back.
            drop(session);
            reportTrouble(session.node(), e);
            replicas.forget();
            return Next.ROUTE_AGAIN;
        }
        return Next.SURFACE;
    }

    /**
     * A replica could not be connected to for an auto-commit read: it is reported down and the read may be routed
     * once more (design §7). False when the failure must surface.
     */
    boolean replicaUnreachable(SQLException e, Node target, StatementInfo info, boolean autoCommit) {
        if (!info.isRead()
                || transaction.active(autoCommit)
                || pins.pinnedNode() != null
                || !BackendDialect.isConnectionLoss(e)
                || target.role() != ProbedRole.REPLICA) {
            return false;
        }
        topology.markDown(target, e.getMessage());
        replicas.forget();
        return true;
    }

    /**
     * The primary could not be connected to: it is suspected (the monitor hunts for the primary at once), and the
     * caller may wait for a primary to answer and try again, since nothing ran. False when the failure is not a lost
     * or refused connection to the primary.
     */
    boolean primaryUnreachable(SQLException e, Node target) {
        if (!BackendDialect.isConnectionLoss(e) || target.role() == ProbedRole.REPLICA) {
            return false;
        }
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            return false;
        }
        metrics.failed(e.getSQLState());
        monitor.suspectPrimary();
        return true;
    }

    /**
     * Tells the topology what a session saw, so that the monitor acts on it at once instead of at its next interval:
     * a replica that failed is published down and probed again; trouble with the primary asks for a probe of it now
     * (marking it down on one session's lost connection would fail every other session's writes until the probe).
     */
    private void reportTrouble(Node node, SQLException e) {
        topology.invalidate();
        TopologyMonitor monitor = topology.monitor();
        if (node.role() == ProbedRole.REPLICA) {
            topology.markDown(node, e.getMessage());
        } else if (monitor != null) {
            monitor.suspectPrimary(); // every node probed now: the primary's answer, or a promoted node's, decides
        }
    }

    /** Forgets a physical connection that was lost, with the transaction and pins it held. */
    private void drop(NodeSession session) {
        sessions.drop(session);
        transaction.lost(session);
        pins.lost(session.node()); // what pinned the session died with the connection
    }
}
