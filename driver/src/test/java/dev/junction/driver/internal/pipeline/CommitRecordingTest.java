package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.ReplicationPosition;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read consistency costs the write path nothing: a commit is recorded as an instant, never by asking the primary
 * where it went. Fake servers and a fake probe; the monitor's ticker is a counter the test moves.
 */
class CommitRecordingTest {
    private final FakeCluster cluster = new FakeCluster("primary", "replica");
    private final FakeCluster.FakeServer primary = cluster.server(0);
    private final AtomicLong ticker = new AtomicLong(1_000);
    private final FakeProbe probe = new FakeProbe();
    private final List<RoutingConnection> opened = new ArrayList<>();
    private ClusterTopology topology;
    private TopologyMonitor monitor;

    /** Answers from the fake servers' roles at a fixed position, without running anything on the connection. */
    private final class FakeProbe implements ReplicationProbe {
        final List<Connection> askedOn = Collections.synchronizedList(new ArrayList<>());
        /** While set, the monitor's probes of the primary hang until it opens: a probe in flight. */
        volatile CountDownLatch primaryGate;
        /** The same for the monitor's probes of the replica. */
        volatile CountDownLatch replicaGate;

        @Override
        public Answer probe(Connection connection) {
            askedOn.add(connection);
            NodeId node = probeConnections.get(connection);
            boolean onPrimary = node != null
                    ? node.equals(primaryId())
                    : connection.toString().contains(primary.address.toString());
            CountDownLatch gate = onPrimary ? primaryGate : replicaGate;
            if (node != null && gate != null) {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Answer(onPrimary ? NodeRole.PRIMARY : NodeRole.REPLICA, new LogSequenceNumber(100));
        }

        @Override
        public ReplicationPosition parsePosition(String text) {
            return LogSequenceNumber.parse(text);
        }

        @Override
        public String tokenPrefix(ReplicationPosition position) {
            return "pg";
        }
    }

    /** The monitor's probe connections: they answer nothing themselves, the fake probe answers for them. */
    private final Map<Connection, NodeId> probeConnections = new ConcurrentHashMap<>();

    private NodeId primaryId() {
        return NodeId.of(primary.address.host(), primary.address.port());
    }

    private Connection probeConnection(NodeId node) {
        Connection connection = (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> "ProbeConnection[" + node + "]";
                    default -> FakeCluster.defaultValue(method.getReturnType());
                });
        probeConnections.put(connection, node);
        return connection;
    }

    @BeforeEach
    void startMonitor() throws SQLException {
        ConnectionSettings settings = cluster.settings("");
        topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        List<NodeId> ids = topology.nodes().stream().map(Node::id).collect(Collectors.toList());
        monitor = new TopologyMonitor(
                "fake",
                ids,
                probe,
                this::probeConnection,
                TopologyMonitor.Settings.defaults(Duration.ofHours(1)),
                ticker::get);
        monitor.start();
        topology.attach(monitor);
        ticker.addAndGet(1_000); // the start-up probes were sent before anything the tests commit
    }

    @AfterEach
    void stopMonitor() throws SQLException {
        for (RoutingConnection connection : opened) {
            connection.close();
        }
        monitor.close();
    }

