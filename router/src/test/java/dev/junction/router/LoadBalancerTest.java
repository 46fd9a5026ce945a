package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

    private static final NodeId A = NodeId.of("a", 1);
    private static final NodeId B = NodeId.of("b", 1);
    private static final NodeId C = NodeId.of("c", 1);

    private static NodeState node(NodeId id, Duration staleness, Duration rtt, int inFlight) {
        return NodeState.of(id, NodeRole.REPLICA, true, staleness, rtt, inFlight);
    }

    private static List<NodeId> picks(LoadBalancer b, List<NodeState> candidates, int n) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.choose(candidates).id());
        }
        return out;
    }

    private final List<NodeState> three = List.of(
            node(A, Duration.ofMillis(30), Duration.ofMillis(3), 5),
            node(B, Duration.ofMillis(10), Duration.ofMillis(1), 2),
            node(C, Duration.ofMillis(20), Duration.ofMillis(2), 7));

    @Test
    void roundRobinCyclesThroughTheCandidatesInOrder() {
        assertThat(picks(LoadBalancer.of(LoadBalance.ROUND_ROBIN), three, 4)).containsExactly(A, B, C, A);
    }

    @Test
    void roundRobinStartsWhereTheInjectedCounterSays() {
        assertThat(picks(LoadBalancer.of(LoadBalance.ROUND_ROBIN, Random::new, 2), three, 2))
                .containsExactly(C, A);
    }

    @Test
    void randomDrawsFromTheInjectedGenerator() {
        Random seeded = new Random(42);
        Random same = new Random(42);
        List<NodeId> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(three.get(same.nextInt(3)).id());
        }
        assertThat(picks(LoadBalancer.of(LoadBalance.RANDOM, () -> seeded, 0), three, 20))
                .isEqualTo(expected);
    }

    @Test
    void leastLagPicksTheSmallestStalenessBound() {
        assertThat(picks(LoadBalancer.of(LoadBalance.LEAST_LAG), three, 3)).containsOnly(B);
    }

    @Test
    void leastBusyPicksTheFewestStatementsInFlight() {
        assertThat(picks(LoadBalancer.of(LoadBalance.LEAST_BUSY), three, 3)).containsOnly(B);
    }

    @Test
    void fastestPicksTheSmallestRoundTrip() {
        assertThat(picks(LoadBalancer.of(LoadBalance.FASTEST), three, 3)).containsOnly(B);
    }

    @Test
    void rotatesAmongCandidatesThatTieDeterministically() {
        List<NodeState> idle = List.of(
                node(A, Duration.ZERO, null, 0),
                node(B, Duration.ZERO, null, 0),
                node(C, Duration.ofMillis(5), null, 3));
        assertThat(picks(LoadBalancer.of(LoadBalance.LEAST_BUSY), idle, 4)).containsExactly(A, B, A, B);
        assertThat(picks(LoadBalancer.of(LoadBalance.LEAST_LAG), idle, 4)).containsExactly(A, B, A, B);
    }

    @Test
    void ranksAnUnknownMetricLast() {
        List<NodeState> mixed =
                List.of(node(A, null, null, 0), node(B, Duration.ofSeconds(1), Duration.ofMillis(9), 0));
        assertThat(LoadBalancer.of(LoadBalance.LEAST_LAG).choose(mixed).id()).isEqualTo(B);
        assertThat(LoadBalancer.of(LoadBalance.FASTEST).choose(mixed).id()).isEqualTo(B);
    }

    @Test
    void parsesAndPrintsThePropertyValues() {
        for (LoadBalance b : LoadBalance.values()) {
            assertThat(LoadBalance.fromPropertyValue(b.propertyValue())).isEqualTo(b);
        }
        assertThat(LoadBalance.LEAST_LAG.propertyValue()).isEqualTo("least-lag");
        assertThat(LoadBalance.fromPropertyValue("Round-Robin")).isEqualTo(LoadBalance.ROUND_ROBIN);
    }
}
