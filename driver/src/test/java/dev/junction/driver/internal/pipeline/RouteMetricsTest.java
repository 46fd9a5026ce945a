package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.metrics.RoutedTo;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.RouteReason;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.MessageFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** What the route step, the failure seam and the pins count, over fake nodes (a replica, a primary). */
class RouteMetricsTest {
    private final FakeCluster cluster = new FakeCluster("replica", "primary");

    private ClusterTopology topology(ConnectionSettings settings) {
        return new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
    }

    private static void run(RoutingConnection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void countsEachStatementOnceByTargetAndReason() throws SQLException {
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = topology(settings);
        ClusterMetrics metrics = topology.metrics();
        try (RoutingConnection connection = cluster.connect(settings, topology)) {
            run(connection, "insert into t values (1)");
            run(connection, "insert into t values (2)");
            run(connection, "select 1");
            run(connection, "select 2");
            run(connection, "select 3");
            run(connection, "select * from t for update");
            run(connection, "/* junction:primary */ select 4");
        }
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.WRITE)).isEqualTo(2);
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ)).isEqualTo(3);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.LOCKING_READ)).isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.HINT_PRIMARY)).isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.PRIMARY) + metrics.routes(RoutedTo.REPLICA))
                .isEqualTo(7);
        assertThat(metrics.routes(RoutedTo.FALLBACK)).isZero();
    }

    @Test
    void countsAReadWithNoReplicaKnownAsRoutedToThePrimaryNotAsAFallback() throws SQLException {
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = topology(settings);
        try (RoutingConnection connection = cluster.connect(settings, topology)) {
            run(connection, "select 1"); // probes: both nodes known
            // Without a monitor a node marked down has no role: the policy sees no replica at all, and the read is
            // not a fallback. (A read that wanted a replica and found none qualifying is: MetricsJmxIT checks one.)
            topology.markDown(topology.nodes().get(0), "test: replica down");
            run(connection, "select 2");
        }
        ClusterMetrics metrics = topology.metrics();
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ)).isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.NO_REPLICAS_CONFIGURED))
                .isEqualTo(1);
    }

    @Test
    void countsErrorsBySqlStateAndPinsByCause() throws SQLException {
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = topology(settings);
        try (RoutingConnection connection = cluster.connect(settings, topology)) {
            run(connection, "select 1"); // the first use probes: a failure set before would fail the probe
            cluster.server(1).failNext = new SQLException("duplicate key", "23505");
            assertThatThrownBy(() -> run(connection, "insert into t values (1)"))
                    .isInstanceOf(SQLException.class);
            run(connection, "create temporary table tmp (id int)");
        }
        ClusterMetrics metrics = topology.metrics();
        assertThat(metrics.errors()).isEqualTo(Map.of("23505", 1L));
        assertThat(metrics.pins()).hasSize(1);
        assertThat(metrics.pins().values()).containsExactly(1L);
    }

    @Test
    void logsEachDecisionAtDebugWithoutTheSqlText() throws SQLException {
        java.util.logging.Logger routingLog = java.util.logging.Logger.getLogger("dev.junction.routing");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        routingLog.setLevel(Level.FINE);
        routingLog.addHandler(handler);
        try (RoutingConnection connection = cluster.connect("")) {
            run(connection, "insert into t values (12345)");
            run(connection, "select 67890");
        } finally {
            routingLog.removeHandler(handler);
            routingLog.setLevel(null);
        }
        assertThat(lines).containsExactly("WRITE -> primary h2:5433 (WRITE)", "READ -> replica h1:5432 (REPLICA_READ)");
    }

    @Test
    void metricsOffCountsNothing() throws SQLException {
        ConnectionSettings settings = cluster.settings("?metrics=off");
        ClusterTopology topology = topology(settings);
        try (RoutingConnection connection = cluster.connect(settings, topology)) {
            run(connection, "insert into t values (1)");
            run(connection, "select 1");
            cluster.server(1).failNext = new SQLException("duplicate key", "23505");
            assertThatThrownBy(() -> run(connection, "insert into t values (1)"))
                    .isInstanceOf(SQLException.class);
        }
        ClusterMetrics metrics = topology.metrics();
        assertThat(metrics.routes(RoutedTo.PRIMARY) + metrics.routes(RoutedTo.REPLICA))
                .isZero();
        assertThat(metrics.errors()).isEmpty();
    }
}