    private RoutingConnection connect(String consistency) throws SQLException {
        RoutingConnection connection = cluster.connect(cluster.settings("?readConsistency=" + consistency), topology);
        opened.add(connection);
        return connection;
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<String> primaryLog(RoutingConnection connection) {
        NodeSession session = connection.pipeline().sessions().all().stream()
                .filter(s -> s.node().address().equals(primary.address))
                .findFirst()
                .orElseThrow();
        return cluster.log(session.physical()).stream()
                .filter(line -> !line.startsWith("set") && !line.startsWith("get") && !line.startsWith("clearWarnings"))
                .collect(Collectors.toList());
    }

    @Test
    void anAutocommitWriteSendsNothingButTheApplicationsStatementToThePrimary() throws SQLException {
        RoutingConnection connection = connect("global");
        run(connection, "update t set x = 1 where id = 7");
        assertThat(primaryLog(connection)).containsExactly("update t set x = 1 where id = 7");
        assertThat(topology.globalCommits().latest())
                .as("recorded as the instant it returned")
                .hasValue(ticker.get());
    }

    @Test
    void aCommitSendsNothingButTheApplicationsStatementsToThePrimary() throws SQLException {
        RoutingConnection connection = connect("global");
        connection.setAutoCommit(false);
        run(connection, "insert into t values (1)");
        run(connection, "update t set x = 2");
        connection.commit();
        assertThat(primaryLog(connection)).containsExactly("insert into t values (1)", "update t set x = 2", "commit");
        assertThat(topology.globalCommits().latest()).hasValue(ticker.get());
    }

    @Test
    void strongAndEventualConnectionsRecordNothing() throws SQLException {
        for (String consistency : List.of("strong", "eventual")) {
            RoutingConnection connection = connect(consistency);
            run(connection, "update t set x = 1");
            connection.setAutoCommit(false);
            run(connection, "update t set x = 2");
            connection.commit();
            assertThat(primaryLog(connection))
                    .as(consistency)
                    .containsExactly("update t set x = 1", "update t set x = 2", "commit");
        }
        assertThat(topology.globalCommits().latest()).isEmpty();
    }

    @Test
    void aReadRightAfterAnotherConnectionsWriteRunsOnThePrimaryUntilAProbeOfItHasAnswered() throws Exception {
        RoutingConnection writer = connect("global");
        RoutingConnection reader = connect("global");
        run(reader, "select x from t");
        assertThat(reader.lastNode()).as("nothing committed yet").contains("replica");
        long probesBefore = primaryProbePublished();

        CountDownLatch gate = new CountDownLatch(1);
        probe.primaryGate = gate;
        run(writer, "update t set x = 1");
        run(reader, "select x from t");
        assertThat(reader.lastNode())
                .as("no probe of the primary has located the commit")
                .contains("primary");

        // The read asked for a probe of the primary; once it answers, the replica at its position qualifies.
        gate.countDown();
        awaitPrimaryProbesBeyond(probesBefore);
        run(reader, "select x from t");
        assertThat(reader.lastNode()).contains("replica");
    }

    @Test
    void everyTransactionCommittedToTheSameTableHoldsItsReadsBackNotOnlyTheFirst() throws Exception {
        RoutingConnection writer = connect("global");
        RoutingConnection reader = connect("global");
        writer.setAutoCommit(false);
        for (int commit = 1; commit <= 2; commit++) { // the second is recorded through the cells the first looked up
            ticker.addAndGet(1_000); // the probe that located the commit before was sent before this one
            long probesBefore = primaryProbePublished();
            CountDownLatch gate = new CountDownLatch(1);
            probe.primaryGate = gate;
            try {
                run(writer, "select x from t");
                run(writer, "update t set x = 1");
                writer.commit();
                run(reader, "select x from t");
                assertThat(reader.lastNode())
                        .as("commit %d is not located yet", commit)
                        .contains("primary");
            } finally {
                gate.countDown();
            }
            awaitPrimaryProbesBeyond(probesBefore);
            run(reader, "select x from t");
            assertThat(reader.lastNode())
                    .as("a probe of the primary located commit %d", commit)
                    .contains("replica");
        }
    }

    @Test
    void aSessionsOwnCommitEndsTheReuseOfItsLastReplicaDecision() throws Exception {
        RoutingConnection connection = connect("session");
        readTwiceOnTheReplica(connection);
        CountDownLatch gate = new CountDownLatch(1);
        probe.primaryGate = gate;
        try {
            run(connection, "update t set x = 1");
            run(connection, "select x from t");
            assertThat(connection.lastNode())
                    .as("its own commit is not located yet")
                    .contains("primary");
        } finally {
            gate.countDown();
        }
    }

    @Test
    void anAwaitedTokenEndsTheReuseOfTheLastReplicaDecision() throws Exception {
        RoutingConnection connection = connect("global");
        readTwiceOnTheReplica(connection);
        connection.awaitToken("pg:0/FFFF"); // beyond the replica's 0/64
        run(connection, "select x from t");
        assertThat(connection.lastNode())
                .as("the replica has not replayed the token")
                .contains("primary");
    }

    @Test
    void anEventualReadReusesItsDecisionUntilTheReplicaIsMarkedDown() throws Exception {
        RoutingConnection connection = connect("eventual");
        readTwiceOnTheReplica(connection);
        Node replica = topology.nodes().stream()
                .filter(n -> n.role() == ProbedRole.REPLICA)
                .findFirst()
                .orElseThrow();
        CountDownLatch gate = new CountDownLatch(1);
        probe.replicaGate = gate; // the probe that would bring it back hangs
        try {
            topology.markDown(replica, "connection refused");
            run(connection, "select x from t");
            assertThat(connection.lastNode())
                    .as("neither the memo nor the policy sends a read to a node a session saw fail")
                    .doesNotContain(replica.address().toString());
        } finally {
            gate.countDown();
        }
    }

    /** The same read twice, the second on the decision the first made. */
    private static void readTwiceOnTheReplica(RoutingConnection connection) throws SQLException {
        run(connection, "select x from t");
        run(connection, "select x from t");
        assertThat(connection.lastNode()).contains("replica");
    }

    /** The sequence number of the last probe of the primary the monitor has published. */
    private long primaryProbePublished() {
        return monitor.positions().get(primaryId()).sequence();
    }

    /**
     * Waits until the monitor has published a probe of the primary later than {@code sequence}: published, not only
     * answered, since a read routes by the published positions.
     */
    private void awaitPrimaryProbesBeyond(long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (primaryProbePublished() <= sequence && System.nanoTime() < deadline) {
            monitor.awaitNewerThan(monitor.snapshot(), Duration.ofMillis(100));
        }
        assertThat(primaryProbePublished()).isGreaterThan(sequence);
    }

    @Test
    void aWaitingReadWaitsForTheProbeOfThePrimaryAndThenUsesTheReplicaThatHasTheCommit() throws SQLException {
        RoutingConnection writer = connect("global");
        RoutingConnection reader = cluster.connect(
                cluster.settings("?readConsistency=global&staleReadFallback=wait&replicaWaitTimeout=10s"), topology);
        opened.add(reader);
        run(writer, "update t set x = 1");
        run(reader, "select x from t");
        assertThat(reader.lastNode()).contains("replica");
    }

    @Test
    void aFailingReadSaysWhenTheCommitItNeedsHasNotBeenLocatedYet() throws SQLException {
        RoutingConnection writer = connect("global");
        RoutingConnection reader = cluster.connect(
                cluster.settings("?readConsistency=global&staleReadFallback=fail&replicaWaitTimeout=0ms"), topology);
        opened.add(reader);
        CountDownLatch gate = new CountDownLatch(1);
        probe.primaryGate = gate;
        try {
            run(writer, "update t set x = 1");
            assertThatThrownBy(() -> run(reader, "select x from t"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("readConsistency=global")
                    .hasMessageContaining("has not been located yet");
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aStrongConnectionsCausalTokenAsksThePrimaryOnItsOwnConnection() throws SQLException {
        RoutingConnection connection = connect("strong");
        run(connection, "update t set x = 1");
        probe.askedOn.clear();
        assertThat(connection.causalToken()).isEqualTo("pg:0/64");
        NodeSession own = connection.pipeline().sessions().all().stream()
                .filter(s -> s.node().address().equals(primary.address))
                .findFirst()
                .orElseThrow();
        assertThat(probe.askedOn).containsExactly(own.physical());
    }

    @Test
    void aCausalTokenOfALocatedCommitCostsNoRoundTrip() throws Exception {
        RoutingConnection connection = connect("session");
        run(connection, "update t set x = 1");
        monitor.requestPrimaryProbe();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (monitor.primarySamples().covering(ticker.get()).isEmpty() && System.nanoTime() < deadline) {
            monitor.awaitNewerThan(monitor.snapshot(), Duration.ofMillis(100));
        }
        probe.askedOn.clear();
        assertThat(connection.causalToken()).isEqualTo("pg:0/64");
        assertThat(probe.askedOn).isEmpty();
    }
}
