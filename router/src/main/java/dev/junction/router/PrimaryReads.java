package dev.junction.router;

import java.util.Locale;

/**
 * Whether an auto-commit read that a replica could serve may run on the primary instead ({@code primaryReads}), to use
 * the primary's spare capacity. Property values: {@code never}, {@code when-idle}, {@code weighted}.
 */
public enum PrimaryReads {
    /** Reads go to replicas; the primary takes one only when none qualifies ({@code staleReadFallback}). */
    NEVER,
    /**
     * The primary takes a read only when it has nothing in flight from this JVM while the replica the balancer chose
     * has: an overflow for the moments the replicas are all busy, never a second read queued behind another there.
     */
    WHEN_IDLE,
    /**
     * The primary is one more candidate, ranked like the replicas by {@code least-busy}'s rule: the fewest statements
     * in flight from this JVM (its writes included), then the shortest measured service time.
     */
    WEIGHTED;

    /** The value as written in properties, e.g. {@code when-idle}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a property value, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static PrimaryReads fromPropertyValue(String value) {
        for (PrimaryReads p : values()) {
            if (p.propertyValue().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "Invalid primaryReads \"" + value + "\": expected never, when-idle or weighted.");
    }
}
