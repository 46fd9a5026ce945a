package dev.junction.driver.internal.pipeline;

import dev.junction.router.TransactionShapes;

/**
 * The logical connection's open transaction, as the server sees it: the physical connection that holds it (every
 * statement of a transaction runs there), and whether SQL text opened it ({@code BEGIN}, {@code START TRANSACTION},
 * {@code XA START}) while JDBC auto-commit is on, in which case SQL text or the server ({@code COMMIT}, an implicit
 * commit) also ends it. With JDBC auto-commit off the transaction is open from the first statement, on the node that
 * statement took, until {@code commit()} or {@code rollback()}.
 *
 * <p>A transaction that is not read-only may start on a replica ({@code transactionRouting}): it is optimistic while
 * it runs there, with a journal of what it ran for the move to the primary ({@link TransactionMove}). For {@code
 * learned} routing it also records its shape (the text of its first statement, and its call site when the shape is
 * mixed) and whether it wrote, which it reports
 * to the cluster's {@link TransactionShapes} when it ends.
 */
public final class OpenTransaction {
    private final TransactionShapes shapes;
    private NodeSession session;
    private boolean openedInSql;
    /** Non-null while the transaction runs optimistically on a replica. */
    private OptimisticJournal journal;
    /** {@code transactionReplay=on}: what a transaction on the primary ran, for its replay if the primary is lost. */
    private final boolean replays;

    private OptimisticJournal replayLog;
    /** The text of the transaction's first statement, when shapes are learnt; null before it ran. */
    private String shape;
    /** The call site the transaction's shape is learnt under, as {@link TransactionShapes#start} returned it. */
    private long callSite;
    /** The call site of the statement about to start a transaction: the transaction's once that statement ran. */
    private long startingCallSite;

    private boolean wrote;
    /** The last transaction ended in a conflict moving to the primary: the next one, its retry, starts there. */
    private boolean retryOnPrimary;

    /** @param shapes where {@code learned} routing keeps what transactions of each shape did; null for none */
    public OpenTransaction(TransactionShapes shapes) {
        this(shapes, false);
    }

    /** @param replays whether transactions on the primary keep a log of what they ran ({@code transactionReplay=on}) */
    public OpenTransaction(TransactionShapes shapes, boolean replays) {
        this.shapes = shapes;
        this.replays = replays;
    }

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
            if (replays && journal == null && !openedInSql && !where.guarded()) {
                replayLog = new OptimisticJournal();
            }
        }
    }

    /**
     * What the transaction ran on the primary, for {@code transactionReplay}; null when it keeps none (replay off, a
     * transaction opened in SQL, one still optimistic on a replica).
     */
    OptimisticJournal replayLog() {
        return replayLog;
    }

    /** The transaction was replayed on {@code primary} after its node was lost: it continues there, still logged. */
    void replayedOn(NodeSession primary, OptimisticJournal log) {
        session = primary;
        replayLog = log;
    }

    /** {@code BEGIN} (or {@code XA START}) ran on {@code where} with auto-commit on. */
    void begunInSql(NodeSession where) {
        openedInSql = true;
        session = where;
    }

    /** Whether the transaction runs optimistically on a replica and would move to the primary. */
    boolean optimistic() {
        return journal != null;
    }

    /** What the optimistic transaction ran on its replica; null when it is not optimistic. */
    OptimisticJournal journal() {
        return journal;
    }

    /** The transaction's first statement ran on a replica although the transaction may write. */
    void startOptimistic() {
        journal = new OptimisticJournal();
    }

    /** The transaction moved to {@code primary}: it continues there like any transaction that wrote. */
    void movedTo(NodeSession primary) {
        session = primary;
        if (replays) {
            replayLog = journal; // what it ran is what the primary now ran: the log goes on
        }
        journal = null;
        wrote = true;
    }

    /**
     * A statement of the transaction ran: the first gives the transaction its shape; any that a replica transaction
     * could not hold (a write, a lock, a side effect) makes it one that wrote. Only when shapes are learnt.
     */
    void observe(String text, boolean needsPrimary) {
        if (shapes == null) {
            return;
        }
        if (shape == null) {
            shape = text;
            callSite = startingCallSite;
        }
        wrote |= needsPrimary;
    }

    /**
     * The statement about to run would start the transaction from {@code callSite} ({@link
     * TransactionShapes#UNKNOWN_CALL_SITE} when its shape alone decided where).
     */
    void startingFrom(long callSite) {
        startingCallSite = callSite;
    }

    /**
     * The transaction ended in a conflict when it moved to the primary: the application's retry starts on the
     * primary, since on the replica, still behind, it would read the same rows and conflict again.
     */
    void endInConflict() {
        end();
        retryOnPrimary = true;
    }

    /** Whether the transaction about to begin is the retry of one that conflicted moving to the primary. */
    boolean retryingOnPrimary() {
        return retryOnPrimary;
    }

    /** The transaction is over: committed, rolled back, or lost with its connection. */
    public void end() {
        retryOnPrimary = false;
        if (shape != null) {
            shapes.ended(shape, callSite, wrote);
        }
        session = null;
        openedInSql = false;
        journal = null;
        replayLog = null;
        shape = null;
        callSite = TransactionShapes.UNKNOWN_CALL_SITE;
        startingCallSite = TransactionShapes.UNKNOWN_CALL_SITE;
        wrote = false;
    }

    /** Ends the transaction if {@code lost} held it. */
    void lost(NodeSession lost) {
        if (session == lost) {
            shape = null; // cut short: it tells nothing about what transactions of its shape do
            end();
        }
    }
}
