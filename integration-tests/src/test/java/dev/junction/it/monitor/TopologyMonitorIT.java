package dev.junction.it.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.internal.topology.monitor.MariaDbReplicationProbe;
import dev.junction.driver.internal.topology.monitor.PostgresReplicationProbe;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.TopologySnapshot;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The topology monitor against real replication: roles discovered by probing, staleness that grows while
 * replay is paused and falls back when it resumes, a hung node marked down without piling up threads, and
 * no thread left after close.
 */
class TopologyMonitorIT {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static PostgresCluster postgres;
    private static MariaDbCluster mariadb;

    @BeforeAll
    static void startClusters() {
        postgres = PostgresCluster.builder().standbys(2).start();
        mariadb = MariaDbCluster.primaryReplica().start();
    }

    @AfterAll
    static void stopClusters() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    private static TopologyMonitor postgresMonitor(Duration probeTimeout) {
        List<NodeId> nodes = postgres.nodes().stream()
                .map(n -> NodeId.of(n.host(), n.port()))
                .toList();
        // Seeds in reverse order: roles must come from probes, not from where a host stands in the URL.
        List<NodeId> seeds = new java.util.ArrayList<>(nodes);
        java.util.Collections.reverse(seeds);
        TopologyMonitor monitor = new TopologyMonitor(
                "pg",
                seeds,
                new PostgresReplicationProbe(),
                node -> DriverManager.getConnection(
                        "jdbc:postgresql://" + node + "/postgres?connectTimeout=2&loginTimeout=2", "postgres", ""),
                new TopologyMonitor.Settings(INTERVAL, probeTimeout, 3, Duration.ofSeconds(1), 4096),
                System::nanoTime);
        monitor.start();
        return monitor;
    }

    private static NodeId id(PostgresNode node) {
        return NodeId.of(node.host(), node.port());
    }

    private static NodeId id(MariaDbNode node) {
        return NodeId.of(node.host(), node.port());
    }

