package dev.junction.router.replication;

import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.TopologySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The monitor's bookkeeping, without threads or sockets: probe outcomes in, topology snapshots out.
 *
 * <p>Each successful probe gives a node's role and position and when the probe was sent. The primary's
 * positions feed a {@link PrimaryPositionHistory}, from which each replica's staleness bound is computed when
 * a snapshot is taken (so a replica's bound tightens as soon as the primary is probed again, whichever probe
 * finished first). The probe's send time is the one recorded, because a position read during a probe
 * includes every commit that finished before the probe was sent and possibly no later one.
 *
 * <p>Failures count in a streak: a node is marked down after {@code downAfterFailures} failures in a row and
 * up again on its first success. While down, it is probed with exponential backoff (base interval doubling up
 * to {@code maxBackoff}) so that a dead node costs almost nothing but comes back quickly.
 *
 * <p>Losing the primary (design §7). A primary claim counts only while its probes answer: a node that answers as
 * primary while the former primary fails its probes takes the claim at once (a promotion), without waiting for the
 * former's failure streak; two nodes that both answer as primary are a split brain, and neither's positions are
 * trusted, and writes are refused until one steps down, unless their generations tell them apart: PostgreSQL's
 * timeline, which every promotion increments, makes the claimant on the older timeline a former primary that was
 * promoted away from (it is published down, neither primary nor replica, until it is rebuilt as a standby); the
 * newest timeline is the node the cluster manager chose. MariaDB and MySQL have no such number: their split brain
 * is refused. While the primary is silent (its probe failed or hangs, {@link #primarySilent}) and no other node
 * answers as primary, the staleness clock stops at the moment the first unanswered probe was sent: a primary that
 * does not answer is taken to commit nothing, so a replica that has replayed the last position the primary was seen
 * at stays as fresh as it was then instead of growing stale without bound, and reads keep their replicas during a
 * failover. If the primary was only unreachable from here while other clients still wrote to it, reads may be
 * staler than their budget by the length of that outage; this JVM's own writes cannot have gone there meanwhile,
 * so read-your-writes is unaffected. The clock runs again at the first answer of a primary, the same or a new one.
 *
 * <p>Not thread-safe: the monitor serialises calls.
 */
public final class TopologyTracker {
    private final Map<NodeId, NodeTrack> nodes = new LinkedHashMap<>();
    private final PrimaryPositionHistory history;
    private final int downAfterFailures;
    private final Duration interval;
    private final Duration maxBackoff;
    /** When the primary's first unanswered probe was sent; {@link #NOT_SILENT} while a primary answers. */
    private long silentSinceNanos = NOT_SILENT;

    private static final long NOT_SILENT = Long.MIN_VALUE;

    public TopologyTracker(
            List<NodeId> seeds, Duration interval, int downAfterFailures, Duration maxBackoff, int historyCapacity) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("A topology needs at least one node");
        }
        if (downAfterFailures < 1) {
            throw new IllegalArgumentException("downAfterFailures must be at least 1, not " + downAfterFailures);
        }
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The probe interval must be positive, not " + interval);
        }
        for (NodeId seed : seeds) {
            nodes.put(seed, new NodeTrack());
        }
        this.history = new PrimaryPositionHistory(historyCapacity);
        this.downAfterFailures = downAfterFailures;
        this.interval = interval;
        this.maxBackoff = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
    }

    public List<NodeId> nodes() {
        return List.copyOf(nodes.keySet());
    }

    /** Records a probe of {@code node} sent at {@code sentAtNanos} that answered at {@code answeredAtNanos}. */
    public void recordSuccess(
            NodeId node, NodeRole role, ReplicationPosition position, long sentAtNanos, long answeredAtNanos) {
        recordSuccess(node, role, position, 0, sentAtNanos, answeredAtNanos);
    }

    /**
     * The same, with the node's generation: PostgreSQL's timeline on a primary, which a promotion increments; 0 where
     * the server has none. Only a primary's generation is used, to tell a promoted node from the one it replaced.
     */
    public void recordSuccess(
            NodeId node,
            NodeRole role,
            ReplicationPosition position,
            long generation,
            long sentAtNanos,
            long answeredAtNanos) {
        NodeTrack track = track(node);
        track.role = role;
        track.generation = generation;
        track.failures = 0;
        track.lastError = null;
        track.roundTrip = Duration.ofNanos(Math.max(0, answeredAtNanos - sentAtNanos));
        track.nextProbeAtNanos = sentAtNanos + interval.toNanos();
        if (position != null) {
            track.position = position;
        }
        if (role == NodeRole.PRIMARY) {
            supersedeSilentClaimants(node);
            silentSinceNanos = NOT_SILENT;
            if (position != null && soleClaimant(node)) {
                history.record(position, sentAtNanos);
            }
        }
    }

    /**
     * {@code node} answered as primary: any other node that claimed primary but fails its probes loses the claim (it
     * was promoted away from, or it is dead), so that a promoted node is the one primary from its first answer on.
     * Should the former primary answer again as primary, both claim it: a split brain, refused by the snapshot.
     */
    private void supersedeSilentClaimants(NodeId node) {
        for (Map.Entry<NodeId, NodeTrack> entry : nodes.entrySet()) {
            NodeTrack other = entry.getValue();
            if (!entry.getKey().equals(node) && other.role == NodeRole.PRIMARY && other.failures > 0) {
                other.role = NodeRole.UNKNOWN;
            }
        }
    }

    /**
     * A probe of {@code node} sent at {@code sentAtNanos} has not been answered (it failed or still hangs). If the node
     * is the primary, the staleness clock stops at that instant until a primary answers (see the class comment).
     */
    public void primarySilent(NodeId node, long sentAtNanos) {
        NodeTrack track = track(node);
        if (track.role == NodeRole.PRIMARY && silentSinceNanos == NOT_SILENT && soleClaimant(node)) {
            silentSinceNanos = sentAtNanos;
        }
    }

    /** Whether the staleness clock is stopped because the primary does not answer ({@link #primarySilent}). */
    public boolean primaryIsSilent() {
        return silentSinceNanos != NOT_SILENT;
    }

    /** Records a failed probe (connection refused, timeout, error) of {@code node} at {@code atNanos}. */
    public void recordFailure(NodeId node, String error, long atNanos) {
        recordFailure(node, error, atNanos, atNanos);
    }

    /** The same, for a probe sent at {@code sentAtNanos}: a primary's failure stops the staleness clock there. */
    public void recordFailure(NodeId node, String error, long atNanos, long sentAtNanos) {
        primarySilent(node, sentAtNanos);
        NodeTrack track = track(node);
        track.failures++;
        track.lastError = error;
        int beyond = Math.max(0, track.failures - downAfterFailures);
        long backoff = interval.toNanos() << Math.min(beyond, 20);
        track.nextProbeAtNanos = atNanos + Math.min(backoff, maxBackoff.toNanos());
        if (!isUp(track)) {
            track.role = NodeRole.UNKNOWN;
        }
    }

    /** Whether {@code node} should be probed at {@code nowNanos} (backoff applies to failing nodes). */
    public boolean isDue(NodeId node, long nowNanos) {
        return nowNanos - track(node).nextProbeAtNanos >= 0;
    }

    /** The topology as known at {@code nowNanos}, which also stamps it for the routing policy (same ticker). */
    public TopologySnapshot snapshot(long nowNanos) {
        List<NodeState> states = new ArrayList<>(nodes.size());
        for (Map.Entry<NodeId, NodeTrack> entry : nodes.entrySet()) {
            NodeTrack track = entry.getValue();
            if (superseded(track)) {
                states.add(NodeState.of(entry.getKey(), NodeRole.UNKNOWN, false, null, track.roundTrip));
                continue;
            }
            states.add(NodeState.of(
                    entry.getKey(), track.role, isUp(track), stalenessBound(track, nowNanos), track.roundTrip));
        }
        forgetWhatEveryReplicaHas();
        return TopologySnapshot.of(states, nowNanos);
    }

    /** The position {@code node} had replayed (a replica) or reached (the primary) at its last probe. */
    public Optional<ReplicationPosition> position(NodeId node) {
        return Optional.ofNullable(track(node).position);
    }

    /** The primary's newest observed position. */
    public Optional<ReplicationPosition> primaryPosition() {
        return history.latest();
    }

    public List<NodeReport> reports(long nowNanos) {
        List<NodeReport> reports = new ArrayList<>();
        for (Map.Entry<NodeId, NodeTrack> entry : nodes.entrySet()) {
            NodeTrack track = entry.getValue();
            reports.add(new NodeReport(
                    entry.getKey(),
                    track.role,
                    isUp(track),
                    Optional.ofNullable(track.position),
                    Optional.ofNullable(stalenessBound(track, nowNanos)),
                    Optional.ofNullable(track.roundTrip),
                    track.failures,
                    Optional.ofNullable(track.lastError)));
        }
        return reports;
    }

    private Duration stalenessBound(NodeTrack track, long nowNanos) {
        if (track.role == NodeRole.PRIMARY) {
            return Duration.ZERO;
        }
        if (track.role != NodeRole.REPLICA || track.position == null) {
            return null;
        }
        long clock = silentSinceNanos == NOT_SILENT ? nowNanos : Math.min(nowNanos, silentSinceNanos);
        return history.stalenessBound(track.position, clock).orElse(null);
    }

    private void forgetWhatEveryReplicaHas() {
        ReplicationPosition slowest = null;
        for (NodeTrack track : nodes.values()) {
            if (track.role == NodeRole.REPLICA && isUp(track)) {
                if (track.position == null) {
                    return;
                }
                if (slowest == null || slowest.covers(track.position)) {
                    slowest = track.position;
                } else if (!track.position.covers(slowest)) {
                    return; // incomparable positions: keep everything rather than guess
                }
            }
        }
        if (slowest != null) {
            history.forgetCoveredBy(slowest);
        }
    }

    /**
     * With two nodes answering as primary, neither's position is trusted as the primary's. A claimant whose probes
     * fail does not count: it is the primary being lost; nor does one on an older generation than {@code node}'s.
     */
    private boolean soleClaimant(NodeId node) {
        NodeTrack own = track(node);
        for (Map.Entry<NodeId, NodeTrack> entry : nodes.entrySet()) {
            NodeTrack other = entry.getValue();
            if (!entry.getKey().equals(node) && claims(other) && !olderGeneration(other, own)) {
                return false;
            }
        }
        return true;
    }

    /** Answers as primary and its probes succeed. */
    private boolean claims(NodeTrack track) {
        return track.role == NodeRole.PRIMARY && track.failures == 0;
    }

    private static boolean olderGeneration(NodeTrack track, NodeTrack than) {
        return track.generation > 0 && than.generation > 0 && track.generation < than.generation;
    }

    /** A primary claim on an older generation than another claimant's: a former primary, promoted away from. */
    private boolean superseded(NodeTrack track) {
        if (!claims(track) || track.generation == 0) {
            return false;
        }
        for (NodeTrack other : nodes.values()) {
            if (other != track && claims(other) && olderGeneration(track, other)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code node} failed {@code downAfterFailures} probes in a row: declared down, not merely late. */
    public boolean isDown(NodeId node) {
        return !isUp(track(node));
    }

    /** Whether {@code node} claims primary on an older generation than another claimant: never its writes' target. */
    public boolean isSuperseded(NodeId node) {
        return superseded(track(node));
    }

    private boolean isUp(NodeTrack track) {
        return track.failures < downAfterFailures;
    }

    private NodeTrack track(NodeId node) {
        NodeTrack track = nodes.get(node);
        if (track == null) {
            throw new IllegalArgumentException("Unknown node " + node + "; the topology has " + nodes.keySet());
        }
        return track;
    }

    private static final class NodeTrack {
        private NodeRole role = NodeRole.UNKNOWN;
        private ReplicationPosition position;
        private Duration roundTrip;
        private int failures;
        private long generation;
        private String lastError;
        private long nextProbeAtNanos = Long.MIN_VALUE / 2;
    }
}
