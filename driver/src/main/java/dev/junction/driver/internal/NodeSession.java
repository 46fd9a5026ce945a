package dev.junction.driver.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One physical connection of a logical connection, to one node, with what of the session state it has applied.
 * Opened on first use and kept until the logical connection closes (or the node fails).
 *
 * <p>{@link #sync} brings it to the logical state with as few round trips as possible: only what differs is set.
 * Replay happens with auto-commit on, so that a replayed {@code SET} never opens a transaction of its own on a node
 * that is not the transaction's (PgJDBC would send {@code BEGIN} first); auto-commit is set last.
 */
final class NodeSession {
    private final Node node;
    private final Connection physical;
    private boolean appliedAutoCommit = true;
    private boolean appliedReadOnly;
    private Integer appliedIsolation;
    private long appliedSequence;
    private boolean closed;

    NodeSession(Node node, Connection physical) {
        this.node = node;
        this.physical = physical;
    }

    Node node() {
        return node;
    }

    Connection physical() {
        return physical;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Applies whatever of {@code state} this physical connection does not have yet.
     *
     * @param inTransaction whether this connection holds the session's open transaction: then changes join it
     *                      rather than toggle auto-commit, which would commit it
     */
    void sync(SessionState state, boolean inTransaction) throws SQLException {
        boolean pendingLog = state.sequence() > appliedSequence;
        boolean pendingIsolation = state.isolation() != null && !state.isolation().equals(appliedIsolation);
        boolean pendingReadOnly = state.readOnly() != appliedReadOnly;
        if ((pendingLog || pendingIsolation || pendingReadOnly) && !appliedAutoCommit && !inTransaction) {
            physical.setAutoCommit(true);
            appliedAutoCommit = true;
        }
        if (pendingReadOnly) {
            physical.setReadOnly(state.readOnly());
            appliedReadOnly = state.readOnly();
        }
        if (pendingIsolation) {
            physical.setTransactionIsolation(state.isolation());
            appliedIsolation = state.isolation();
        }
        if (pendingLog) {
            for (SessionChange change : state.changesAfter(appliedSequence)) {
                change.action().apply(physical);
                appliedSequence = change.sequence();
            }
            appliedSequence = state.sequence();
        }
        if (state.autoCommit() != appliedAutoCommit && !(inTransaction && !appliedAutoCommit)) {
            physical.setAutoCommit(state.autoCommit());
            appliedAutoCommit = state.autoCommit();
        }
    }

    /** Records that {@code sequence} was applied by running the statement itself here. */
    void applied(long sequence) {
        appliedSequence = Math.max(appliedSequence, sequence);
    }

    /** Records that the physical connection's auto-commit changed outside {@link #sync} (commit via setAutoCommit). */
    void appliedAutoCommit(boolean value) {
        appliedAutoCommit = value;
    }

    void close() {
        if (!closed) {
            closed = true;
            try {
                physical.close();
            } catch (SQLException e) {
                // closing a broken connection fails; nothing is left to release
            }
        }
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
