package dev.junction.cluster;

/** What a node of a local cluster reports itself to be when asked. */
public enum ServerRole {
    /** Accepts writes: PostgreSQL not in recovery; MariaDB with {@code read_only} off. */
    PRIMARY,
    /** Replays another node's changes and refuses writes. */
    REPLICA,
    /** Not answering (stopped, killed or hung). */
    UNREACHABLE
}
