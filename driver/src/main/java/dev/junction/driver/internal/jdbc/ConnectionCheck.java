package dev.junction.driver.internal.jdbc;

import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.StatusReport;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import java.sql.SQLException;

/**
 * What {@code getConnection} makes sure of before it returns a connection, so that a pool that validates at start-up
 * sees a wrong password or database there and not at the first statement: the cluster's roles are known, which means
 * that these credentials opened a connection to some node.
 *
 * <p>That follows from the key the connection's topology and monitor are shared under ({@link SharedMonitors}): the
 * cluster and a salted hash of all the backend properties (user, password, certificates and whatever else decides
 * whether a server lets a connection in), which {@link ConnectionSettings#credentialKey()} computes without keeping the
 * password. The monitor's probes log in with exactly these properties (timeouts and application name aside), so a
 * node they reached let these credentials in, and a node that refused them refused these credentials: no other
 * account's probes ever stand for them, and no separate check connection is needed. The monitor's first probe round
 * is over (it is bounded, see {@link TopologyMonitor#start}) when the lease is handed out.
 *
 * <p>When no node answered, the error says, node by node, which could not be reached and which refused, with the
 * SQLState the refusing nodes agreed on (a wrong password is {@code 28P01} everywhere).
 */
final class ConnectionCheck {
    private final ClusterTopology topology;
    private final SharedMonitors.Lease lease;

    ConnectionCheck(ClusterTopology topology, SharedMonitors.Lease lease) {
        this.topology = topology;
        this.lease = lease;
    }

    /** @throws SQLException see the class comment; the backend's SQLState and exception are kept */
    void run() throws SQLException {
        TopologyMonitor monitor = lease.monitor();
        if (monitor.snapshot().anyNodeKnown()) {
            topology.announcement().once(topology.name(), () -> StatusReport.of(monitor, topology));
            return;
        }
        throw topology.noNodeAccepted(node -> monitor.lastFailure(node.id()));
    }
}
