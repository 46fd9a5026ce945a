package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.Classification;
import dev.junction.router.LoadBalance;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.SessionState;
import dev.junction.router.StatementKind;
import dev.junction.router.TopologySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a session may reuse its last replica decision, and when it must route again. */
class ReplicaRouteMemoTest {
    private static final long MS = 1_000_000L;
    private static final RoutingOptions OPTIONS = RoutingOptions.DEFAULTS.withMaxReplicaLag(Duration.ofSeconds(1));

    private final ClusterTopology topology = new ClusterTopology(
            "memo-test",
            BackendDialect.POSTGRESQL,
            List.of(new HostAndPort("p", 5432), new HostAndPort("a", 5432), new HostAndPort("b", 5432)));
    private final RoutingPolicy policy = RoutingPolicy.create(() -> 0L, () -> new Random(1));
    private final Classification read =
            Classification.builder(StatementKind.READ).build();
    private final SessionState session = SessionState.builder().build();
    private final Object positions = Map.of();
    private final ReplicaRouteMemo memo = new ReplicaRouteMemo();

    @BeforeEach
    void rolesAsProbed() {
        topology.nodes().get(0).role(ProbedRole.PRIMARY, null);
        topology.nodes().get(1).role(ProbedRole.REPLICA, null);
        topology.nodes().get(2).role(ProbedRole.REPLICA, null);
    }

    private static TopologySnapshot snapshot(long takenAtNanos, Duration... replicaBounds) {
        List<NodeState> nodes = new ArrayList<>(List.of(NodeState.primary(NodeId.of("p", 5432))));
        String[] names = {"a", "b"};
        for (int i = 0; i < replicaBounds.length; i++) {
            nodes.add(NodeState.replica(NodeId.of(names[i], 5432), replicaBounds[i]));
        }
        return TopologySnapshot.of(nodes, takenAtNanos);
    }

    private ReplicaRouteMemo.Inputs inputs(TopologySnapshot snapshot) {
        return new ReplicaRouteMemo.Inputs(read, session, snapshot, positions, 7, 3, 1);
    }

    private Node reuse(TopologySnapshot snapshot, long nowNanos) {
        return memo.reuse(read, session, snapshot, positions, 7, 3, 1, nowNanos, policy, OPTIONS, topology);
    }

    @Test
    void reusesTheDecisionUntilTheStalestReplicaWouldLeaveTheLagBudget() {
        TopologySnapshot snapshot = snapshot(0, Duration.ofMillis(300));
        memo.remember(inputs(snapshot), snapshot.upReplicas(), 10 * MS, OPTIONS, topology);
        assertThat(reuse(snapshot, 10 * MS).address()).isEqualTo(new HostAndPort("a", 5432));
        assertThat(reuse(snapshot, 700 * MS))
                .as("300 ms bound + 700 ms age = the 1 s budget")
                .isNotNull();
        assertThat(reuse(snapshot, 700 * MS + 1)).as("one nanosecond beyond it").isNull();
    }

    @Test
    void routesAgainWhenAnyInputIsAnotherObjectOrCount() {
        TopologySnapshot snapshot = snapshot(0, Duration.ZERO);
        memo.remember(inputs(snapshot), snapshot.upReplicas(), 0, OPTIONS, topology);
        assertThat(reuse(snapshot, 0)).isNotNull();
        assertThat(memo.reuse(
                        Classification.builder(StatementKind.READ).build(),
                        session,
                        snapshot,
                        positions,
                        7,
                        3,
                        1,
                        0,
                        policy,
                        OPTIONS,
                        topology))
                .as("another statement")
                .isNull();
        assertThat(memo.reuse(
                        read,
                        SessionState.builder().readOnly(true).build(),
                        snapshot,
                        positions,
                        7,
                        3,
                        1,
                        0,
                        policy,
                        OPTIONS,
                        topology))
                .as("another session state")
                .isNull();
        assertThat(reuse(snapshot(0, Duration.ZERO), 0)).as("a new snapshot").isNull();
        assertThat(memo.reuse(read, session, snapshot, Map.of("other", 1), 7, 3, 1, 0, policy, OPTIONS, topology))
                .as("newly published positions")
                .isNull();
        assertThat(memo.reuse(read, session, snapshot, positions, 8, 3, 1, 0, policy, OPTIONS, topology))
                .as("a commit elsewhere in the JVM")
                .isNull();
        assertThat(memo.reuse(read, session, snapshot, positions, 7, 4, 1, 0, policy, OPTIONS, topology))
                .as("the session committed, awaited a token, asked a replica or read elsewhere")
                .isNull();
        assertThat(memo.reuse(read, session, snapshot, positions, 7, 3, 2, 0, policy, OPTIONS, topology))
                .as("the table catalog changed an answer")
                .isNull();
    }

    @Test
    void remembersNothingWhenAReplicaIsAlreadyOutsideTheBudget() {
        TopologySnapshot snapshot = snapshot(0, Duration.ZERO, Duration.ofSeconds(2));
        memo.remember(inputs(snapshot), List.of(snapshot.upReplicas().get(0)), 0, OPTIONS, topology);
        assertThat(reuse(snapshot, 0)).isNull();
    }

    @Test
    void picksAmongTheQualifyingReplicasWithThePolicysBalancer() {
        TopologySnapshot snapshot = snapshot(0, Duration.ZERO, Duration.ZERO);
        memo.remember(
                inputs(snapshot), snapshot.upReplicas(), 0, OPTIONS.withLoadBalance(LoadBalance.ROUND_ROBIN), topology);
        RoutingOptions roundRobin = OPTIONS.withLoadBalance(LoadBalance.ROUND_ROBIN);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hosts.add(memo.reuse(read, session, snapshot, positions, 7, 3, 1, 0, policy, roundRobin, topology)
                    .address()
                    .host());
        }
        assertThat(hosts).containsExactly("a", "b", "a", "b");
    }

    @Test
    void aReplicaTheSessionMarkedDownIsNotReused() {
        TopologySnapshot snapshot = snapshot(0, Duration.ZERO);
        memo.remember(inputs(snapshot), snapshot.upReplicas(), 0, OPTIONS, topology);
        topology.markDown(topology.nodes().get(1), "connection refused");
        assertThat(reuse(snapshot, 0)).isNull();
    }
}
