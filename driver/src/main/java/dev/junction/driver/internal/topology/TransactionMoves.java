package dev.junction.driver.internal.topology;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of optimistic transactions for one cluster (and set of credentials): how many started on a replica, how many
 * moved to the primary, what the moves replayed and cost, and how many ended in a serialization failure because a
 * replayed read differed. Read by status output and metrics; thread-safe.
 */
public final class TransactionMoves {
    private final LongAdder started = new LongAdder();
    private final LongAdder moved = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder moveNanos = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder failoverReplays = new LongAdder();
    private final LongAdder failoverReplaysRefused = new LongAdder();

    public void started() {
        started.increment();
    }

    public void moved(int statements, long nanos) {
        moved.increment();
        replayed.add(statements);
        moveNanos.add(nanos);
    }

    public void conflict() {
        conflicts.increment();
    }

    /** {@code transactionReplay=on}: a transaction whose primary was lost went on on a new one. */
    public void replayed(int statements, long nanos) {
        failoverReplays.increment();
    }

    /** {@code transactionReplay=on}: a transaction whose primary was lost could not be replayed ({@code 08S02}). */
    public void replayRefused() {
        failoverReplaysRefused.increment();
    }

    /** Transactions replayed on a new primary after theirs was lost. */
    public long failoverReplays() {
        return failoverReplays.sum();
    }

    /** Transactions that could not be replayed after their primary was lost. */
    public long failoverReplaysRefused() {
        return failoverReplaysRefused.sum();
    }

    /** What has happened so far. */
    public Snapshot snapshot() {
        return new Snapshot(
                started.sum(),
                moved.sum(),
                replayed.sum(),
                moveNanos.sum(),
                conflicts.sum(),
                failoverReplays.sum(),
                failoverReplaysRefused.sum());
    }

    /**
     * @param started transactions begun on a replica
     * @param moved of those, moved to the primary
     * @param replayedStatements statements run again on the primary by the moves
     * @param moveNanos time the moves took, rollback on the replica and replay included
     * @param conflicts moves that ended in a serialization failure ({@code 40001})
     * @param failoverReplays transactions replayed on a new primary after theirs was lost ({@code transactionReplay})
     * @param failoverReplaysRefused transactions that could not be ({@code 08S02})
     */
    public record Snapshot(
            long started,
            long moved,
            long replayedStatements,
            long moveNanos,
            long conflicts,
            long failoverReplays,
            long failoverReplaysRefused) {}
}
