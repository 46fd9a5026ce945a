package dev.junction.conflict;

/**
 * The {@code lww} policy: of two versions of a row, the one with the later stamp ({@link RowVersion#stampedAfter})
 * wins, a tombstone like any write. Since stamps are totally ordered, the winner of any set of versions is its
 * maximum: the same whatever order the versions meet in (commutative, associative) and however often (idempotent),
 * so every master converges on it. Causally later writes win because the hybrid logical clock stamps a write after
 * everything its writer had seen; concurrent writes lose silently to the later stamp, which is what last-writer-wins
 * means.
 */
public final class LastWriterWins {
    private LastWriterWins() {}

    /** The winner of {@code a} and {@code b}: the later stamp; {@code a} when both carry the same stamp. */
    public static <V> RowVersion<V> winner(RowVersion<V> a, RowVersion<V> b) {
        return b.compareStamps(a) > 0 ? b : a;
    }
}
