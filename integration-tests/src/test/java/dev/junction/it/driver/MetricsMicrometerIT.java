package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.metrics.JunctionMeterBinder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link JunctionMeterBinder} over a real PostgreSQL primary and one standby: bound before the cluster's first
 * connection, it picks the cluster up when it comes, and its meters count exactly what ran.
 */
class MetricsMicrometerIT {
    private static PostgresCluster cluster;
    private static PostgresNode standby;
    private static String clusterUrl;
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final JunctionMeterBinder BINDER = new JunctionMeterBinder();

    @BeforeAll
    static void startCluster() {
        BINDER.bindTo(REGISTRY);
        cluster = PostgresCluster.builder().standbys(1).start();
        standby = cluster.standbys().get(0);
        clusterUrl = "jdbc:junction:postgresql://" + standby.address() + ","
                + cluster.primary().address() + "/postgres";
        cluster.primary()
                .execute(
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create table items(id serial primary key, note text)",
                        "insert into items(note) values ('first')");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        BINDER.close();
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Connection connect(String parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return DriverManager.getConnection(clusterUrl + parameters, properties);
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select server_port()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static double statements(String target, String reason) {
        FunctionCounter counter = REGISTRY.find("junction.statements")
                .tag("cluster", clusterUrl)
                .tag("target", target)
                .tag("reason", reason)
                .functionCounter();
        assertThat(counter)
                .as("junction.statements{target=%s,reason=%s}", target, reason)
                .isNotNull();
        return counter.count();
    }

    @Test
    void countsStatementsByTargetAndReasonExactly() throws SQLException {
        try (Connection connection = connect("?readConsistency=eventual&maxReplicaLag=30s")) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (port(connection) != standby.port() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(port(connection)).isEqualTo(standby.port());
            double writes = statements("primary", "WRITE");
            double reads = statements("replica", "REPLICA_READ");

            for (int i = 0; i < 3; i++) {
                run(connection, "insert into items(note) values ('micrometer " + i + "')");
            }
            for (int i = 0; i < 4; i++) {
                run(connection, "select note from items where id = 1");
            }
            assertThatThrownBy(() -> run(connection, "insert into no_such_table values (1)"))
                    .isInstanceOf(SQLException.class);

            assertThat(statements("primary", "WRITE") - writes).isEqualTo(4.0); // the failed insert was routed too
            assertThat(statements("replica", "REPLICA_READ") - reads).isEqualTo(4.0);
            FunctionCounter missingTable = REGISTRY.find("junction.errors")
                    .tag("cluster", clusterUrl)
                    .tag("sqlstate", "42P01")
                    .functionCounter();
            assertThat(missingTable).isNotNull();
            assertThat(missingTable.count()).isEqualTo(1.0);
            TimeGauge staleness = REGISTRY.find("junction.replica.staleness")
                    .tag("cluster", clusterUrl)
                    .tag("node", standby.address())
                    .timeGauge();
            assertThat(staleness).isNotNull();
            assertThat(staleness.value(TimeUnit.MILLISECONDS))
                    .as("measured by the monitor")
                    .isNotNaN();

            assertThat(REGISTRY.find("junction.classifier.cache.hits")
                            .tag("cluster", clusterUrl)
                            .functionCounter()
                            .count())
                    .isPositive();
        }
    }
}
