package dev.junction.router;

import java.util.Locale;

/**
 * How a replica is chosen among those that qualify ({@code loadBalance}). Property values are the
 * names in lower case with dashes: {@code round-robin}, {@code random}, {@code least-lag}, {@code
 * least-busy}, {@code fastest}.
 */
public enum LoadBalance {
    /** Each qualifying replica in turn. */
    ROUND_ROBIN,
    /** Uniformly at random. */
    RANDOM,
    /** The smallest staleness bound. */
    LEAST_LAG,
    /** The fewest statements in flight from this JVM, then the shortest measured service time. */
    LEAST_BUSY,
    /** The smallest probe round-trip time. */
    FASTEST;

    /** The value as written in properties, e.g. {@code least-lag}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a property value, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static LoadBalance fromPropertyValue(String value) {
        for (LoadBalance b : values()) {
            if (b.propertyValue().equalsIgnoreCase(value)) {
                return b;
            }
        }
        throw new IllegalArgumentException("Invalid load balance \""
                + value
                + "\": expected round-robin, random, least-lag, least-busy or fastest.");
    }
}
