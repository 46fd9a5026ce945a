package dev.junction.router;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
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
  private final Instant takenAt;

  private TopologySnapshot(List<NodeState> nodes, Instant takenAt) {
    this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
    List<NodeState> sorted = new ArrayList<>(nodes);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    Set<NodeId> seen = new HashSet<>();
    NodeState p = null;
    List<NodeState> r = new ArrayList<>();
    for (NodeState n : sorted) {
      if (!seen.add(n.id())) {
        throw new IllegalArgumentException("Node " + n.id() + " appears twice in a topology snapshot.");
      }
      if (n.role() == NodeRole.PRIMARY) {
        // Two nodes claiming primary: keep neither as "the" primary; the driver refuses writes
        // until one steps down (design §7), and reads do not care.
        p = p == null ? n : null;
      } else if (n.role() == NodeRole.REPLICA) {
        r.add(n);
      }
    }
    this.nodes = List.copyOf(sorted);
    this.replicas = List.copyOf(r);
    this.primary = countPrimaries(sorted) == 1 ? p : null;
  }

  private static int countPrimaries(List<NodeState> nodes) {
    int c = 0;
    for (NodeState n : nodes) {
      if (n.role() == NodeRole.PRIMARY) {
        c++;
      }
    }
    return c;
  }

  public static TopologySnapshot of(List<NodeState> nodes, Instant takenAt) {
    return new TopologySnapshot(nodes, takenAt);
  }

  /** Every node, sorted by id. */
  public List<NodeState> nodes() {
    return nodes;
  }

  /** Nodes whose role is {@link NodeRole#REPLICA}, up or down, sorted by id. */
  public List<NodeState> replicas() {
    return replicas;
  }

  /** The single node that claims to be primary, or {@code null} when none or several do. */
  public NodeState primary() {
    return primary;
  }

  /** When the probe round behind this snapshot started. */
  public Instant takenAt() {
    return takenAt;
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
    return "TopologySnapshot" + nodes + " at " + takenAt;
  }
}
