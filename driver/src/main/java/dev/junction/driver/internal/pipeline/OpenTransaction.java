package dev.junction.driver.internal.pipeline;

/**
 * The logical connection's open transaction, as the server sees it: the physical connection that holds it (every
 * statement of a transaction runs there), and whether SQL text opened it ({@code BEGIN}, {@code START TRANSACTION},
 * {@code XA START}) while JDBC auto-commit is on, in which case SQL text or the server ({@code COMMIT}, an implicit
 * commit) also ends it. With JDBC auto-commit off the transaction is open from the first statement, on the node that
 * statement took, until {@code commit()} or {@code rollback()}.
 */
public final class OpenTransaction {
    private NodeSession session;
    private boolean openedInSql;

    /** The physical connection holding the transaction, or null when none holds one yet. */
    public NodeSession session() {
        return session;
    }

    /** Whether SQL text opened the transaction while JDBC auto-commit is on. */
    boolean openedInSql() {
        return openedInSql;
    }

    /** Whether a statement run now belongs to a transaction: one is open, or auto-commit is off. */
    boolean active(boolean autoCommit) {
        return openedInSql || !autoCommit || session != null;
    }

    /** Whether any transaction is open on a node. */
    boolean open() {
        return openedInSql || session != null;
    }

    /** The first statement of a transaction ran on {@code where}: the rest follow it. */
    void heldBy(NodeSession where) {
        if (session == null) {
            session = where;
        }
    }

    /** {@code BEGIN} (or {@code XA START}) ran on {@code where} with auto-commit on. */
    void begunInSql(NodeSession where) {
        openedInSql = true;
        session = where;
    }

    /** The transaction is over: committed, rolled back, or lost with its connection. */
    public void end() {
        session = null;
        openedInSql = false;
    }

    /** Ends the transaction if {@code lost} held it. */
    void lost(NodeSession lost) {
        if (session == lost) {
            end();
        }
    }
}
