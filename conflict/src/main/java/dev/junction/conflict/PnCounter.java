package dev.junction.conflict;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code counter} policy: a PN-counter, the CRDT that counts up and down on several masters at once. Each origin
 * keeps its own running totals of increments and decrements and only ever raises its own; the value is the sum of all
 * increments minus the sum of all decrements. Immutable. {@link #merge} takes per origin the larger totals (each only
 * grows, so the larger one includes the other), which is commutative, associative and idempotent: masters that
 * exchange counters in any order, any number of times, agree on the value, and no increment is lost or counted twice.
 *
 * <p>In a table, a counter is one row per (key, origin) holding that origin's two totals: a master only updates its
 * own origin's row, so replication never carries two writes of one row, and concurrent increments cannot conflict.
 */
public final class PnCounter {
    /** A counter nobody has changed: 0. */
    public static final PnCounter ZERO = new PnCounter(new TreeMap<>(), new TreeMap<>());

    private final TreeMap<String, Long> increments;
    private final TreeMap<String, Long> decrements;

    private PnCounter(TreeMap<String, Long> increments, TreeMap<String, Long> decrements) {
        this.increments = increments;
        this.decrements = decrements;
    }

    /** The counter after {@code origin} added {@code delta} (negative to subtract). */
    public PnCounter add(String origin, long delta) {
        VersionVector.checkOrigin(origin);
        TreeMap<String, Long> up = increments;
        TreeMap<String, Long> down = decrements;
        if (delta > 0) {
            up = new TreeMap<>(increments);
            up.merge(origin, delta, Math::addExact);
        } else if (delta < 0) {
            down = new TreeMap<>(decrements);
            down.merge(origin, Math.negateExact(delta), Math::addExact);
        }
        return new PnCounter(up, down);
    }

    /** One origin's totals, as its row holds them. */
    public static PnCounter ofOrigin(String origin, long increments, long decrements) {
        if (increments < 0 || decrements < 0) {
            throw new IllegalArgumentException(
                    "An origin's totals only grow from 0; " + origin + " has " + increments + " and " + decrements);
        }
        return ZERO.add(origin, increments).add(origin, -decrements);
    }

    /** Both counters' knowledge: per origin the larger totals. */
    public PnCounter merge(PnCounter other) {
        return new PnCounter(pointwiseMax(increments, other.increments), pointwiseMax(decrements, other.decrements));
    }

    private static TreeMap<String, Long> pointwiseMax(Map<String, Long> a, Map<String, Long> b) {
        TreeMap<String, Long> merged = new TreeMap<>(a);
        b.forEach((origin, total) -> merged.merge(origin, total, Math::max));
        return merged;
    }

    /** The counter's value: all increments minus all decrements. */
    public long value() {
        long value = 0;
        for (long total : increments.values()) {
            value = Math.addExact(value, total);
        }
        for (long total : decrements.values()) {
            value = Math.subtractExact(value, total);
        }
        return value;
    }

    /** Per origin, its total of increments. */
    public Map<String, Long> increments() {
        return Collections.unmodifiableMap(increments);
    }

    /** Per origin, its total of decrements (as a positive number). */
    public Map<String, Long> decrements() {
        return Collections.unmodifiableMap(decrements);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PnCounter counter
                && increments.equals(counter.increments)
                && decrements.equals(counter.decrements);
    }

    @Override
    public int hashCode() {
        return increments.hashCode() * 31 + decrements.hashCode();
    }

    @Override
    public String toString() {
        return "PnCounter[" + value() + " = +" + increments + " -" + decrements + "]";
    }
}
