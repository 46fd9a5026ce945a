package dev.junction.conflict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Anti-entropy for the rows of one table (or one bucket of it) as several masters hold them: per key, the winner of
 * every master's version under the table's policy, and the writes that bring each master to it. Pure: it reads maps
 * and returns a plan; {@code junction reconcile} reads the rows, applies the plan (or prints it for {@code --dry-run})
 * and records every decision in the conflict log. A plan applied leaves every master with the same rows, and planning
 * again then finds nothing to do.
 *
 * <p>{@code lww} tables: the winner is the version with the latest stamp ({@link LastWriterWins}), tombstones
 * included, so a deleted row stays deleted on every master. {@code counter} tables reconcile the same way: each
 * (key, origin) row is written only by its origin and its totals only grow, so its latest stamp holds the largest
 * totals. {@code version-vector} tables: every master's versions merge into their {@link Siblings}; a single version
 * is the winner, and concurrent ones are resolved by the application's {@link MergeFunction} into one version that
 * includes them all, or kept as siblings on every master when the application gave none.
 *
 * <p>A version older than the tombstone retention ({@link TombstoneHorizon#admits}) is never copied to a master that
 * lacks the key: that master may have purged a newer tombstone, and copying would resurrect the row. Such keys are
 * reported ({@link Plan#refused}), not repaired.
 *
 * @param <K> the row key, ordered (the plan lists keys in order)
 * @param <V> the application's values of a row
 */
public final class Reconciliation<K extends Comparable<K>, V> {
    /** Write {@code version} of {@code key} to {@code master}: it lacks it, or holds a losing version. */
    public record Repair<K, V>(String master, K key, RowVersion<V> version) {}

    /**
     * A key whose masters disagreed: what each held (absent masters missing from the map), and what won. Becomes one
     * row of the conflict log.
     */
    public record Decision<K, V>(
            K key, Map<String, RowVersion<V>> held, List<RowVersion<V>> winners, ConflictPolicy policy) {
        public Decision {
            held = Collections.unmodifiableMap(new TreeMap<>(held));
            winners = List.copyOf(winners);
        }

        /** Whether the key is left with concurrent versions for the application to merge (version vectors only). */
        public boolean unresolved() {
            return winners.size() > 1;
        }
    }

    /** What reconciling found and what to write. */
    public record Plan<K, V>(List<Repair<K, V>> repairs, List<Decision<K, V>> decisions, List<K> refused) {
        public Plan {
            repairs = List.copyOf(repairs);
            decisions = List.copyOf(decisions);
            refused = List.copyOf(refused);
        }

        /** Whether the masters already agree. */
        public boolean nothingToDo() {
            return repairs.isEmpty() && decisions.isEmpty() && refused.isEmpty();
        }
    }

    private final ConflictPolicy policy;
    private final MergeFunction<V> merge;
    private final String origin;
    private final LongSupplier clock;
    private final TombstoneHorizon horizon;

    private Reconciliation(
            ConflictPolicy policy,
            MergeFunction<V> merge,
            String origin,
            LongSupplier clock,
            TombstoneHorizon horizon) {
        this.policy = policy;
        this.merge = merge;
        this.origin = origin;
        this.clock = clock;
        this.horizon = horizon;
    }

    /**
     * Reconciliation of an {@code lww} or {@code counter} table.
     *
     * @param clock the reconciler's hybrid logical clock: "now" for the retention
     */
    public static <K extends Comparable<K>, V> Reconciliation<K, V> byStamp(
            ConflictPolicy policy, LongSupplier clock, TombstoneHorizon horizon) {
        if (policy == ConflictPolicy.VERSION_VECTOR) {
            throw new IllegalArgumentException("A version-vector table reconciles by its vectors: use byVector");
        }
        return new Reconciliation<>(policy, null, null, Objects.requireNonNull(clock), Objects.requireNonNull(horizon));
    }

    /**
     * Reconciliation of a {@code version-vector} table.
     *
     * @param merge the application's merge of concurrent versions; null keeps them as siblings on every master
     * @param origin the reconciler's origin, which writes merged versions
     * @param clock the reconciler's hybrid logical clock: stamps merged versions, and "now" for the retention
     */
    public static <K extends Comparable<K>, V> Reconciliation<K, V> byVector(
            MergeFunction<V> merge, String origin, LongSupplier clock, TombstoneHorizon horizon) {
        VersionVector.checkOrigin(origin);
        return new Reconciliation<>(
                ConflictPolicy.VERSION_VECTOR,
                merge,
                origin,
                Objects.requireNonNull(clock),
                Objects.requireNonNull(horizon));
    }

    /**
     * The plan for {@code masters}: per master, its versions by key (under {@code version-vector}, the siblings it
     * holds for a key as several entries are not possible here: pass its merged state through {@link #planSiblings}).
     */
    public Plan<K, V> plan(Map<String, ? extends Map<K, RowVersion<V>>> masters) {
        Map<String, Map<K, Siblings<V>>> states = new TreeMap<>();
        masters.forEach((master, rows) -> {
            Map<K, Siblings<V>> state = new TreeMap<>();
            rows.forEach((key, version) -> state.put(key, Siblings.of(version)));
            states.put(master, state);
        });
        return planSiblings(states);
    }

    /** {@link #plan} for masters whose keys may hold several sibling versions ({@code version-vector} tables). */
    public Plan<K, V> planSiblings(Map<String, ? extends Map<K, Siblings<V>>> masters) {
        SortedMap<String, ? extends Map<K, Siblings<V>>> sorted = new TreeMap<>(masters);
        TreeSet<K> keys = new TreeSet<>();
        sorted.values().forEach(rows -> keys.addAll(rows.keySet()));
        long now = clock.getAsLong();
        List<Repair<K, V>> repairs = new ArrayList<>();
        List<Decision<K, V>> decisions = new ArrayList<>();
        List<K> refused = new ArrayList<>();
        for (K key : keys) {
            Map<String, Siblings<V>> held = new TreeMap<>();
            sorted.forEach((master, rows) -> {
                Siblings<V> state = rows.get(key);
                if (state != null) {
                    held.put(master, state);
                }
            });
            List<RowVersion<V>> winners = winners(held.values());
            Siblings<V> target = Siblings.of(winners);
            boolean agree =
                    held.size() == sorted.size() && held.values().stream().allMatch(target::equals);
            if (agree) {
                continue;
            }
            if (held.size() < sorted.size() && winners.stream().anyMatch(w -> !horizon.admits(w.hlc(), now))) {
                refused.add(key); // a master lacks a row older than the retention: it may have purged its tombstone
                continue;
            }
            Map<String, RowVersion<V>> log = new TreeMap<>();
            held.forEach((master, state) ->
                    log.put(master, state.versions().get(state.versions().size() - 1)));
            decisions.add(new Decision<>(key, log, winners, policy));
            sorted.keySet().forEach(master -> {
                if (!target.equals(held.get(master))) {
                    winners.forEach(winner -> repairs.add(new Repair<>(master, key, winner)));
                }
            });
        }
        return new Plan<>(repairs, decisions, refused);
    }

    /** The versions every master must end with for one key. */
    private List<RowVersion<V>> winners(Iterable<Siblings<V>> held) {
        if (policy != ConflictPolicy.VERSION_VECTOR) {
            RowVersion<V> winner = null;
            for (Siblings<V> state : held) {
                for (RowVersion<V> version : state.versions()) {
                    winner = winner == null ? version : LastWriterWins.winner(winner, version);
                }
            }
            return List.of(winner);
        }
        Siblings<V> all = null;
        for (Siblings<V> state : held) {
            all = all == null ? state : all.merge(state);
        }
        if (all.inConflict() && merge != null) {
            return List.of(all.resolve(merge, origin, clock));
        }
        return all.versions();
    }
}
