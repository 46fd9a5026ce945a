package dev.junction.workloads;

import java.sql.SQLException;

/**
 * One transaction of a mix, its inputs already drawn: run again unchanged when it is retried, so that a retry is the
 * same unit of work (what an application's retry loop does with its request).
 */
public interface Operation {
    /** The transaction's kind, e.g. {@code read}, {@code NewOrder}. */
    String name();

    /** Whether the mix means it to only read: the transactions whose reads should be served by replicas. */
    boolean readOnly();

    /**
     * Runs the transaction's statements on {@code session}; the runner commits afterwards.
     *
     * @throws SQLException a serialization failure ({@code 40001}) makes the runner roll back and run it again
     * @throws LostRace the transaction saw that a concurrent one changed what it read (a guarded update touched no
     *     row): rolled back and run again, counted apart from {@code 40001}
     */
    void run(TransactionSession session) throws SQLException, LostRace;

    /** Called once the transaction has committed, for mixes that count what their invariants expect. */
    default void committed() {}

    /** A guarded write found the row changed since it was read: the application's own optimistic check failed. */
    final class LostRace extends Exception {
        private static final long serialVersionUID = 1L;

        public LostRace(String what) {
            super(what, null, false, false);
        }
    }
}
