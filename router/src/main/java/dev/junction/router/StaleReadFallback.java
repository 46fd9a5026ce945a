package dev.junction.router;

import java.util.Locale;

/**
 * What a read does when no replica qualifies ({@code staleReadFallback}: {@code primary}, {@code
 * wait}, {@code fail}).
 */
public enum StaleReadFallback {
    /** Run the read on the primary. */
    PRIMARY,
    /** Wait up to {@code replicaWaitTimeout} for a replica to catch up, then route again. */
    WAIT,
    /** Fail the statement with an error that names the lagging replicas. */
    FAIL;

    /** The value as written in properties. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a property value, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static StaleReadFallback fromPropertyValue(String value) {
        for (StaleReadFallback f : values()) {
            if (f.propertyValue().equalsIgnoreCase(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "Invalid stale read fallback \"" + value + "\": expected primary, wait or fail.");
    }
}
