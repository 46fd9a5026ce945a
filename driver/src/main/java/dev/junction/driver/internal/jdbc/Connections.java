package dev.junction.driver.internal.jdbc;

import dev.junction.driver.CommitOutcomeMode;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDrivers;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.monitor.MySqlFamilyProbe;
import dev.junction.driver.internal.topology.monitor.PostgresReplicationProbe;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Opens logical connections: finds the backend driver and the shared state of the cluster as this connection's
 * credentials see it (a {@link ClusterTopology} with its {@link TopologyMonitor}, classifier, routing policy and
 * catalogs, one per cluster and set of credentials, see {@link SharedMonitors}), checks that the nodes let these
 * credentials in ({@link ConnectionCheck}), and wires them into a {@link RoutingConnection}. Sessions open the
 * physical connections they need when they need them.
 *
 * <p>Time: {@code getConnection} waits for the monitor's first probe round, which ends once the primary has answered
 * and the other nodes have had {@link TopologyMonitor#FIRST_ROUND_GRACE} to answer, or after
 * {@link ClusterTopology#PROBE_TIMEOUT} when nodes hang or no node answers. The probes log in with this connection's
 * credentials, so they are its check.
 *
 * <p>Lifetime: each logical connection holds a lease on its entry and releases it on close; a
 * {@code JunctionDataSource} holds one per set of credentials it connected with, from that first connection until
 * {@code close()}. When the last lease of an entry goes, the monitor stops and the catalogs close after
 * {@link #IDLE_GRACE} (immediately when the last one is a data source's), so that {@code DriverManager} users who open
 * one connection per task do not restart it each time.
 *
 * <p>The key ({@link #key}) is computed here, once per {@code getConnection} (a data source computes its settings'
 * hash once): statements never hash anything.
 */
public final class Connections {
    /** How long an unused monitor lives on after the last connection closes. */
    public static final Duration IDLE_GRACE = Duration.ofSeconds(2);
    /**
     * Socket timeout of the catalog connection: a function lookup holds up the statement that needs it, so a primary
     * that stops answering must not hold it for ever; catalog reads over a large schema may take a few seconds.
     */
    static final Duration CATALOG_QUERY_TIMEOUT = Duration.ofSeconds(10);

    private Connections() {}

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
        return open(settings, backend, SharedMonitors.GraceTimer.ON_MONITOR_THREAD);
    }

    /** The same, the idle grace of a new entry timed by {@code graceTimer}: a test's fake clock. */
    public static RoutingConnection open(
            ConnectionSettings settings, Driver backend, SharedMonitors.GraceTimer graceTimer) throws SQLException {
        NodeConnector connector = new BackendNodeConnector(settings, backend);
        SharedMonitors.Lease lease = monitorLease(settings, backend, graceTimer);
        try {
            ClusterTopology topology = topology(lease);
            new ConnectionCheck(topology, lease).run();
            if (settings.properties().get(JunctionProperty.COMMIT_OUTCOME) == CommitOutcomeMode.TRACK
                    && topology.knownPrimary() != null) {
                // At connect, so that a user who may not create the table is told here; else at the first commit.
                topology.commitOutcomes(connector, settings.properties().get(JunctionProperty.FAILOVER_TIMEOUT))
                        .ensureTable(topology.knownPrimary());
            }
            return new RoutingConnection(
                    settings, topology, connector, topology.routing(settings.backend(), connector), lease);
        } catch (SQLException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** What {@code settings} share with other connections under: their cluster and their credentials' salted hash. */
    public static SharedMonitors.Key key(ConnectionSettings settings) {
        return new SharedMonitors.Key(settings.clusterKey(), settings.credentialKey());
    }

    /** A lease on the entry of these settings' cluster and credentials, started with them if none runs yet. */
    public static SharedMonitors.Lease monitorLease(ConnectionSettings settings) throws SQLException {
        return monitorLease(settings, BackendDrivers.of(settings.backend()));
    }

    /** The same, probing through {@code backend} (see {@link #open(ConnectionSettings, Driver)}). */
    public static SharedMonitors.Lease monitorLease(ConnectionSettings settings, Driver backend) {
        return monitorLease(settings, backend, SharedMonitors.GraceTimer.ON_MONITOR_THREAD);
    }

    private static SharedMonitors.Lease monitorLease(
            ConnectionSettings settings, Driver backend, SharedMonitors.GraceTimer graceTimer) {
        // Joiners wait for a start-up in progress a little longer than the start-up itself may take.
        Duration startupWait = ClusterTopology.PROBE_TIMEOUT.plusMillis(500);
        NodeConnector catalogConnector =
                new BackendNodeConnector(settings, backend, catalogTimeouts(settings.backend()));
        NodeConnector syncConnector = new BackendNodeConnector(settings, backend, syncTimeouts(settings.backend()));
        SharedMonitors.Key key = key(settings);
        return SharedMonitors.acquire(
                key,
                commits -> ClusterTopology.keyed(
                        key,
                        settings,
                        commits,
                        catalogConnector,
                        syncConnector,
                        topology -> createMonitor(settings, topology, backend)),
                startupWait,
                graceTimer);
    }

    /** The topology of {@code lease}'s entry. */
    public static ClusterTopology topology(SharedMonitors.Lease lease) {
        return (ClusterTopology) lease.shared();
    }

    private static TopologyMonitor createMonitor(
            ConnectionSettings settings, ClusterTopology topology, Driver backend) {
        ReplicationProbe probe = settings.backend() == Backend.POSTGRESQL
                ? new PostgresReplicationProbe()
                : new MySqlFamilyProbe(topology.isMultiMaster());
        NodeConnector probeConnector = new BackendNodeConnector(settings, backend, probeTimeouts(settings.backend()));
        List<NodeId> ids = topology.nodes().stream().map(Node::id).collect(Collectors.toList());
        Duration interval = settings.properties().get(JunctionProperty.MONITOR_INTERVAL);
        TopologyMonitor.Settings monitorSettings =
                new TopologyMonitor.Settings(interval, ClusterTopology.PROBE_TIMEOUT, 3, Duration.ofSeconds(2), 4096);
        // Named by cluster and user (never the password): one monitor per set of credentials, told apart in a thread
        // dump.
        String name =
                settings.user() == null ? settings.clusterKey() : settings.clusterKey() + " as " + settings.user();
        return new TopologyMonitor(
                name,
                ids,
                probe,
                node -> probeConnector.open(topology.node(node).address()),
                monitorSettings,
                System::nanoTime);
    }

    /**
     * The probe's connect and login bounds, a longer socket timeout, and a name of its own ({@code ApplicationName} on
     * PostgreSQL, the {@code program_name} connection attribute on MySQL/MariaDB), so that a server's log,
     * {@code pg_stat_activity} and {@code performance_schema.session_connect_attrs} tell the catalogs from the sessions
     * and the monitor.
     */
    private static Properties catalogTimeouts(Backend backend) {
        Properties timeouts = probeTimeouts(backend);
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("socketTimeout", Long.toString(CATALOG_QUERY_TIMEOUT.toSeconds()));
            timeouts.setProperty("ApplicationName", "junction-catalog");
        } else {
            timeouts.setProperty("socketTimeout", Long.toString(CATALOG_QUERY_TIMEOUT.toMillis()));
            timeouts.setProperty("connectionAttributes", "program_name:junction-catalog");
        }
        return timeouts;
    }

    /**
     * The probe's bounds and a name of its own, {@code junction-sync}: the connections over which commits wait for
     * replicas ({@code syncMode}). Each question sets its own network timeout from the wait's deadline.
     */
    private static Properties syncTimeouts(Backend backend) {
        Properties timeouts = probeTimeouts(backend);
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("ApplicationName", "junction-sync");
        } else {
            timeouts.setProperty("connectionAttributes", "program_name:junction-sync");
        }
        return timeouts;
    }

    /**
     * Every bound of a probe connection is {@link ClusterTopology#PROBE_TIMEOUT}: connect, login and socket. The
     * socket timeout counts while the connection is being made (a node that accepts TCP and then hangs, SIGSTOP);
     * afterwards the monitor sets its own network timeout. PgJDBC runs a login with {@code loginTimeout} on a daemon
     * thread of its own, which returns to the caller at the timeout and itself ends at the socket timeout (twice it,
     * when {@code sslmode=prefer} retries without SSL). PgJDBC takes seconds, both Connector/Js milliseconds. The probes
     * call themselves {@code junction-monitor}, as {@link #catalogTimeouts} says.
     */
    private static Properties probeTimeouts(Backend backend) {
        Properties timeouts = new Properties();
        long seconds = ClusterTopology.PROBE_TIMEOUT.toSeconds();
        if (backend == Backend.POSTGRESQL) {
            timeouts.setProperty("connectTimeout", Long.toString(seconds));
            timeouts.setProperty("loginTimeout", Long.toString(seconds));
            timeouts.setProperty("socketTimeout", Long.toString(seconds));
            timeouts.setProperty("ApplicationName", "junction-monitor");
        } else {
            timeouts.setProperty("connectTimeout", Long.toString(ClusterTopology.PROBE_TIMEOUT.toMillis()));
            timeouts.setProperty("socketTimeout", Long.toString(ClusterTopology.PROBE_TIMEOUT.toMillis()));
            // Both Connector/Js send these to performance_schema.session_connect_attrs ("key:value,...").
            timeouts.setProperty("connectionAttributes", "program_name:junction-monitor");
        }
        return timeouts;
    }
}
