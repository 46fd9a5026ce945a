package dev.junction.driver.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.router.RouteReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counters themselves: each recording lands in its own slot, and {@link ClusterMetrics#OFF} counts nothing. */
class ClusterMetricsTest {
    private final ClusterTopology topology = new ClusterTopology(
            "jdbc:junction:postgresql://h1:5432,h2:5433/app",
            BackendDialect.POSTGRESQL,
            List.of(new HostAndPort("h1", 5432), new HostAndPort("h2", 5433)));
    private final ClusterMetrics metrics = topology.metrics();

    @Test
    void countsEachTargetAndReasonInItsOwnSlot() {
        RouteCounts connection = metrics.routeCounts();
        connection.routed(RoutedTo.PRIMARY, RouteReason.WRITE);
        connection.routed(RoutedTo.PRIMARY, RouteReason.WRITE);
        connection.routed(RoutedTo.REPLICA, RouteReason.REPLICA_READ);
        connection.routed(RoutedTo.FALLBACK, RouteReason.NO_REPLICA_STALE);

        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.WRITE)).isEqualTo(2);
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ)).isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.FALLBACK, RouteReason.NO_REPLICA_STALE))
                .isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.REPLICA_READ)).isZero();
        assertThat(metrics.routes(RoutedTo.PRIMARY)).isEqualTo(2);
        assertThat(metrics.routes(RoutedTo.REPLICA)).isEqualTo(1);
        assertThat(metrics.routes(RoutedTo.FALLBACK)).isEqualTo(1);
    }

    @Test
    void aConnectionsOwnCountsAreSummedWhileItIsOpenAndKeptOnceItCloses() {
        RouteCounts first = metrics.routeCounts();
        RouteCounts second = metrics.routeCounts();
        first.routed(RoutedTo.REPLICA, RouteReason.REPLICA_READ);
        first.routed(RoutedTo.REPLICA, RouteReason.REPLICA_READ);
        second.routed(RoutedTo.REPLICA, RouteReason.REPLICA_READ);
        second.routed(RoutedTo.REPLICA, RouteReason.REPLICA_READ);
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ)).isEqualTo(4);

        first.close();
        first.close();
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ))
                .as("closing twice adds its counts once")
                .isEqualTo(4);
        second.routed(RoutedTo.PRIMARY, RouteReason.WRITE);
        second.close();
        assertThat(metrics.routes(RoutedTo.REPLICA, RouteReason.REPLICA_READ)).isEqualTo(4);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.WRITE)).isEqualTo(1);
        assertThat(ClusterMetrics.OFF.routeCounts()).isSameAs(RouteCounts.NONE);
    }

    @Test
    void separatesReadYourWritesWaitsFromStaleReplicaWaits() {
        metrics.waited(true, 3_000_000);
        metrics.waited(true, 2_000_000);
        metrics.waited(false, 7_000_000);

        assertThat(metrics.readYourWritesWaits()).isEqualTo(2);
        assertThat(metrics.readYourWritesWaitNanos()).isEqualTo(5_000_000);
        assertThat(metrics.staleReplicaWaits()).isEqualTo(1);
        assertThat(metrics.staleReplicaWaitNanos()).isEqualTo(7_000_000);
    }

    @Test
    void countsErrorsBySqlStateAndTellsListenersOfNewStatesOnce() {
        List<String> added = new ArrayList<>();
        metrics.listenToKeys((counter, key) -> added.add(counter + ":" + key));

        metrics.failed("40001");
        metrics.failed("40001");
        metrics.failed(null);
        metrics.pinned("temporary table");

        assertThat(metrics.errors()).isEqualTo(Map.of("40001", 2L, "none", 1L));
        assertThat(metrics.pins()).isEqualTo(Map.of("temporary table", 1L));
        assertThat(metrics.keyed(ClusterMetrics.ERRORS, "40001")).isEqualTo(2);
        assertThat(added).containsExactly("errors:40001", "errors:none", "pins:temporary table");
    }

    @Test
    void offCountsNothing() {
        ClusterMetrics off = ClusterMetrics.OFF;
        off.routeCounts().routed(RoutedTo.PRIMARY, RouteReason.WRITE);
        off.waited(true, 1);
        off.failed("42P01");
        off.pinned("listen");

        assertThat(off.routes(RoutedTo.PRIMARY)).isZero();
        assertThat(off.readYourWritesWaits()).isZero();
        assertThat(off.errors()).isEmpty();
        assertThat(off.pins()).isEmpty();
        assertThat(off.activate("app").objectName()).isNull();
    }

    @Test
    void aTopologyOfItsOwnCountsWithoutRegisteringAnMBean() {
        metrics.activate("app");
        metrics.routeCounts().routed(RoutedTo.PRIMARY, RouteReason.DDL);

        assertThat(metrics.objectName()).isNull();
        assertThat(LiveClusters.active()).doesNotContain(metrics);
        assertThat(metrics.routes(RoutedTo.PRIMARY, RouteReason.DDL)).isEqualTo(1);
    }

    @Test
    void readsZerosFromAClassifierNotMadeYet() {
        assertThat(metrics.classifier().cacheHits()).isZero();
        assertThat(metrics.moves().moved()).isZero();
        assertThat(metrics.nodeAddresses()).containsExactly("h1:5432", "h2:5433");
        assertThat(metrics.stalenessMillis("h1:5432")).isNaN();
    }

    @Test
    void quotesTheClusterAndUserInTheObjectName() throws Exception {
        assertThat(ClusterMBean.name("jdbc:junction:postgresql://h1:5432,h2:5433/app", "app", 1)
                        .toString())
                .isEqualTo("dev.junction:type=Cluster,name=\"jdbc:junction:postgresql://h1:5432,h2:5433/app\","
                        + "user=\"app\"");
        assertThat(ClusterMBean.name("c", null, 2).getKeyProperty("instance")).isEqualTo("2");
    }
}
