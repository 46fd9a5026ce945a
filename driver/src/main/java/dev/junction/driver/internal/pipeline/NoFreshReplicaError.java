package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.replication.PrimarySamples;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@link JunctionErrorCode#NO_FRESH_REPLICA} error of one logical connection ({@code staleReadFallback=fail}): for
 * every replica, whether it is up, its staleness bound, and, when it lacks a commit the read needs, the position it has
 * against the one the read needs; and a commit the read needs that no probe of the primary has located yet.
 */
final class NoFreshReplicaError {
    private final String clusterKey;
    private final RoutingOptions options;
    private final SessionFreshness freshness;

    NoFreshReplicaError(String clusterKey, RoutingOptions options, SessionFreshness freshness) {
        this.clusterKey = clusterKey;
        this.options = options;
        this.freshness = freshness;
    }

    /**
     * @param monitor   the cluster's monitor, or null
     * @param unlocated the instant of the commit the read needs when no probe of the primary has located it
     */
    SQLException of(
            Classification statement,
            ReadConsistency consistency,
            TopologySnapshot snapshot,
            Map<NodeId, TopologyMonitor.Probed> positions,
            TopologyMonitor monitor,
            OptionalLong unlocated) {
        PrimarySamples samples = monitor == null ? new PrimarySamples(1) : monitor.primarySamples();
        StringBuilder replicas = new StringBuilder();
        for (NodeState replica : snapshot.replicas()) {
            if (replicas.length() > 0) {
                replicas.append(", ");
            }
            describe(replicas, replica, statement, consistency, positions, samples);
        }
        if (replicas.length() == 0) {
            replicas.append("no replica");
        }
        if (unlocated.isPresent()) {
            long ago = monitor == null ? 0 : Math.max(0, monitor.nanoTime() - unlocated.getAsLong());
            replicas.append("; the read needs a commit acknowledged ")
                    .append(Duration.ofNanos(ago).toMillis())
                    .append(
                            " ms ago that has not been located yet (no probe of the primary sent since then has answered)");
        }
        Duration budget = RoutingPolicy.lagBudget(statement, options);
        return JunctionErrorCode.NO_FRESH_REPLICA.exception(
                clusterKey,
                JunctionProperty.MAX_REPLICA_LAG.format(budget),
                consistency.propertyValue(),
                replicas.toString());
    }

    private void describe(
            StringBuilder out,
            NodeState replica,
            Classification statement,
            ReadConsistency consistency,
            Map<NodeId, TopologyMonitor.Probed> positions,
            PrimarySamples samples) {
        out.append(replica.id())
                .append(replica.up() ? "" : " down")
                .append(" staleness ")
                .append(
                        replica.stalenessBound() == null
                                ? "unknown"
                                : replica.stalenessBound().toMillis() + " ms");
        ReplicationPosition required = freshness.required(consistency, statement, replica.id(), samples);
        ReplicationPosition position = freshness.position(replica.id(), positions);
        if (required != null && (position == null || !position.covers(required))) {
            out.append(" (has ")
                    .append(position == null ? "no known position" : position.text())
                    .append(", the read needs ")
                    .append(required.text())
                    .append(')');
        }
    }
}
