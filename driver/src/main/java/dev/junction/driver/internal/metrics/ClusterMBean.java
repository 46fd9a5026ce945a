package dev.junction.driver.internal.metrics;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.metrics.JunctionClusterMXBean;
import dev.junction.router.RouteReason;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MXBean of one {@link ClusterMetrics}, and its registration on the platform MBean server under
 * {@code dev.junction:type=Cluster,name="<cluster URL>",user=<user>}; a second registration of the same cluster and
 * user (another password, other backend properties: another topology) gets {@code ,instance=2} and so on. Failing
 * to register (a security manager, a server that refuses) costs the MBean, never the connection.
 */
final class ClusterMBean implements JunctionClusterMXBean {
    private static final System.Logger LOG = System.getLogger(ClusterMBean.class.getName());

    private final ClusterMetrics metrics;

    private ClusterMBean(ClusterMetrics metrics) {
        this.metrics = metrics;
    }

    /** A registered MBean, unregistered once. */
    record Registration(MBeanServer server, ObjectName name) {
        void unregister() {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not unregister " + name, e);
            }
        }
    }

    /** The name for {@code cluster} and {@code user}, {@code instance} counting from 1 (left out). */
    static ObjectName name(String cluster, String user, int instance) throws JMException {
        String name = "dev.junction:type=Cluster,name=" + ObjectName.quote(cluster) + ",user="
                + ObjectName.quote(user == null ? "" : user);
        return new ObjectName(instance == 1 ? name : name + ",instance=" + instance);
    }

    /** Registers {@code metrics}' MBean; null when the server refused it. */
    static Registration register(ClusterMetrics metrics) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ClusterMBean bean = new ClusterMBean(metrics);
        try {
            for (int instance = 1; ; instance++) {
                ObjectName name = name(metrics.cluster(), metrics.user(), instance);
                try {
                    server.registerMBean(bean, name);
                    return new Registration(server, name);
                } catch (InstanceAlreadyExistsException e) {
                    // another topology of the same cluster and user: try the next instance number
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Junction could not register the MBean of " + metrics.cluster(), e);
            return null;
        }
    }

    @Override
    public String getCluster() {
        return metrics.cluster();
    }

    @Override
    public String getUser() {
        return metrics.user() == null ? "" : metrics.user();
    }

    @Override
    public long getStatementsToPrimary() {
        return metrics.routes(RoutedTo.PRIMARY);
    }

    @Override
    public long getStatementsToReplica() {
        return metrics.routes(RoutedTo.REPLICA);
    }

    @Override
    public long getStatementsFallenBackToPrimary() {
        return metrics.routes(RoutedTo.FALLBACK);
    }

    @Override
    public Map<String, Long> getStatementsByRoute() {
        Map<String, Long> routes = new LinkedHashMap<>();
        for (RoutedTo to : RoutedTo.values()) {
            for (RouteReason reason : RouteReason.values()) {
                long count = metrics.routes(to, reason);
                if (count != 0) {
                    routes.put(to.label() + "/" + reason.name(), count);
                }
            }
        }
        return routes;
    }

    @Override
    public long getReadYourWritesWaits() {
        return metrics.readYourWritesWaits();
    }

    @Override
    public long getReadYourWritesWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(metrics.readYourWritesWaitNanos());
    }

    @Override
    public long getStaleReplicaWaits() {
        return metrics.staleReplicaWaits();
    }

    @Override
    public long getStaleReplicaWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(metrics.staleReplicaWaitNanos());
    }

    @Override
    public Map<String, Long> getSyncWaitsByMode() {
        return byMode(metrics::syncWaits);
    }

    @Override
    public Map<String, Long> getSyncWaitMillisByMode() {
        return byMode(mode -> TimeUnit.NANOSECONDS.toMillis(metrics.syncWaitNanos(mode)));
    }

    @Override
    public Map<String, Long> getSyncTimeoutsByMode() {
        return byMode(metrics::syncTimeouts);
    }

    @Override
    public long getSyncConfirmationsByServer() {
        return metrics.syncConfirmationsByServer();
    }

    @Override
    public long getSyncDegradations() {
        return metrics.syncDegradations();
    }

    @Override
    public List<String> getDegradedSyncModes() {
        return metrics.degradedSyncModes();
    }

    @Override
    public long getPrimaryChanges() {
        return metrics.primaryChanges();
    }

    private static Map<String, Long> byMode(java.util.function.ToLongFunction<String> count) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String mode : ClusterMetrics.SYNC_MODES) {
            counts.put(mode, count.applyAsLong(mode));
        }
        return counts;
    }

    @Override
    public Map<String, Long> getPinsByCause() {
        return metrics.pins();
    }

    @Override
    public Map<String, Long> getErrorsBySqlState() {
        return metrics.errors();
    }

    @Override
    public long getClassifierCacheHits() {
        return metrics.classifier().cacheHits();
    }

    @Override
    public long getClassifierCacheMisses() {
        return metrics.classifier().classified();
    }

    @Override
    public long getClassifierParseFailures() {
        return metrics.classifier().parseFailures();
    }

    @Override
    public long getTransactionsStartedOnReplica() {
        return metrics.moves().started();
    }

    @Override
    public long getTransactionsMoved() {
        return metrics.moves().moved();
    }

    @Override
    public long getTransactionMoveConflicts() {
        return metrics.moves().conflicts();
    }

    @Override
    public Map<String, String> getNodeRoles() {
        Map<String, String> roles = new LinkedHashMap<>();
        for (NodeStatus node : metrics.nodes()) {
            roles.put(node.address(), node.up() ? node.role() : "down");
        }
        return roles;
    }

    @Override
    public Map<String, Long> getReplicaStalenessMillis() {
        Map<String, Long> staleness = new LinkedHashMap<>();
        for (NodeStatus node : metrics.nodes()) {
            if (!"primary".equals(node.role())) {
                node.stalenessBound().ifPresent(bound -> staleness.put(node.address(), bound.toMillis()));
            }
        }
        return staleness;
    }

    @Override
    public Map<String, String> getReplicationPositions() {
        Map<String, String> positions = new LinkedHashMap<>();
        for (NodeStatus node : metrics.nodes()) {
            node.position().ifPresent(position -> positions.put(node.address(), position));
        }
        return positions;
    }
}
