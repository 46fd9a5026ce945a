package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncMode;

/**
 * How many replicas must confirm one commit: at least {@code atLeast}, and every replica that is up when
 * {@code everyUp}. The requirements of several sources (the data source, the tables written, the transaction's own
 * choice) combine into the strongest of them ({@link #and}): {@code sync} with {@code quorum:3} needs every replica
 * that is up and at least three.
 *
 * <p>{@code sync} needs at least one replica even when none is up: "every replica that is up" of no replica would
 * acknowledge a commit that exists on the primary alone as synchronously replicated, which is what {@code sync} is
 * chosen to rule out.
 *
 * @param atLeast  the least number of replicas that must confirm; 0 for none
 * @param everyUp  whether every replica that is up must confirm as well
 */
public record SyncRequirement(int atLeast, boolean everyUp) {
    /** {@code async}: nothing to wait for. */
    public static final SyncRequirement NONE = new SyncRequirement(0, false);

    public SyncRequirement {
        if (atLeast < 0) {
            throw new IllegalArgumentException("atLeast must not be negative, was " + atLeast);
        }
    }

    /**
     * What {@code mode} asks of a commit in a cluster whose URL names {@code nodes} nodes (one primary, the rest
     * replicas): only {@code majority} depends on them.
     */
    public static SyncRequirement of(SyncMode mode, int nodes) {
        switch (mode.kind()) {
            case ASYNC:
                return NONE;
            case SEMI_SYNC:
                return new SyncRequirement(1, false);
            case SYNC:
                return new SyncRequirement(1, true);
            case MAJORITY:
                return new SyncRequirement(majorityReplicas(nodes), false);
            default:
                return new SyncRequirement(mode.quorum(), false);
        }
    }

    /**
     * The replicas that, with the primary, make more than half of {@code nodes}: 1 of 2 or 3 nodes, 2 of 4 or 5. At
     * least 1: a majority of a single node would be the primary alone, which is {@code async} under another name (a
     * URL naming one node is refused for it at connect, as any mode that needs more replicas than the URL names).
     */
    static int majorityReplicas(int nodes) {
        return Math.max(1, nodes / 2);
    }

    /** The strongest of this requirement and {@code other}: a commit that meets it meets both. */
    public SyncRequirement and(SyncRequirement other) {
        if (other == NONE || other.equals(this)) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        return new SyncRequirement(Math.max(atLeast, other.atLeast), everyUp || other.everyUp);
    }

    /** Whether a commit waits at all. */
    public boolean waits() {
        return atLeast > 0;
    }

    /** How many replicas must confirm when {@code up} replicas are up. */
    public int required(int up) {
        return everyUp ? Math.max(atLeast, up) : atLeast;
    }

    /** The metric label of the rule: {@code semi-sync}, {@code sync} or {@code quorum}. */
    public String label() {
        if (everyUp) {
            return "sync";
        }
        return atLeast == 1 ? "semi-sync" : "quorum";
    }

    /** As a {@code syncMode} value would say it: {@code sync}, {@code quorum:2}, {@code sync and quorum:3}. */
    @Override
    public String toString() {
        if (!waits()) {
            return "async";
        }
        if (everyUp) {
            return atLeast <= 1 ? "sync" : "sync and quorum:" + atLeast;
        }
        return atLeast == 1 ? "semi-sync" : "quorum:" + atLeast;
    }
}
