package dev.junction.driver.internal;

import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.monitor.MySqlFamilyProbe;
import dev.junction.driver.internal.monitor.PostgresReplicationProbe;
import dev.junction.driver.internal.monitor.ReplicationProbe;
import dev.junction.driver.internal.monitor.SharedMonitors;
import dev.junction.driver.internal.monitor.TopologyMonitor;
import dev.junction.router.NodeId;

import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Opens logical connections: finds the backend driver, the cluster's shared topology and its shared
 * {@link TopologyMonitor} (started at first use, which probes every node once before the first statement), its
 * classifier and routing policy, and wires them into a {@link RoutingConnection}. No physical connection is opened
 * here beyond the monitor's probe connections: sessions open what they need when they need it.
 *
 * <p>Monitor lifetime: each logical connection holds a lease on the cluster's monitor and releases it on close; a
 * {@code JunctionDataSource} holds one from its first connection until {@code close()}. When the last lease goes,
 * the monitor stops after {@link #IDLE_GRACE} (immediately when the last one is a data source's), so that
 * {@code DriverManager} users who open one connection per task do not restart it each time.
 */
public final class Connections {
    /** How long an unused monitor lives on after the last connection closes. */
    public static final Duration IDLE_GRACE = Duration.ofSeconds(2);
    /** Connect, login and socket bound of probe connections: a hung node must not hold a probe longer. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private Connections() {
    }

    /**
     * A new logical connection.
     *
     * @throws SQLException the backend driver is missing (08001), or no node answered (08001, or the state all
     *                      nodes agreed on, such as 28P01 for a wrong password)
     */
    public static RoutingConnection open(ConnectionSettings settings) throws SQLException {
        return open(settings, BackendDrivers.of(settings.backend()));
    }

    /**
     * A new logical connection whose physical connections {@code backend} opens instead of the driver
     * {@link BackendDrivers} would load: an instrumented or repackaged backend driver, or an in-memory one.
     */
    public static RoutingConnection open(ConnectionSettings settings, Driver backend) throws SQLException {
        NodeConnector connector = new BackendNodeConnector(settings, backend);
        ClusterTopology topology = ClusterTopology.of(settings);
        SharedMonitors.Lease lease = monitorLease(settings, topology, backend);
        try {
            topology.ensureProbed(connector);
            return new RoutingConnection(settings, topology, connector, topology.routing(settings.backend(), connector), lease);
        } catch (SQLException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** A lease on the cluster's monitor, started with these settings' credentials and interval if none runs yet. */
    public static SharedMonitors.Lease monitorLease(ConnectionSettings settings) throws SQLException {
        return monitorLease(settings, BackendDrivers.of(settings.backend()));
    }

    /** The same, probing through {@code backend} (see {@link #open(ConnectionSettings, Driver)}). */
    public static SharedMonitors.Lease monitorLease(ConnectionSettings settings, Driver backend) {
        return monitorLease(settings, ClusterTopology.of(settings), backend);
    }

    private static SharedMonitors.Lease monitorLease(ConnectionSettings settings, ClusterTopology topology, Driver backend) {
        SharedMonitors.Lease lease = SharedMonitors.acquire(settings.clusterKey(), () -> createMonitor(settings, topology, backend));
        topology.attach(lease.monitor());
        return lease;
    }

    private static TopologyMonitor createMonitor(ConnectionSettings settings, ClusterTopology topology, Driver backend) {
        ReplicationProbe probe = settings.backend() == Backend.POSTGRESQL ? new PostgresReplicationProbe() : new MySqlFamilyProbe();
        NodeConnector probeConnector = new BackendNodeConnector(settings, backend, probeTimeouts(settings.backend()));
        List<NodeId> ids = topology.nodes().stream().map(Node::id).collect(Collectors.toList());
        Duration interval = settings.properties().get(JunctionProperty.MONITOR_INTERVAL);
        TopologyMonitor.Settings monitorSettings = new TopologyMonitor.Settings(interval, PROBE_TIMEOUT, 3, Duration.ofSeconds(2), 4096);
        return new TopologyMonitor(settings.clusterKey(), ids, probe, node -> probeConnector.open(topology.node(node).address()),
                monitorSettings, System::nanoTime);
    }

    /** PgJDBC takes seconds, Connector/J milliseconds. */
    private static Properties probeTimeouts(Backend backend) {
        Properties timeouts = new Properties();
        long seconds = PROBE_TIMEOUT.toSeconds();
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("connectTimeout", Long.toString(seconds));
            timeouts.setProperty("loginTimeout", Long.toString(seconds));
            timeouts.setProperty("socketTimeout", Long.toString(seconds * 2));
            timeouts.setProperty("ApplicationName", "junction-monitor");
        } else {
            timeouts.setProperty("connectTimeout", Long.toString(PROBE_TIMEOUT.toMillis()));
            timeouts.setProperty("socketTimeout", Long.toString(PROBE_TIMEOUT.toMillis() * 2));
        }
        return timeouts;
    }
}
