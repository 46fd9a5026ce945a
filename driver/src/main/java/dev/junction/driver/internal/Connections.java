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
 * {@link TopologyMonitor} (started at first use, which probes every node before the first statement), its
 * classifier and routing policy, checks that the nodes let this connection's credentials in ({@link ConnectionCheck}),
 * and wires them into a {@link RoutingConnection}. Sessions open the physical connections they need when they need
 * them.
 *
 * <p>Time: {@code getConnection} waits for the monitor's first probe round, which ends once the primary has answered
 * and the other nodes have had {@link TopologyMonitor#FIRST_ROUND_GRACE} to answer, or after {@link #PROBE_TIMEOUT}
 * when nodes hang or no node answers; then, for credentials no open connection has shown to work, for one connection
 * to the primary with the same timeouts. So at most {@code 2 × PROBE_TIMEOUT} plus scheduling, and one probe
 * timeout when every node is down.
 *
 * <p>Monitor lifetime: each logical connection holds a lease on the cluster's monitor and releases it on close; a
 * {@code JunctionDataSource} holds one from its first connection until {@code close()}. When the last lease goes,
 * the monitor stops after {@link #IDLE_GRACE} (immediately when the last one is a data source's), so that
 * {@code DriverManager} users who open one connection per task do not restart it each time.
 */
public final class Connections {
    /** How long an unused monitor lives on after the last connection closes. */
    public static final Duration IDLE_GRACE = Duration.ofSeconds(2);
    /**
     * Connect and login bound of probe and check connections, and how long start-up waits for the first probe round:
     * a hung node must not hold a probe, or a {@code getConnection}, longer.
     */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private Connections() {
    }

    /**
     * A new logical connection.
     *
     * @throws SQLException the backend driver is missing (08001); no node could be reached (08001); nodes refused the
     *                      connection (the state they agreed on, such as 28P01 for a wrong password, else 08004)
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
            new ConnectionCheck(topology, lease, new BackendNodeConnector(settings, backend, checkTimeouts(settings.backend()))).run();
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
        // Joiners wait for a start-up in progress a little longer than the start-up itself may take.
        Duration startupWait = PROBE_TIMEOUT.plusMillis(500);
        SharedMonitors.Lease lease = SharedMonitors.acquire(settings.clusterKey(), settings.credentialKey(),
                () -> createMonitor(settings, topology, backend), startupWait);
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

    /** The probe timeouts, under another application name so that a server's log tells the check from the monitor. */
    private static Properties checkTimeouts(Backend backend) {
        Properties timeouts = probeTimeouts(backend);
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("ApplicationName", "junction-connect-check");
        }
        return timeouts;
    }

    /**
     * Every bound of a probe or check connection is {@link #PROBE_TIMEOUT}: connect, login and socket. The socket
     * timeout counts while the connection is being made (a node that accepts TCP and then hangs, SIGSTOP); afterwards
     * the monitor sets its own network timeout. PgJDBC runs a login with {@code loginTimeout} on a daemon thread of
     * its own, which returns to the caller at the timeout and itself ends at the socket timeout (twice it, when
     * {@code sslmode=prefer} retries without SSL). PgJDBC takes seconds, Connector/J milliseconds.
     */
    private static Properties probeTimeouts(Backend backend) {
        Properties timeouts = new Properties();
        long seconds = PROBE_TIMEOUT.toSeconds();
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("connectTimeout", Long.toString(seconds));
            timeouts.setProperty("loginTimeout", Long.toString(seconds));
            timeouts.setProperty("socketTimeout", Long.toString(seconds));
            timeouts.setProperty("ApplicationName", "junction-monitor");
        } else {
            timeouts.setProperty("connectTimeout", Long.toString(PROBE_TIMEOUT.toMillis()));
            timeouts.setProperty("socketTimeout", Long.toString(PROBE_TIMEOUT.toMillis()));
        }
        return timeouts;
    }
}