    private static NodeState await(
            TopologyMonitor monitor, NodeId node, Predicate<NodeState> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopologySnapshot snapshot = monitor.snapshot();
        while (!condition.test(snapshot.node(node))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Condition not reached within " + timeout + "; last state " + snapshot.node(node));
            }
            snapshot = monitor.awaitNewerThan(snapshot, Duration.ofMillis(200));
        }
        return snapshot.node(node);
    }

    @Test
    void discoversRolesByProbingWhateverTheSeedOrder() {
        try (TopologyMonitor monitor = postgresMonitor(Duration.ofSeconds(2))) {
            TopologySnapshot snapshot = monitor.snapshot();
            assertThat(snapshot.primary().id()).isEqualTo(id(postgres.primary()));
            assertThat(snapshot.replicas())
                    .extracting(NodeState::id)
                    .containsExactlyInAnyOrderElementsOf(postgres.standbys().stream()
                            .map(TopologyMonitorIT::id)
                            .toList());
        }
    }

    @Test
    void pausedReplayGrowsStalenessAndResumedReplayBringsItBack() throws Exception {
        PostgresNode paused = postgres.node("standby1");
        try (TopologyMonitor monitor = postgresMonitor(Duration.ofSeconds(2))) {
            NodeState fresh = await(
                    monitor,
                    id(paused),
                    s -> s.stalenessBound() != null && s.stalenessBound().compareTo(Duration.ofMillis(500)) < 0,
                    Duration.ofSeconds(10));
            assertThat(fresh.role()).isEqualTo(NodeRole.REPLICA);

            paused.pauseReplay();
            try {
                postgres.primary().execute("create table if not exists monitor_writes(id serial primary key)");
                long writeUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                while (System.nanoTime() < writeUntil) {
                    postgres.primary().execute("insert into monitor_writes default values");
                }
                NodeState stale = monitor.snapshot().node(id(paused));
                assertThat(stale.stalenessBound())
                        .as("paused for 1.5 s of writes")
                        .isGreaterThan(Duration.ofMillis(1000));
                NodeState other = monitor.snapshot().node(id(postgres.node("standby2")));
                assertThat(other.stalenessBound()).as("the streaming standby").isLessThan(Duration.ofMillis(500));
            } finally {
                paused.resumeReplay();
            }
            await(
                    monitor,
                    id(paused),
                    s -> s.stalenessBound() != null && s.stalenessBound().compareTo(Duration.ofMillis(500)) < 0,
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void hungNodeIsMarkedDownWithoutPilingUpThreadsAndComesBack() throws Exception {
        PostgresNode hung = postgres.node("standby2");
        try (TopologyMonitor monitor = postgresMonitor(Duration.ofMillis(300))) {
            int threadsBefore = junctionThreads().size();
            hung.process().suspend();
            try {
                // Published as down at once (its probe hangs), then with no role once the failure streak is complete.
                NodeState down =
                        await(monitor, id(hung), s -> !s.up() && s.role() == NodeRole.UNKNOWN, Duration.ofSeconds(10));
                assertThat(down.role()).isEqualTo(NodeRole.UNKNOWN);
                assertThat(monitor.snapshot().primary()).isNotNull();
                Thread.sleep(1000); // let more rounds pass while the node stays hung: no thread may pile up
                assertThat(junctionThreads()).hasSize(threadsBefore);
            } finally {
                hung.process().resume();
            }
            await(monitor, id(hung), NodeState::up, Duration.ofSeconds(10));
        }
    }

    @Test
    void closeLeavesNoMonitorThread() {
        TopologyMonitor monitor = postgresMonitor(Duration.ofSeconds(2));
        assertThat(junctionThreads()).isNotEmpty();
        monitor.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!junctionThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(junctionThreads()).isEmpty();
    }

    @Test
    void mariaDbReplicaWithStoppedSqlThreadGrowsStale() throws Exception {
        MariaDbNode replica = mariadb.replicas().get(0);
        List<NodeId> nodes = mariadb.nodes().stream().map(TopologyMonitorIT::id).toList();
        try (TopologyMonitor monitor = new TopologyMonitor(
                "maria",
                nodes,
                new MariaDbReplicationProbe(),
                node -> DriverManager.getConnection(
                        "jdbc:mysql://" + node + "/?connectTimeout=2000&useSSL=false", "root", ""),
                TopologyMonitor.Settings.defaults(INTERVAL),
                System::nanoTime)) {
            monitor.start();
            assertThat(monitor.snapshot().primary().id()).isEqualTo(id(mariadb.primary()));
            await(
                    monitor,
                    id(replica),
                    s -> s.stalenessBound() != null && s.stalenessBound().compareTo(Duration.ofMillis(500)) < 0,
                    Duration.ofSeconds(10));
            replica.stopReplicaSqlThread();
            try {
                mariadb.primary()
                        .execute("create table if not exists monitor_writes(id int auto_increment primary key)");
                long writeUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                while (System.nanoTime() < writeUntil) {
                    mariadb.primary().execute("insert into monitor_writes values ()");
                }
                assertThat(monitor.snapshot().node(id(replica)).stalenessBound())
                        .isGreaterThan(Duration.ofMillis(1000));
            } finally {
                replica.startReplicaSqlThread();
            }
            await(
                    monitor,
                    id(replica),
                    s -> s.stalenessBound() != null && s.stalenessBound().compareTo(Duration.ofMillis(500)) < 0,
                    Duration.ofSeconds(10));
        }
    }

    /**
     * Live monitor and probe threads of this class's PostgreSQL monitor: other IT classes in the same JVM hold
     * monitors of their own clusters through Junction connections and pools that are still open.
     */
    private static Set<String> junctionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("junction-monitor") || name.startsWith("junction-probe"))
                .filter(name -> name.equals("junction-monitor pg")
                        || postgres.nodes().stream()
                                .anyMatch(node -> name.equals("junction-probe " + node.host() + ":" + node.port())))
                .collect(Collectors.toSet());
    }
}
