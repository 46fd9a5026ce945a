package dev.junction.driver.internal.backend;

/** What a node said it was at its last probe. */
public enum ProbedRole {
    /** Accepts writes. */
    PRIMARY,
    /** Replays the primary and serves reads. */
    REPLICA,
    /** Did not answer its last probe. */
    DOWN;

    /** Lower-case, as {@code toString()} of nodes and messages print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
