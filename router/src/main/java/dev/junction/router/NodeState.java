package dev.junction.router;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One server as the monitor last saw it. Immutable.
 *
 * <p>{@link #stalenessBound()} is an upper bound on how far behind the primary a replica's data
 * may be at the instant of the probe ({@code null} when not known, which disqualifies the replica
 * for reads that have a lag budget); the routing policy adds the age of the snapshot to it.
 */
public final class NodeState {

    private final NodeId id;
    private final NodeRole role;
    private final boolean up;
    private final Duration stalenessBound;
    private final Duration roundTrip;

    private NodeState(NodeId id, NodeRole role, boolean up, Duration stalenessBound, Duration roundTrip) {
        this.id = Objects.requireNonNull(id, "id");
        this.role = Objects.requireNonNull(role, "role");
        this.up = up;
        if (stalenessBound != null && stalenessBound.isNegative()) {
            throw new IllegalArgumentException("Negative staleness bound " + stalenessBound + " for " + id);
        }
        this.stalenessBound = stalenessBound;
        this.roundTrip = roundTrip;
    }

    /**
     * @param stalenessBound {@code null} when unknown
     * @param roundTrip last probe round-trip time, {@code null} when unknown
     */
    public static NodeState of(NodeId id, NodeRole role, boolean up, Duration stalenessBound, Duration roundTrip) {
        return new NodeState(id, role, up, stalenessBound, roundTrip);
    }

    /** An up primary, for tests and single-node set-ups. */
    public static NodeState primary(NodeId id) {
        return new NodeState(id, NodeRole.PRIMARY, true, Duration.ZERO, null);
    }

    /** An up replica with the given staleness bound. */
    public static NodeState replica(NodeId id, Duration stalenessBound) {
        return new NodeState(id, NodeRole.REPLICA, true, stalenessBound, null);
    }

    public NodeId id() {
        return id;
    }

    public NodeRole role() {
        return role;
    }

    /** False once the node has failed a streak of probes. */
    public boolean up() {
        return up;
    }

    /** Upper bound of the replica's lag at probe time, {@code null} when unknown. */
    public Duration stalenessBound() {
        return stalenessBound;
    }

    /** Last probe round-trip time, {@code null} when unknown. */
    public Duration roundTrip() {
        return roundTrip;
    }

    public NodeState withUp(boolean up) {
        return new NodeState(id, role, up, stalenessBound, roundTrip);
    }

    public NodeState withStalenessBound(Duration bound) {
        return new NodeState(id, role, up, bound, roundTrip);
    }

    public NodeState withRoundTrip(Duration rtt) {
        return new NodeState(id, role, up, stalenessBound, rtt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeState n
                && id.equals(n.id)
                && role == n.role
                && up == n.up
                && Objects.equals(stalenessBound, n.stalenessBound)
                && Objects.equals(roundTrip, n.roundTrip);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, role, up, stalenessBound, roundTrip);
    }

    @Override
    public String toString() {
        return id
                + " "
                + role.name().toLowerCase(Locale.ROOT)
                + (up ? "" : " down")
                + (stalenessBound == null ? " staleness=?" : " staleness=" + stalenessBound.toMillis() + "ms")
                + (roundTrip == null ? "" : " rtt=" + roundTrip.toNanos() / 1000 + "us");
    }
}
