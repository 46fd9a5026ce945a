package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.NodeId;
import dev.junction.router.PinReason;
import dev.junction.router.SessionState;

/**
 * The logical connection's session as the router's {@code RoutingPolicy} reads it (design §2, rules 1 and 2): a live
 * view over the JDBC settings, the open transaction and the pins, read only when the policy asks. Nothing is copied
 * per statement, so handing the policy the whole session costs a few field reads.
 */
final class PolicySession implements SessionState {
    private final SessionSettings state;
    private final OpenTransaction transaction;
    private final SessionPins pins;
    private final boolean pinsOnSerializable;
    private boolean optimisticStart;

    /** @param pinsOnSerializable SERIALIZABLE keeps the session on the primary (PostgreSQL: standbys refuse it) */
    PolicySession(SessionSettings state, OpenTransaction transaction, SessionPins pins, boolean pinsOnSerializable) {
        this.state = state;
        this.transaction = transaction;
        this.pins = pins;
        this.pinsOnSerializable = pinsOnSerializable;
    }

    @Override
    public boolean autoCommit() {
        return state.autoCommit();
    }

    @Override
    public boolean readOnly() {
        return state.readOnly();
    }

    /** A physical connection holds a transaction: its first statement ran and it has not ended. */
    @Override
    public boolean inTransaction() {
        return transaction.session() != null;
    }

    @Override
    public NodeId transactionReplica() {
        NodeSession session = transaction.session();
        return session == null || !session.guarded() ? null : session.node().id();
    }

    @Override
    public PinReason pinReason() {
        return pins.pinnedNode() == null ? null : pins.policyReason();
    }

    @Override
    public NodeId pinnedReplica() {
        Node node = pins.pinnedNode();
        return node == null || node.role() == ProbedRole.PRIMARY ? null : node.id();
    }

    /** Set by the route step for the statement it routes: see {@link RouteStep}. */
    void optimisticStart(boolean value) {
        optimisticStart = value;
    }

    @Override
    public boolean optimisticStart() {
        return optimisticStart;
    }

    @Override
    public boolean serializableOnPostgres() {
        return pinsOnSerializable && state.isSerializable();
    }

    @Override
    public String toString() {
        return "PolicySession[autoCommit=" + autoCommit() + ", readOnly=" + readOnly() + ", transactionOn="
                + (inTransaction() ? transaction.session().node() : "none") + ", pinnedOn=" + pins.pinnedNode() + "]";
    }
}
