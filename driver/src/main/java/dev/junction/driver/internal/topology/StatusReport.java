package dev.junction.driver.internal.topology;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.replication.NodeReport;
import dev.junction.router.replication.ReplicationPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the monitor's reports into the public {@link NodeStatus} records of {@code junction status}: a node is up when
 * its last probe answered; otherwise the last error says whether it could not be reached or refused the connection.
 */
public final class StatusReport {
    private StatusReport() {}

    /** From the monitor when there is one; else the roles of the last one-off probes, nothing measured. */
    public static List<NodeStatus> of(TopologyMonitor monitor, ClusterTopology topology) {
        List<NodeStatus> statuses = new ArrayList<>();
        if (monitor == null) {
            for (Node node : topology.nodes()) {
                statuses.add(new NodeStatus(
                        node.address().toString(),
                        node.role().label(),
                        node.role() != ProbedRole.DOWN,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        0,
                        Optional.ofNullable(node.lastError())));
            }
            return statuses;
        }
        for (NodeReport report : monitor.reports()) {
            // Routing tolerates a short streak of failed probes (a slow primary should delay writes, not fail them);
            // a status report must not: a node whose last probe failed is shown down, with the reason.
            boolean up = report.up() && report.consecutiveFailures() == 0;
            statuses.add(new NodeStatus(
                    report.node().toString(),
                    report.role().name().toLowerCase(Locale.ROOT),
                    up,
                    report.position().map(ReplicationPosition::text),
                    report.stalenessBound(),
                    report.roundTrip(),
                    report.consecutiveFailures(),
                    report.lastError().map(CredentialMask::text)));
        }
        return statuses;
    }
}
