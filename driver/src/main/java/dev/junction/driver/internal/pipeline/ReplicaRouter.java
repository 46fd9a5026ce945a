package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.metrics.RoutedTo;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.driver.internal.topology.ViewCatalog;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.RouteDecision;
import dev.junction.router.RouteReason;
import dev.junction.router.RouteTarget;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.RoutingRequest;
import dev.junction.router.SessionState;
import dev.junction.router.TopologySnapshot;
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
 * and what happens when none qualifies ({@code staleReadFallback}: the primary, a bounded wait, or an error), which is
 * {@link ReplicaWait}'s, given this step's means of routing again and of asking and awaiting replicas. One per logical
 * connection; the decision itself is the router's {@link RoutingPolicy}, with a {@link ReplicaRouteMemo} in front of it
 * that reuses the last decision while nothing it rests on has changed.
 */
final class ReplicaRouter {
    private final ClusterTopology topology;
    private final RoutingOptions options;
    private final SessionFreshness freshness;
    private final TableCatalog tableCatalog;
    private final ViewCatalog views;
    private final NodeAccess nodes;
    /** A replica whose transaction a question opened during the current routing; see {@link #settleQuestion}. */
    private NodeSession questioned;

    private final ReplicaRouteMemo memo = new ReplicaRouteMemo();
    /** Why the memo's decision was made: the reason of every reuse. */
    private RouteReason memoReason;
    /** Why the last read routed went where it went, and whether it fell back to the primary; for the metrics. */
    private RouteReason reason;

    private boolean fellBack;
    private final ReplicaWait wait;
    private final NoFreshReplicaError noFreshReplica;

    ReplicaRouter(
            String clusterKey,
            ClusterTopology topology,
            RoutingOptions options,
            SessionFreshness freshness,
            TableCatalog tableCatalog,
            ViewCatalog views,
            Duration replicaWaitTimeout,
            NodeAccess nodes,
            ClusterMetrics metrics) {
        this.topology = topology;
        this.options = options;
        this.freshness = freshness;
        this.tableCatalog = tableCatalog;
        this.views = views;
        this.nodes = nodes;
        this.wait = new ReplicaWait(replicaWaitTimeout, System::nanoTime, metrics);
        this.noFreshReplica = new NoFreshReplicaError(clusterKey, options, freshness);
    }

    /** Forgets the last decision: a replica the session saw fail must not be chosen again from memory. */
    void forget() {
        memo.forget();
    }

    /**
     * Rule 5 with the monitor's snapshot and this session's read-your-writes and monotonic-read needs; when no replica
     * qualifies, {@link ReplicaWait} applies {@code staleReadFallback} (asking the closest replica, having the primary
     * probed, waiting until {@code replicaWaitTimeout}) and routes again through {@link #routeOnce}.
     */
    Node route(Classification statement, SessionState session) throws SQLException {
        fellBack = false;
        Node chosen = null;
        try {
            chosen = choose(statement, session);
            return chosen;
        } finally {
            settleQuestion(chosen);
        }
    }

    /** Why the last read routed went where it went. */
    RouteReason reason() {
        return reason;
    }

    /**
     * Where the last read routed ran, to {@code node}: a fallback when it wanted a replica and none qualified, whether
     * after a wait or at once (a policy that answers the primary for a stale or down replica).
     */
    RoutedTo routedTo(Node node) {
        if (fellBack
                || reason == RouteReason.NO_REPLICA_DOWN
                || reason == RouteReason.NO_REPLICA_STALE
                || reason == RouteReason.NO_REPLICA_BEHIND) {
            return RoutedTo.FALLBACK;
        }
        return node.role() == ProbedRole.REPLICA ? RoutedTo.REPLICA : RoutedTo.PRIMARY;
    }

    /**
     * A question asked with auto-commit off ran as the first statement of a transaction on its replica: that
     * transaction is kept when the read is routed there (the question rode inside the transaction it guards: no
     * extra round trip), and rolled back otherwise, so that the replica's session starts its next transaction clean.
     */
    private void settleQuestion(Node chosen) {
        NodeSession asked = questioned;
        questioned = null;
        if (asked == null || asked.node() == chosen || asked.isClosed()) {
            return;
        }
        try {
            asked.physical().rollback();
        } catch (SQLException e) {
            nodes.failed(e, asked);
        }
    }

    private Node choose(Classification statement, SessionState session) throws SQLException {
        TopologyMonitor monitor = topology.monitor();
        boolean free = monitor == null || !needsFreshness(statement);
        if (monitor != null) {
            Node reused = reuse(statement, session, monitor, free);
            if (reused != null) {
                reason = memoReason;
                return reused;
            }
        }
        if (views.unsafe(
                statement,
                monitor == null ? System.nanoTime() : topology.snapshot().takenAtNanos())) {
            reason = RouteReason.UNVERIFIED_FUNCTION;
            return nodes.primary(); // a view that calls a function that may write: the read may write
        }
        ReplicaWait.Outcome outcome = routeOnce(statement, session, monitor, free);
        if (outcome instanceof ReplicaWait.Routed routed) {
            return routed.node();
        }
        Attempt attempt = new Attempt(statement, session, monitor, free);
        return wait.after((ReplicaWait.Shortfall) outcome, attempt, attempt);
    }

    /** The memo's decision, if nothing it rests on has changed since it was remembered. */
    private Node reuse(Classification statement, SessionState session, TopologyMonitor monitor, boolean free) {
        // Read before anything the decision reads, so that a change made meanwhile shows as a difference.
        return memo.reuse(
                statement,
                session,
                topology.snapshot(),
                free ? null : monitor.positions(),
                commitCount(free),
                freshnessVersion(free),
                catalogGeneration(free),
                monitor.nanoTime(),
                topology.policy(),
                options,
                topology);
    }

