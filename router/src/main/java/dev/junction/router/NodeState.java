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
    private final int inFlight;

    private NodeState(NodeId id, NodeRole role, boolean up, Duration stalenessBound, Duration roundTrip, int inFlight) {
        this.id = Objects.requireNonNull(id, "id");
        this.role = Objects.requireNonNull(role, "role");
        this.up = up;
        if (stalenessBound != null && stalenessBound.isNegative()) {
            throw new IllegalArgumentException("Negative staleness bound " + stalenessBound + " for " + id);
        }
        this.stalenessBound = stalenessBound;
        this.roundTrip = roundTrip;
        if (inFlight < 0) {
            throw new IllegalArgumentException("Negative in-flight count " + inFlight + " for " + id);
        }
        this.inFlight = inFlight;
    }

    /**
     * @param stalenessBound {@code null} when unknown
     * @param roundTrip last probe round-trip time, {@code null} when unknown
     * @param inFlight statements this JVM is currently running on the node
     */
    public static NodeState of(
            NodeId id, NodeRole role, boolean up, Duration stalenessBound, Duration roundTrip, int inFlight) {
        return new NodeState(id, role, up, stalenessBound, roundTrip, inFlight);
    }

    /** An up primary, for tests and single-node set-ups. */
    public static NodeState primary(NodeId id) {
        return new NodeState(id, NodeRole.PRIMARY, true, Duration.ZERO, null, 0);
    }

    /** An up replica with the given staleness bound. */
    public static NodeState replica(NodeId id, Duration stalenessBound) {
        return new NodeState(id, NodeRole.REPLICA, true, stalenessBound, null, 0);
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

    /** Statements this JVM currently runs on the node. */
    public int inFlight() {
        return inFlight;
    }

    public NodeState withUp(boolean up) {
        return new NodeState(id, role, up, stalenessBound, roundTrip, inFlight);
    }

    public NodeState withStalenessBound(Duration bound) {
        return new NodeState(id, role, up, bound, roundTrip, inFlight);
    }

    public NodeState withRoundTrip(Duration rtt) {
        return new NodeState(id, role, up, stalenessBound, rtt, inFlight);
    }

    public NodeState withInFlight(int count) {
        return new NodeState(id, role, up, stalenessBound, roundTrip, count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeState n
                && id.equals(n.id)
                && role == n.role
                && up == n.up
                && Objects.equals(stalenessBound, n.stalenessBound)
                && Objects.equals(roundTrip, n.roundTrip)
                && inFlight == n.inFlight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, role, up, stalenessBound, roundTrip, inFlight);
    }

    @Override
    public String toString() {
        return id
                + " "
                + role.name().toLowerCase(Locale.ROOT)
                + (up ? "" : " down")
                + (stalenessBound == null ? " staleness=?" : " staleness=" + stalenessBound.toMillis() + "ms")
                + (roundTrip == null ? "" : " rtt=" + roundTrip.toNanos() / 1000 + "us")
                + (inFlight == 0 ? "" : " inFlight=" + inFlight);
    }
}
