package dev.junction.driver.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.Connections;
import dev.junction.driver.internal.jdbc.FakeBackendDriver;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.metrics.LiveClusters;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * A cluster's MBean lives as long as its registry entry: registered by the first connection with {@code metrics=on},
 * unregistered by the entry's release with its last user; never for {@code metrics=off}. Over
 * {@link FakeBackendDriver}, hosts of this test's own.
 */
class MetricsLifecycleTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private final FakeBackendDriver backend = new FakeBackendDriver();

    private static ConnectionSettings settings(String url) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", "S3cr3t-pw");
        return ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of());
    }

    @Test
    void registersWithTheFirstConnectionAndUnregistersWithTheRelease() throws Exception {
        backend.server("life1:5432");
        backend.server("life2:5432").replica();
        String url = "jdbc:junction:postgresql://life1:5432,life2:5432/app";
        List<ClusterMetrics> announced = new ArrayList<>();
        List<ClusterMetrics> withdrawn = new ArrayList<>();
        LiveClusters.Subscription subscription = LiveClusters.subscribe(new LiveClusters.Listener() {
            @Override
            public void added(ClusterMetrics cluster) {
                announced.add(cluster);
            }

            @Override
            public void removed(ClusterMetrics cluster) {
                withdrawn.add(cluster);
            }
        });
        ObjectName name;
        ClusterMetrics metrics;
        try (SharedMonitors.Lease lease = Connections.monitorLease(settings(url), backend)) {
            metrics = Connections.topology(lease).metrics();
            assertThat(metrics.objectName()).as("no connection yet").isNull();
            try (Connection connection = Connections.open(settings(url), backend);
                    Statement statement = connection.createStatement()) {
                statement.execute("select 1");
            }
            name = metrics.objectName();
            assertThat(name.toString())
                    .isEqualTo("dev.junction:type=Cluster,name=\"" + url + "\",user=\"app\"")
                    .doesNotContain("S3cr3t");
            assertThat(SERVER.isRegistered(name)).isTrue();
            assertThat(SERVER.getAttribute(name, "StatementsToReplica")).isEqualTo(1L);
            assertThat(announced).contains(metrics);
        } finally {
            subscription.close();
        }
        assertThat(SERVER.isRegistered(name))
                .as("the last lease released the entry")
                .isFalse();
        assertThat(withdrawn).contains(metrics);
        assertThat(LiveClusters.active()).doesNotContain(metrics);
    }

    @Test
    void metricsOffRegistersNothing() throws Exception {
        backend.server("off1:5432");
        String url = "jdbc:junction:postgresql://off1:5432/app";
        try (SharedMonitors.Lease lease = Connections.monitorLease(settings(url), backend);
                Connection connection = Connections.open(settings(url + "?metrics=off"), backend);
                Statement statement = connection.createStatement()) {
            statement.execute("select 1");
            assertThat(Connections.topology(lease).metrics().objectName()).isNull();
            assertThat(SERVER.queryNames(new ObjectName("dev.junction:type=Cluster,*"), null))
                    .noneMatch(name -> name.toString().contains("off1:5432"));
        }
    }
}