    /**
     * The policy's decision on the current snapshot: a replica (remembered in the memo), the primary, or a shortfall
     * for {@link ReplicaWait}.
     */
    private ReplicaWait.Outcome routeOnce(
            Classification statement, SessionState session, TopologyMonitor monitor, boolean free) throws SQLException {
        TopologySnapshot snapshot = topology.snapshot();
        Map<NodeId, TopologyMonitor.Probed> positions = monitor == null ? Map.of() : monitor.positions();
        // What the memo checks, read before the decision reads the rest (see ReplicaRouteMemo).
        ReplicaRouteMemo.Inputs inputs = monitor == null
                ? null
                : new ReplicaRouteMemo.Inputs(
                        statement,
                        session,
                        snapshot,
                        free ? null : positions,
                        commitCount(free),
                        freshnessVersion(free),
                        catalogGeneration(free));
        ReplicaRequirement requirement =
                free ? ReplicaRequirement.NONE : freshness.requirement(positions, monitor.primarySamples());
        RouteDecision decision =
                topology.policy().route(new RoutingRequest(statement, session, snapshot, options, requirement));
        reason = decision.reason();
        if (decision.target() == RouteTarget.REPLICA) {
            if (inputs != null) {
                memoReason = decision.reason();
                memo.remember(
                        inputs,
                        qualifying(snapshot, requirement, statement, free),
                        monitor.nanoTime(),
                        options,
                        topology);
            }
            return new ReplicaWait.Routed(topology.node(decision.node()));
        }
        if (decision.target() != RouteTarget.NO_REPLICA) {
            return new ReplicaWait.Routed(nodes.primaryForReads());
        }
        boolean behind = decision.reason() == RouteReason.NO_REPLICA_BEHIND;
        OptionalLong unlocated = behind && monitor != null
                ? freshness.unlocatedCommit(effectiveConsistency(statement), statement, monitor.primarySamples())
                : OptionalLong.empty();
        return new ReplicaWait.Shortfall(
                snapshot, positions, decision.fallback(), behind, decision.waitCandidate(), unlocated, monitor != null);
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
    private List<NodeState> qualifying(
            TopologySnapshot snapshot, ReplicaRequirement requirement, Classification statement, boolean free) {
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
     * Has the replica the policy found closest wait, inside the server, for the commits this read needs.
     *
     * @return false when the server cannot wait that way or the wait could not run: the caller polls instead
     */
    private boolean waitInsideReplica(
            TopologyMonitor monitor, NodeId candidate, Classification statement, Duration timeout) {
        if (candidate == null) {
            return false;
        }
        ReplicationPosition required =
                freshness.required(effectiveConsistency(statement), statement, candidate, monitor.primarySamples());
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
        return statement.hints().consistency() != null
                ? statement.hints().consistency()
                : statement.hints().replica() ? ReadConsistency.EVENTUAL : options.readConsistency();
    }

    /**
     * Asks the replica the policy found closest how far it has replayed, on this session's own connection to it.
     *
     * @return true when the answer is new information worth routing again on
     */
    private boolean askReplica(
            TopologyMonitor monitor, NodeId candidate, TopologySnapshot snapshot, Classification statement) {
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
            // Synced first: with auto-commit off the question opens the transaction the read will run in, with the
            // session's settings, and settleQuestion keeps it if the read goes there.
            // A transaction must begin with the answer that routes it (under REPEATABLE READ its snapshot is taken at
            // its first statement): an earlier question's transaction is rolled back before asking again.
            settleQuestion(null);
            session = nodes.openSynced(topology.node(target));
            Connection physical = session.physical();
            ReplicationProbe.Answer answer = monitor.probe().probe(physical);
            if (!physical.getAutoCommit()) {
                questioned = session;
            }
            if (answer.role() != NodeRole.REPLICA || answer.position() == null) {
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

    /**
     * One read's side of a {@link ReplicaWait}: routing it again, and asking and awaiting the cluster on its behalf.
     * Made only when no replica qualified at the first try.
     */
    private final class Attempt implements ReplicaWait.Route, ReplicaWait.CatchUp {
        private final Classification statement;
        private final SessionState session;
        private final TopologyMonitor monitor;
        private final boolean free;

        Attempt(Classification statement, SessionState session, TopologyMonitor monitor, boolean free) {
            this.statement = statement;
            this.session = session;
            this.monitor = monitor;
            this.free = free;
        }

        @Override
        public ReplicaWait.Outcome route() throws SQLException {
            return routeOnce(statement, session, monitor, free);
        }

        @Override
        public Node primary() throws SQLException {
            fellBack = true;
            return nodes.primaryForReads();
        }

        @Override
        public SQLException noFreshReplica(ReplicaWait.Shortfall shortfall) {
            return noFreshReplica.of(
                    statement,
                    effectiveConsistency(statement),
                    shortfall.snapshot(),
                    shortfall.positions(),
                    topology.monitor(),
                    shortfall.unlocated());
        }

        @Override
        public void requestPrimaryProbe() {
            monitor.requestPrimaryProbe();
        }

        @Override
        public boolean askReplica(NodeId candidate, TopologySnapshot snapshot) {
            return ReplicaRouter.this.askReplica(monitor, candidate, snapshot, statement);
        }

        @Override
        public boolean awaitInsideReplica(NodeId candidate, long timeoutNanos) {
            return waitInsideReplica(monitor, candidate, statement, Duration.ofNanos(timeoutNanos));
        }

        @Override
        public void awaitNewerSnapshot(TopologySnapshot seen, long timeoutNanos) throws InterruptedException {
            monitor.awaitNewerThan(seen, Duration.ofNanos(timeoutNanos));
        }
    }
}
