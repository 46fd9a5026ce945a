package dev.junction.driver.internal;

import java.sql.Driver;
import java.sql.SQLException;

/**
 * Opens logical connections: finds the backend driver, the cluster's shared topology (probing it at first use), its
 * classifier and routing policy, and wires them into a {@link RoutingConnection}. No physical connection is opened here beyond the
 * probes of a topology's first use: sessions open what they need when they need it.
 */
public final class Connections {
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
        topology.ensureProbed(connector);
        return new RoutingConnection(settings, topology, connector, topology.routing(settings.backend(), connector));
    }
}
