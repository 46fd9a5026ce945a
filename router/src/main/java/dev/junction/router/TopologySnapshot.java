package dev.junction.router;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster as the monitor saw it at one instant: every node with its role and health. Immutable;
 * the monitor publishes a new snapshot after each probe round and routing reads whichever is
 * current, so a decision never sees half an update.
 *
 * <p>Nodes are kept sorted by {@link NodeId}, which makes replica choice deterministic.
 */
public final class TopologySnapshot {

    private final List<NodeState> nodes;
    private final List<NodeState> replicas;
    private final NodeState primary;
    private final List<NodeState> upReplicas;
    private final long maxUpReplicaBoundNanos;
    private final boolean anyNodeKnown;
    private final long takenAtNanos;

    private TopologySnapshot(List<NodeState> nodes, long takenAtNanos) {
        this.takenAtNanos = takenAtNanos;
        List<NodeState> sorted = new ArrayList<>(nodes);
        sorted.sort((a, b) -> a.id().compareTo(b.id()));
        Set<NodeId> seen = new HashSet<>();
        List<NodeState> primaries = new ArrayList<>(1);
        List<NodeState> r = new ArrayList<>();
        for (NodeState n : sorted) {
            if (!seen.add(n.id())) {
                throw new IllegalArgumentException("Node " + n.id() + " appears twice in a topology snapshot.");
            }
            if (n.role() == NodeRole.PRIMARY) {
                primaries.add(n);
            } else if (n.role() == NodeRole.REPLICA) {
                r.add(n);
            }
        }
        this.nodes = List.copyOf(sorted);
        this.replicas = List.copyOf(r);
        List<NodeState> up = new ArrayList<>(r.size());
        long maxBound = 0;
        for (NodeState replica : r) {
            if (replica.up()) {
                up.add(replica);
                maxBound = Math.max(
                        maxBound,
                        replica.stalenessBound() == null
                                ? Long.MAX_VALUE
                                : replica.stalenessBound().toNanos());
            }
        }
        this.upReplicas = List.copyOf(up);
        this.maxUpReplicaBoundNanos = maxBound;
        boolean known = false;
        for (NodeState n : sorted) {
            known |= n.up() && n.role() != NodeRole.UNKNOWN;
        }
        this.anyNodeKnown = known;
        // Two nodes claiming primary: neither is "the" primary; the driver refuses writes until one
        // steps down (design §7). Reads do not care.
        this.primary = primaries.size() == 1 ? primaries.get(0) : null;
    }

    /**
     * @param takenAtNanos when the probe round behind it started, on the monotonic ticker the routing policy reads
     *     ({@link System#nanoTime()} outside tests)
     */
    public static TopologySnapshot of(List<NodeState> nodes, long takenAtNanos) {
        return new TopologySnapshot(nodes, takenAtNanos);
    }

    /** Every node, sorted by id. */
    public List<NodeState> nodes() {
        return nodes;
    }

    /** Nodes whose role is {@link NodeRole#REPLICA}, up or down, sorted by id. */
    public List<NodeState> replicas() {
        return replicas;
    }

    /**
     * Replicas that are up, sorted by id: computed once per snapshot, since every replica read of every session
     * consults it until the monitor publishes the next one.
     */
    public List<NodeState> upReplicas() {
        return upReplicas;
    }

    /** The largest staleness bound among {@link #upReplicas()} in nanoseconds; {@code Long.MAX_VALUE} when one is unknown. */
    public long maxUpReplicaBoundNanos() {
        return maxUpReplicaBoundNanos;
    }

    /** Whether some node is up with a known role: the driver asks before every statement. */
    public boolean anyNodeKnown() {
        return anyNodeKnown;
    }

    /** The single node that claims to be primary, or {@code null} when none or several do. */
    public NodeState primary() {
        return primary;
    }

    /** When the probe round behind this snapshot started, on the routing policy's ticker. */
    public long takenAtNanos() {
        return takenAtNanos;
    }

    /** The state of a node, or {@code null} when it is not part of the snapshot. */
    public NodeState node(NodeId id) {
        for (NodeState n : nodes) {
            if (n.id().equals(id)) {
                return n;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "TopologySnapshot" + nodes + " at tick " + takenAtNanos;
    }
}
