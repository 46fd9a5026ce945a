package dev.junction.conflict;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A version vector: per origin (a master's id), how many writes of a row it has made that this version includes.
 * Immutable. Two versions are ordered when one includes everything the other does ({@link #compare}); otherwise they
 * are concurrent, written without either seeing the other, and neither may silently replace the other.
 *
 * <p>Stored in a row's {@code _vv} column as text, origins sorted: {@code a:3,b:5} ({@link #format}, {@link #parse}).
 * Origins are non-empty and contain no {@code ':'}, {@code ','} or whitespace; counters are positive (an origin with 0
 * is simply absent, so each vector has one form).
 */
public final class VersionVector {
    /** The vector of a row no one has written. */
    public static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

    /** How two versions relate. */
    public enum Order {
        /** Both include exactly the same writes. */
        EQUAL,
        /** This one includes every write of the other, and more: it supersedes it. */
        DOMINATES,
        /** The other includes every write of this one, and more. */
        DOMINATED,
        /** Each includes a write the other does not. */
        CONCURRENT
    }

    private final TreeMap<String, Long> counters;

    private VersionVector(TreeMap<String, Long> counters) {
        this.counters = counters;
    }

    /** A vector with these counters; zero counters are dropped. */
    public static VersionVector of(Map<String, Long> counters) {
        TreeMap<String, Long> copy = new TreeMap<>();
        counters.forEach((origin, counter) -> {
            checkOrigin(origin);
            if (counter == null || counter < 0) {
                throw new IllegalArgumentException(
                        "A version vector's counter is a count of writes, not " + counter + " (origin " + origin + ")");
            }
            if (counter > 0) {
                copy.put(origin, counter);
            }
        });
        return new VersionVector(copy);
    }

    /** The version after one more write at {@code origin}. */
    public VersionVector increment(String origin) {
        checkOrigin(origin);
        TreeMap<String, Long> next = new TreeMap<>(counters);
        next.merge(origin, 1L, Math::addExact);
        return new VersionVector(next);
    }

    /** The least version that includes both: per origin the larger counter. */
    public VersionVector merge(VersionVector other) {
        TreeMap<String, Long> merged = new TreeMap<>(counters);
        other.counters.forEach((origin, counter) -> merged.merge(origin, counter, Math::max));
        return new VersionVector(merged);
    }

    /** How this version relates to {@code other}. */
    public Order compare(VersionVector other) {
        boolean thisAhead = aheadSomewhere(this, other);
        boolean otherAhead = aheadSomewhere(other, this);
        if (thisAhead && otherAhead) {
            return Order.CONCURRENT;
        }
        if (thisAhead) {
            return Order.DOMINATES;
        }
        return otherAhead ? Order.DOMINATED : Order.EQUAL;
    }

    private static boolean aheadSomewhere(VersionVector a, VersionVector b) {
        for (Map.Entry<String, Long> entry : a.counters.entrySet()) {
            if (entry.getValue() > b.counter(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** The count of {@code origin}'s writes this version includes. */
    public long counter(String origin) {
        return counters.getOrDefault(origin, 0L);
    }

    /** The counters, origins sorted. */
    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(counters);
    }

    /** The text stored in {@code _vv}: {@code a:3,b:5}, origins sorted; empty for {@link #EMPTY}. */
    public String format() {
        StringBuilder text = new StringBuilder();
        counters.forEach((origin, counter) -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(origin).append(':').append(counter);
        });
        return text.toString();
    }

    /** Reads {@link #format}'s text; a malformed one is refused with what was wrong. */
    public static VersionVector parse(String text) {
        Objects.requireNonNull(text, "text");
        TreeMap<String, Long> counters = new TreeMap<>();
        if (text.isEmpty()) {
            return EMPTY;
        }
        for (String entry : text.split(",", -1)) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw malformed(text, "entry \"" + entry + "\" is not origin:count");
            }
            String origin = entry.substring(0, colon);
            long counter;
            try {
                counter = Long.parseLong(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw malformed(text, "the count of \"" + entry + "\" is not a number");
            }
            if (counter <= 0) {
                throw malformed(text, "the count of \"" + entry + "\" is not positive");
            }
            try {
                checkOrigin(origin);
            } catch (IllegalArgumentException e) {
                throw malformed(text, e.getMessage());
            }
            if (counters.put(origin, counter) != null) {
                throw malformed(text, "origin \"" + origin + "\" appears twice");
            }
        }
        return new VersionVector(counters);
    }

    private static IllegalArgumentException malformed(String text, String why) {
        return new IllegalArgumentException("Malformed version vector \"" + text + "\": " + why
                + "; expected origin:count pairs separated by commas, such as a:3,b:5");
    }

    static void checkOrigin(String origin) {
        if (origin == null
                || origin.isEmpty()
                || origin.chars().anyMatch(c -> c == ':' || c == ',' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException(
                    "An origin is a non-empty name without ':', ',' or whitespace, not \"" + origin + "\"");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionVector vector && counters.equals(vector.counters);
    }

    @Override
    public int hashCode() {
        return counters.hashCode();
    }

    @Override
    public String toString() {
        return "[" + format() + "]";
    }
}
