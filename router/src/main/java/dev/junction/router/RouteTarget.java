package dev.junction.router;

/** Where a {@link RouteDecision} sends a statement. */
public enum RouteTarget {
    /** The primary. */
    PRIMARY,
    /** The replica named in {@link RouteDecision#node()}. */
    REPLICA,
    /** A replica was wanted but none qualifies; {@link RouteDecision#fallback()} says what to do. */
    NO_REPLICA
}
