package dev.junction.router;

/** What a server reported about itself at the last probe. */
public enum NodeRole {
    /** Accepts writes. */
    PRIMARY,
    /** Replays the primary's changes; read-only. */
    REPLICA,
    /** Not probed yet, or the probe could not tell. Never routed to. */
    UNKNOWN
}
