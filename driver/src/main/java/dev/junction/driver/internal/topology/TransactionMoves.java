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

    /** What has happened so far. */
    public Snapshot snapshot() {
        return new Snapshot(started.sum(), moved.sum(), replayed.sum(), moveNanos.sum(), conflicts.sum());
    }

    /**
     * @param started transactions begun on a replica
     * @param moved of those, moved to the primary
     * @param replayedStatements statements run again on the primary by the moves
     * @param moveNanos time the moves took, rollback on the replica and replay included
     * @param conflicts moves that ended in a serialization failure ({@code 40001})
     */
    public record Snapshot(long started, long moved, long replayedStatements, long moveNanos, long conflicts) {}
}
