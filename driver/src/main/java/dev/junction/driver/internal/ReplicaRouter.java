package dev.junction.driver.internal;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.monitor.ReplicationProbe;
import dev.junction.driver.internal.monitor.TopologyMonitor;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.RouteDecision;
import dev.junction.router.RouteReason;
import dev.junction.router.RouteTarget;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.RoutingRequest;
import dev.junction.router.StaleReadFallback;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.replication.PrimarySamples;
import dev.junction.router.replication.ReplicationPosition;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The route step for a read that may leave the primary (design §2 rule 5, §4, §5): which replica, if any, takes it
 * now, given the monitor's snapshot, the lag budget and the session's read-your-writes and monotonic-read needs;
 * and what happens when none qualifies ({@code staleReadFallback}: the primary, a bounded wait, or an error). One per
 * logical connection; the decision itself is the router's {@link RoutingPolicy}, with a {@link ReplicaRouteMemo} in
 * front of it that reuses the last decision while nothing it rests on has changed.
 */
final class ReplicaRouter {
    private static final long POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

    private final String clusterKey;
    private final ClusterTopology topology;
    private final RoutingOptions options;
    private final SessionFreshness freshness;
    private final TableCatalog tableCatalog;
    private final ViewCatalog views;
    private final Duration replicaWaitTimeout;
    private final NodeAccess nodes;
    private final ReplicaRouteMemo memo = new ReplicaRouteMemo();

    ReplicaRouter(String clusterKey, ClusterTopology topology, RoutingOptions options, SessionFreshness freshness,
                  TableCatalog tableCatalog, ViewCatalog views, Duration replicaWaitTimeout, NodeAccess nodes) {
        this.clusterKey = clusterKey;
        this.topology = topology;
        this.options = options;
        this.freshness = freshness;
        this.tableCatalog = tableCatalog;
        this.views = views;
        this.replicaWaitTimeout = replicaWaitTimeout;
        this.nodes = nodes;
    }

    /** Forgets the last decision: a replica the session saw fail must not be chosen again from memory. */
    void forget() {
        memo.forget();
    }

