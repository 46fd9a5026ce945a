package dev.junction.conflict;

import java.util.Objects;

/**
 * One master's version of a row of an opted-in table, as its stamping columns describe it: the application's values,
 * the hybrid logical timestamp and origin of the write that made it ({@code _hlc}, {@code _origin}), its version vector
 * ({@code _vv}, empty under last-writer-wins) and whether it is a tombstone ({@code _deleted}: the row was deleted, and
 * the tombstone keeps the deletion's stamp so that no older write brings it back).
 *
 * @param <V> the application's values of the row; ignored (may be null) for a tombstone
 */
public record RowVersion<V>(V value, long hlc, String origin, VersionVector vector, boolean deleted) {
    public RowVersion {
        HlcTimestamp.check(hlc);
        VersionVector.checkOrigin(origin);
        Objects.requireNonNull(vector, "vector");
    }

    /** A live row written at {@code hlc} by {@code origin}, without a version vector. */
    public static <V> RowVersion<V> written(V value, long hlc, String origin) {
        return new RowVersion<>(value, hlc, origin, VersionVector.EMPTY, false);
    }

    /** A tombstone: the row deleted at {@code hlc} by {@code origin}. */
    public static <V> RowVersion<V> tombstone(long hlc, String origin) {
        return new RowVersion<>(null, hlc, origin, VersionVector.EMPTY, true);
    }

    /**
     * Whether this version's stamp is later than {@code other}'s: by timestamp, then origin (so that two masters'
     * writes in one tick still have one winner everywhere), then a tombstone over a live row (one origin's clock
     * never issues a timestamp twice, so this last rule matters only for hand-made rows).
     */
    public boolean stampedAfter(RowVersion<?> other) {
        return compareStamps(other) > 0;
    }

    int compareStamps(RowVersion<?> other) {
        int byTime = Long.compare(hlc, other.hlc);
        if (byTime != 0) {
            return byTime;
        }
        int byOrigin = origin.compareTo(other.origin);
        return byOrigin != 0 ? byOrigin : Boolean.compare(deleted, other.deleted);
    }
}
