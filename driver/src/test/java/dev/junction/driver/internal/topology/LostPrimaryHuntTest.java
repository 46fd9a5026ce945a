package dev.junction.driver.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.replication.ReplicationPosition;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for a primary against a real {@link TopologyMonitor} whose probes this test answers: a primary lost a moment
 * ago still shows its last answer while the promoted node already answers as primary (MariaDB has no timeline to tell
 * them apart). That is not a split brain until the former primary answers a probe sent after the hunt began.
 */
class LostPrimaryHuntTest {
    private static final HostAndPort FORMER = new HostAndPort("h1", 3306);
    private static final HostAndPort PROMOTED = new HostAndPort("h2", 3306);

    private final Map<NodeId, NodeRole> roles = new ConcurrentHashMap<>();
    /** While set, probes of the former primary hang until it opens, then fail as a crashed server's would. */
    private volatile CountDownLatch formerCrashed;

    private final Map<Connection, NodeId> probeConnections = new ConcurrentHashMap<>();
    private ClusterTopology topology;
    private TopologyMonitor monitor;

    private final ReplicationProbe probe = new ReplicationProbe() {
        @Override
        public Answer probe(Connection connection) throws SQLException {
            NodeId node = probeConnections.get(connection);
            CountDownLatch crashed = formerCrashed;
            if (crashed != null && node.equals(id(FORMER))) {
                try {
                    crashed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SQLException("Connection refused", "08006");
            }
            return new Answer(roles.get(node), position());
        }

        @Override
        public ReplicationPosition parsePosition(String text) {
            return position();
        }

        @Override
        public String tokenPrefix(ReplicationPosition position) {
            return "test";
        }
    };

    private static ReplicationPosition position() {
        return new dev.junction.router.replication.LogSequenceNumber(100);
    }

    private static NodeId id(HostAndPort address) {
        return NodeId.of(address.host(), address.port());
    }

    private Connection connect(NodeId node) {
        Connection connection = (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> "ProbeConnection[" + node + "]";
                    case "isValid" -> true;
                    case "isClosed" -> false;
                    default -> null;
                });
        probeConnections.put(connection, node);
        return connection;
    }

    @BeforeEach
    void start() {
        roles.put(id(FORMER), NodeRole.PRIMARY);
        roles.put(id(PROMOTED), NodeRole.REPLICA);
        topology = new ClusterTopology("hunt", BackendDialect.MYSQL, List.of(FORMER, PROMOTED));
        AtomicLong ticker = new AtomicLong(1_000);
        monitor = new TopologyMonitor(
                "hunt",
                List.of(id(FORMER), id(PROMOTED)),
                probe,
                this::connect,
                TopologyMonitor.Settings.defaults(Duration.ofHours(1)),
                () -> ticker.addAndGet(1_000));
        monitor.start();
        topology.attach(monitor);
    }

    @AfterEach
    void stop() {
        CountDownLatch crashed = formerCrashed;
        if (crashed != null) {
            crashed.countDown();
        }
        monitor.close();
    }

    @Test
    void theFormerPrimarysLastAnswerIsNoSplitBrainWhileItsProbeIsInFlight() throws Exception {
        formerCrashed = new CountDownLatch(1);
        roles.put(id(PROMOTED), NodeRole.PRIMARY);
        CompletableFuture<Node> found = CompletableFuture.supplyAsync(() -> {
            try {
                return topology.primaryOtherThan(topology.nodes().get(0), Duration.ofSeconds(5));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitPublished(PROMOTED, NodeRole.PRIMARY);
        assertThat(monitor.snapshot().node(id(FORMER)).role())
                .as("the former primary's last answer, its probe still in flight")
                .isEqualTo(NodeRole.PRIMARY);
        assertThat(found).as("two primaries, one of them stale, are waited on").isNotDone();

        formerCrashed.countDown();
        assertThat(found.get(5, TimeUnit.SECONDS).address()).isEqualTo(PROMOTED);
    }

    @Test
    void twoNodesAnsweringAsPrimaryToProbesSentAfterTheHuntBeganAreASplitBrain() throws InterruptedException {
        roles.put(id(PROMOTED), NodeRole.PRIMARY);
        monitor.suspectPrimary();
        awaitPublished(PROMOTED, NodeRole.PRIMARY);
        // 08004, not failoverTimeout's error: refused once both answered.
        assertThatThrownBy(() -> topology.primary(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08004");
                    assertThat(e.getMessage()).contains("h1:3306", "h2:3306");
                });
    }

    private void awaitPublished(HostAndPort address, NodeRole role) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            NodeState state = monitor.snapshot().node(id(address));
            if (state != null && state.role() == role) {
                return;
            }
            assertThat(System.nanoTime()).as(address + " published as " + role).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
