package dev.junction.conflict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The state of a row under the {@code version-vector} policy: its versions that no other version includes, usually
 * one; several when masters wrote it concurrently. Immutable. {@link #merge} is the union of two states without the
 * versions another one includes (a join: commutative, associative, idempotent), so masters that exchange states in any
 * order end with the same siblings, and a concurrent write is never dropped: it stays a sibling (in the driver, a row
 * of the table's side table) until {@link #resolve} merges it with the application's {@link MergeFunction} into a
 * version that includes them all.
 *
 * @param <V> the application's values of the row
 */
public final class Siblings<V> {
    private static final Comparator<RowVersion<?>> BY_STAMP = RowVersion::compareStamps;

    /** Sorted by stamp; no version includes another. */
    private final List<RowVersion<V>> versions;

    private Siblings(List<RowVersion<V>> versions) {
        this.versions = versions;
    }

    /** The state of a row known in one version. */
    public static <V> Siblings<V> of(RowVersion<V> version) {
        return new Siblings<>(List.of(version));
    }

    /** The state holding {@code versions} without those another one includes. */
    public static <V> Siblings<V> of(List<RowVersion<V>> versions) {
        List<RowVersion<V>> kept = new ArrayList<>();
        for (RowVersion<V> candidate : versions) {
            add(kept, candidate);
        }
        kept.sort(BY_STAMP);
        return new Siblings<>(Collections.unmodifiableList(kept));
    }

    private static <V> void add(List<RowVersion<V>> kept, RowVersion<V> candidate) {
        for (int i = 0; i < kept.size(); i++) {
            RowVersion<V> present = kept.get(i);
            switch (candidate.vector().compare(present.vector())) {
                case DOMINATED:
                    return;
                case EQUAL:
                    // one write seen twice; if two versions ever carry one vector, the later stamp is kept everywhere
                    if (candidate.compareStamps(present) > 0) {
                        kept.set(i, candidate);
                    }
                    return;
                case DOMINATES:
                    kept.remove(i);
                    i--;
                    break;
                default:
                    break;
            }
        }
        kept.add(candidate);
    }

    /** Both states together: every version of either that no version of either includes. */
    public Siblings<V> merge(Siblings<V> other) {
        List<RowVersion<V>> all = new ArrayList<>(versions);
        all.addAll(other.versions);
        return of(all);
    }

    /** The versions, sorted by stamp. */
    public List<RowVersion<V>> versions() {
        return versions;
    }

    /** Whether the row has concurrent versions waiting for the application's merge. */
    public boolean inConflict() {
        return versions.size() > 1;
    }

    /**
     * One version that includes every sibling: the only one when there is no conflict; otherwise the application's
     * merge of them, written by {@code origin} at {@code clock}'s next timestamp, its vector the siblings' merged and
     * incremented at {@code origin}.
     */
    public RowVersion<V> resolve(MergeFunction<V> merge, String origin, LongSupplier clock) {
        if (!inConflict()) {
            return versions.get(0);
        }
        VersionVector vector = VersionVector.EMPTY;
        for (RowVersion<V> version : versions) {
            vector = vector.merge(version.vector());
        }
        V merged = merge.merge(versions);
        return new RowVersion<>(merged, clock.getAsLong(), origin, vector.increment(origin), merged == null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Siblings<?> siblings && versions.equals(siblings.versions);
    }

    @Override
    public int hashCode() {
        return versions.hashCode();
    }

    @Override
    public String toString() {
        return "Siblings" + versions;
    }
}
