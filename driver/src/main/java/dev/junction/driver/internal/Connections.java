package dev.junction.driver.internal;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Opens logical connections: finds the backend driver, the cluster's shared topology (probing it at first use) and
 * the classifier, and wires them into a {@link RoutingConnection}. No physical connection is opened here beyond the
 * probes of a topology's first use: sessions open what they need when they need it.
 */
public final class Connections {
    private static final Map<Backend, StatementRouting> ROUTING = new EnumMap<>(Backend.class);

    static {
        for (Backend backend : Backend.values()) {
            ROUTING.put(backend, new KeywordStatementRouting(backend));
        }
    }

    private Connections() {
    }

    /**
     * A new logical connection.
     *
     * @throws SQLException the backend driver is missing (08001), or no node answered (08001, or the state all
     *                      nodes agreed on, such as 28P01 for a wrong password)
     */
    public static RoutingConnection open(ConnectionSettings settings) throws SQLException {
        Driver backend = BackendDrivers.of(settings.backend());
        NodeConnector connector = new BackendNodeConnector(settings, backend);
        ClusterTopology topology = ClusterTopology.of(settings);
        topology.ensureProbed(connector);
        return new RoutingConnection(settings, topology, connector, ROUTING.get(settings.backend()));
    }
}