    /**
     * Rule 5 with the monitor's snapshot and this session's read-your-writes and monotonic-read needs. When the read
     * needs a commit no probe of the primary has located yet, no replica can be shown to have it: the monitor is
     * asked to probe the primary now, and {@code primary} reads there at once (it has the commit) while {@code wait}
     * and {@code fail} wait for that probe and route again. When no replica qualifies only because the monitor has
     * not yet seen one catch up, the closest replica is asked directly (one round trip to it, none to the primary)
     * before the fallback applies; {@code wait} keeps asking, and waits for newer snapshots, until
     * {@code replicaWaitTimeout}, then uses the primary.
     */
    Node route(Classification statement, dev.junction.router.SessionState session) throws SQLException {
        TopologyMonitor monitor = topology.monitor();
        boolean free = monitor == null || !needsFreshness(statement);
        if (monitor != null) {
            // Read before anything the decision reads, so that a change made meanwhile shows as a difference.
            Node reused = memo.reuse(statement, session, topology.snapshot(), free ? null : monitor.positions(),
                    commitCount(free), freshnessVersion(free), catalogGeneration(free), monitor.nanoTime(), topology.policy(),
                    options, topology);
            if (reused != null) {
                return reused;
            }
        }
        if (views.unsafe(statement, monitor == null ? System.nanoTime() : topology.snapshot().takenAtNanos())) {
            return topology.primary(); // a view that calls a function that may write: the read may write
        }
        long deadline = 0;
        boolean asked = false;
        while (true) {
            TopologySnapshot snapshot = topology.snapshot();
            Map<NodeId, TopologyMonitor.Probed> positions = monitor == null ? Map.of() : monitor.positions();
            // What the memo checks, read before the decision reads the rest (see ReplicaRouteMemo).
            ReplicaRouteMemo.Inputs inputs = monitor == null ? null : new ReplicaRouteMemo.Inputs(statement, session, snapshot,
                    free ? null : positions, commitCount(free), freshnessVersion(free), catalogGeneration(free));
            ReplicaRequirement requirement = free ? ReplicaRequirement.NONE : freshness.requirement(positions, monitor.primarySamples());
            RouteDecision decision = topology.policy().route(new RoutingRequest(statement, session, snapshot, options, requirement));
            if (decision.target() == RouteTarget.REPLICA) {
                if (inputs != null) {
                    memo.remember(inputs, qualifying(snapshot, requirement, statement, free), monitor.nanoTime(), options, topology);
                }
                return topology.node(decision.node());
            }
            if (decision.target() != RouteTarget.NO_REPLICA) {
                return topology.primary();
            }
            StaleReadFallback fallback = decision.fallback();
            boolean behind = decision.reason() == RouteReason.NO_REPLICA_BEHIND;
            OptionalLong unlocated = behind && monitor != null
                    ? freshness.unlocatedCommit(effectiveConsistency(statement), statement, monitor.primarySamples())
                    : OptionalLong.empty();
            if (unlocated.isPresent()) {
                monitor.requestPrimaryProbe();
                if (fallback != StaleReadFallback.WAIT && fallback != StaleReadFallback.FAIL) {
                    return topology.primary();
                }
                deadline = waitDeadline(deadline);
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    if (fallback == StaleReadFallback.FAIL) {
                        throw noFreshReplica(statement, snapshot, positions, unlocated);
                    }
                    return topology.primary();
                }
                try {
                    monitor.awaitNewerThan(snapshot, Duration.ofNanos(remaining));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return topology.primary();
                }
                continue;
            }
            if (behind && monitor != null && !asked
                    && askReplica(monitor, decision.waitCandidate(), snapshot, statement)) {
                asked = true;
                continue;
            }
            asked = true;
            if (fallback == StaleReadFallback.FAIL) {
                throw noFreshReplica(statement, snapshot, positions, OptionalLong.empty());
            }
            if (fallback != StaleReadFallback.WAIT || monitor == null) {
                return topology.primary();
            }
            deadline = waitDeadline(deadline);
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return topology.primary();
            }
            // A replica behind on our commits waits inside the server where it can (MariaDB, MySQL), else is polled
            // every few milliseconds; a stale or down one waits for the monitor's next snapshot.
            if (behind && waitInsideReplica(monitor, decision.waitCandidate(), statement, Duration.ofNanos(remaining))) {
                asked = false;
                continue;
            }
            long pause = behind ? Math.min(remaining, POLL_NANOS) : remaining;
            try {
                monitor.awaitNewerThan(snapshot, Duration.ofNanos(pause));
                asked = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return topology.primary();
            }
        }
    }

    // What a replica decision for a read with a freshness requirement rests on besides the snapshot and positions
    // (see ReplicaRouteMemo); zero for a read without one, which depends on none of it.
    private long commitCount(boolean free) {
        return free ? 0 : topology.globalCommits().commitCount();
    }

    private long freshnessVersion(boolean free) {
        return free ? 0 : freshness.version();
    }

    private long catalogGeneration(boolean free) {
        return free || tableCatalog == null ? 0 : tableCatalog.generation();
    }

    /** The up replicas {@code requirement} accepts for {@code statement}: all of them for a read without one. */
    private List<NodeState> qualifying(TopologySnapshot snapshot, ReplicaRequirement requirement, Classification statement,
                                       boolean free) {
        List<NodeState> up = snapshot.upReplicas();
        if (free) {
            return up;
        }
        ReadConsistency consistency = effectiveConsistency(statement);
        List<NodeState> accepted = new ArrayList<>(up.size());
        for (NodeState replica : up) {
            if (requirement.isSatisfiedBy(replica, consistency, statement)) {
                accepted.add(replica);
            }
        }
        return accepted.size() == up.size() ? up : accepted;
    }

    /**
     * The end of a read's wait for a replica: {@code replicaWaitTimeout} from the first time it has to wait (0 means
     * not yet), so that routing without waiting never reads the clock.
     */
    private long waitDeadline(long deadline) {
        return deadline != 0 ? deadline : System.nanoTime() + replicaWaitTimeout.toNanos();
    }

    /**
     * Has the replica the policy found closest wait, inside the server, for the commits this read needs.
     *
     * @return false when the server cannot wait that way or the wait could not run: the caller polls instead
     */
    private boolean waitInsideReplica(TopologyMonitor monitor, NodeId candidate, Classification statement, Duration timeout) {
        if (candidate == null) {
            return false;
        }
        ReplicationPosition required = freshness.required(effectiveConsistency(statement), statement, candidate,
                monitor.primarySamples());
        if (required == null) {
            return false;
        }
        NodeSession session = null;
        try {
            session = nodes.open(topology.node(candidate));
            Connection physical = session.physical();
            boolean waited = monitor.probe().awaitPosition(physical, required, timeout);
            if (waited && !physical.getAutoCommit()) {
                physical.rollback(); // as in askReplica: the session's transaction has not begun yet
            }
            return waited;
        } catch (SQLException e) {
            if (session != null) {
                nodes.failed(e, session);
            }
            return false;
        }
    }

    /**
     * Whether {@code statement} reads with read-your-writes and monotonic reads ({@code session}, {@code global}):
     * only then does routing consult, and a read update, the session's freshness record. An {@code eventual} or
     * {@code strong} read skips both, which in an end-to-end profile was a fifth of Junction's time per read.
     */
    boolean needsFreshness(Classification statement) {
        ReadConsistency consistency = effectiveConsistency(statement);
        return consistency == ReadConsistency.SESSION || consistency == ReadConsistency.GLOBAL;
    }

    private ReadConsistency effectiveConsistency(Classification statement) {
        return statement.hints().consistency() != null ? statement.hints().consistency()
                : statement.hints().replica() ? ReadConsistency.EVENTUAL : options.readConsistency();
    }

    /**
     * Asks the replica the policy found closest how far it has replayed, on this session's own connection to it.
     *
     * @return true when the answer is new information worth routing again on
     */
    private boolean askReplica(TopologyMonitor monitor, NodeId candidate, TopologySnapshot snapshot, Classification statement) {
        NodeId target = candidate;
        if (target == null) {
            return false;
        }
        NodeState state = snapshot.node(target);
        if (state == null || !state.up()) {
            return false;
        }
        NodeSession session = null;
        try {
            session = nodes.open(topology.node(target));
            Connection physical = session.physical();
            ReplicationProbe.Answer answer = monitor.probe().probe(physical);
            if (!physical.getAutoCommit()) {
                // The session's transaction has not begun (route() runs before it has a node): end the one the
                // question opened, so that the transaction starts clean with the session's settings.
                physical.rollback();
            }
            if (answer.role() != dev.junction.router.NodeRole.REPLICA || answer.position() == null) {
                return false;
            }
            ReplicationPosition before = freshness.position(target, monitor.positions());
            freshness.observed(target, answer.position());
            return before == null || !before.covers(answer.position());
        } catch (SQLException e) {
            if (session != null) {
                nodes.failed(e, session);
            }
            return false;
        }
    }

    /** @param unlocated the instant of the commit the read needs when no probe of the primary has located it */
    private SQLException noFreshReplica(Classification statement, TopologySnapshot snapshot, Map<NodeId, TopologyMonitor.Probed> positions,
                                        OptionalLong unlocated) {
        ReadConsistency consistency = effectiveConsistency(statement);
        Duration budget = RoutingPolicy.lagBudget(statement, options);
        TopologyMonitor monitor = topology.monitor();
        PrimarySamples samples = monitor == null ? new PrimarySamples(1) : monitor.primarySamples();
        StringBuilder replicas = new StringBuilder();
        for (NodeState replica : snapshot.replicas()) {
            if (replicas.length() > 0) {
                replicas.append(", ");
            }
            replicas.append(replica.id()).append(replica.up() ? "" : " down").append(" staleness ")
                    .append(replica.stalenessBound() == null ? "unknown" : replica.stalenessBound().toMillis() + " ms");
            ReplicationPosition required = freshness.required(consistency, statement, replica.id(), samples);
            ReplicationPosition position = freshness.position(replica.id(), positions);
            if (required != null && (position == null || !position.covers(required))) {
                replicas.append(" (has ").append(position == null ? "no known position" : position.text())
                        .append(", the read needs ").append(required.text()).append(')');
            }
        }
        if (replicas.length() == 0) {
            replicas.append("no replica");
        }
        if (unlocated.isPresent()) {
            long ago = monitor == null ? 0 : Math.max(0, monitor.nanoTime() - unlocated.getAsLong());
            replicas.append("; the read needs a commit acknowledged ").append(Duration.ofNanos(ago).toMillis())
                    .append(" ms ago that has not been located yet (no probe of the primary sent since then has answered)");
        }
        return JunctionErrorCode.NO_FRESH_REPLICA.exception(clusterKey, JunctionProperty.MAX_REPLICA_LAG.format(budget),
                consistency.propertyValue(), replicas.toString());
    }

}
