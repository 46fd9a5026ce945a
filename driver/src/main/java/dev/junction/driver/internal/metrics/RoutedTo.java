package dev.junction.driver.internal.metrics;

import java.util.Locale;

/**
 * Where a statement ran, as the route counters tell it apart: the primary, a replica, or the primary after no replica
 * qualified for a read that wanted one (a fallback, {@code staleReadFallback=primary} or the end of a wait).
 */
public enum RoutedTo {
    PRIMARY,
    REPLICA,
    FALLBACK;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** {@code primary}, {@code replica}, {@code fallback}: the JMX key prefix and the Micrometer {@code target} tag. */
    public String label() {
        return label;
    }
}
