package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.router.Classification;
import dev.junction.router.NodeState;
import dev.junction.router.PrimaryReads;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.SessionState;
import dev.junction.router.TopologySnapshot;
import java.time.Duration;
import java.util.List;

/**
 * A session's last replica decision, reused while everything it was made on is unchanged. Skipping the full decision
 * was worth about 0.7 us per read end to end, where routing runs on cold caches between two network round trips.
 *
 * <p>What a decision depends on, and how a reuse knows it has not changed:
 * <ul>
 *   <li>the statement's classification and the routing session: the same objects (classifications are cached, routing
 *       sessions prebuilt);</li>
 *   <li>the monitor's snapshot: the same object. Under one snapshot the answer depends on time only through the
 *       snapshot's age, so a decision is kept only while every up replica is inside the lag budget, until the
 *       deadline when the stalest would leave it;</li>
 *   <li>for {@code session} and {@code global} reads, the freshness requirement: the same published positions map,
 *       the same count of commits in this JVM, the same {@link SessionFreshness#version()} and the same
 *       {@link TableCatalog#generation()}. Newer samples of the primary do not matter: a decision is only made once
 *       the commits it needs are located, and later samples locate nothing earlier.</li>
 * </ul>
 * A reuse then picks among the replicas that qualified, with the policy's balancer, as the policy would.
 *
 * <p>Not thread-safe: one per logical connection.
 */
final class ReplicaRouteMemo {
    /** What a decision was made on; {@code positions} is null for reads without a freshness requirement. */
    record Inputs(
            Classification statement,
            SessionState session,
            TopologySnapshot snapshot,
            Object positions,
            long commits,
            long sessionVersion,
            long catalogGeneration) {}

    private Classification statement;
    private SessionState session;
    private TopologySnapshot snapshot;
    private Object positions;
    private long commits;
    private long sessionVersion;
    private long catalogGeneration;
    private long deadlineNanos;
    private List<NodeState> replicas;
    /** The node when {@link #replicas} has one, so that a reuse needs neither the balancer nor a lookup. */
    private Node only;

    /**
     * The replica to use now, or null when the memo does not apply.
     *
     * @param nowNanos the routing policy's ticker
     */
    Node reuse(
            Classification statement,
            SessionState session,
            TopologySnapshot snapshot,
            Object positions,
            long commits,
            long sessionVersion,
            long catalogGeneration,
            long nowNanos,
            RoutingPolicy policy,
            RoutingOptions options,
            ClusterTopology topology) {
        if (statement != this.statement
                || session != this.session
                || snapshot != this.snapshot
                || positions != this.positions
                || commits != this.commits
                || sessionVersion != this.sessionVersion
                || catalogGeneration != this.catalogGeneration
                || nowNanos - deadlineNanos > 0) {
            return null;
        }
        if (options.primaryReads() != PrimaryReads.NEVER) {
            NodeState chosen = policy.balance(options.loadBalance(), replicas);
            // The primary may take the read now: the full path decides, and says why.
            return policy.primaryTakes(chosen, snapshot, options) ? null : roleChecked(topology.node(chosen.id()));
        }
        Node node = only != null
                ? only
                : topology.node(policy.balance(options.loadBalance(), replicas).id());
        return roleChecked(node);
    }

    /** {@code node}, or null when a session that lost its connection to it has marked it down: the full path decides. */
    private static Node roleChecked(Node node) {
        return node.role() == ProbedRole.REPLICA ? node : null;
    }

    /**
     * Remembers a replica decision the policy just made on {@code inputs}, when every up replica of the snapshot is
     * inside the lag budget; {@code qualifying} are those that also met the requirement (sorted by id, as the
     * snapshot's). Otherwise forgets.
     */
    void remember(
            Inputs inputs,
            List<NodeState> qualifying,
            long nowNanos,
            RoutingOptions options,
            ClusterTopology topology) {
        TopologySnapshot snapshot = inputs.snapshot();
        Duration lag = RoutingPolicy.lagBudget(inputs.statement(), options);
        long slack = lag.toNanos() - snapshot.maxUpReplicaBoundNanos();
        long deadline = snapshot.takenAtNanos() + slack;
        if (qualifying.isEmpty() || slack < 0 || nowNanos - deadline > 0) {
            forget();
            return;
        }
        this.statement = inputs.statement();
        this.session = inputs.session();
        this.snapshot = snapshot;
        this.positions = inputs.positions();
        this.commits = inputs.commits();
        this.sessionVersion = inputs.sessionVersion();
        this.catalogGeneration = inputs.catalogGeneration();
        this.deadlineNanos = deadline;
        this.replicas = qualifying;
        this.only = qualifying.size() == 1 ? topology.node(qualifying.get(0).id()) : null;
    }

    void forget() {
        statement = null;
        snapshot = null;
        positions = null;
        replicas = null;
        only = null;
    }
}
