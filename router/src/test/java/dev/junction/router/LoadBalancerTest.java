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

    private static NodeState node(NodeId id, Duration staleness, Duration rtt) {
        return NodeState.of(id, NodeRole.REPLICA, true, staleness, rtt);
    }

    /** {@code statements} in flight on {@code id}'s load, the average service time {@code serviceMicros}. */
    private static void load(NodeLoads loads, NodeId id, int statements, long serviceMicros, long nowNanos) {
        NodeLoad load = loads.of(id);
        load.begin();
        load.end(serviceMicros * 1000, nowNanos);
        for (int i = 0; i < statements; i++) {
            load.begin();
        }
    }

    private static List<NodeId> picks(LoadBalancer b, List<NodeState> candidates, int n) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.choose(candidates).id());
        }
        return out;
    }

    private final List<NodeState> three = List.of(
            node(A, Duration.ofMillis(30), Duration.ofMillis(3)),
            node(B, Duration.ofMillis(10), Duration.ofMillis(1)),
            node(C, Duration.ofMillis(20), Duration.ofMillis(2)));

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
    void leastBusyPicksTheFewestStatementsInFlightWhenServiceTimesAreEqual() {
        NodeLoads loads = new NodeLoads();
        load(loads, A, 5, 100, 0);
        load(loads, B, 2, 100, 0);
        load(loads, C, 7, 100, 0);
        LoadBalancer b = LoadBalancer.of(LoadBalance.LEAST_BUSY, Random::new, 0, loads, () -> 1);
        assertThat(picks(b, three, 3)).containsOnly(B);
    }

    @Test
    void leastBusyPrefersFewerStatementsInFlightThenTheShorterServiceTime() {
        NodeLoads loads = new NodeLoads();
        load(loads, A, 1, 100, 0);
        load(loads, B, 0, 500, 0);
        load(loads, C, 0, 300, 0);
        LoadBalancer b = LoadBalancer.of(LoadBalance.LEAST_BUSY, Random::new, 0, loads, () -> 1);
        assertThat(picks(b, three, 3)).containsOnly(C);
    }

    @Test
    void leastBusyTriesANodeNotMeasuredYetButCountsWhatItHolds() {
        NodeLoads loads = new NodeLoads();
        load(loads, A, 0, 100, 0);
        loads.of(B).begin(); // B: unknown service time, one statement in flight, taken as fast as A
        load(loads, C, 0, 300, 0);
        LoadBalancer b = LoadBalancer.of(LoadBalance.LEAST_BUSY, Random::new, 0, loads, () -> 1);
        assertThat(picks(b, three, 3)).containsOnly(A);
        loads.of(A).begin();
        loads.of(C).begin();
        loads.of(C).begin(); // A: one in flight, taken at 100 us; B: one, counted as fast as A; C: two
        assertThat(picks(b, three, 60)).containsOnly(A, B).contains(A, B);
    }

    @Test
    void leastBusyForgetsAServiceTimeNotMeasuredForAWhileAndTriesTheNodeAgain() {
        NodeLoads loads = new NodeLoads();
        load(loads, A, 0, 100, 0);
        load(loads, B, 0, 5_000, 0); // slow once
        long[] now = {1};
        LoadBalancer b = LoadBalancer.of(LoadBalance.LEAST_BUSY, Random::new, 0, loads, () -> now[0]);
        assertThat(picks(b, three.subList(0, 2), 3)).containsOnly(A);
        loads.of(A).begin();
        loads.of(A).end(100_000, NodeLoad.FORGET_AFTER_NANOS); // A measured again, B not
        now[0] = NodeLoad.FORGET_AFTER_NANOS + 1;
        assertThat(loads.of(B).serviceNanos(now[0])).isZero();
        loads.of(A).begin(); // A: one in flight; B, forgotten, counts as fast as A with none
        assertThat(picks(b, three.subList(0, 2), 3)).containsOnly(B);
    }

    @Test
    void aServiceTimeAverageMovesAnEighthTowardsEachSampleAndAnOutlierCountsForFourTimesTheAverageAtMost() {
        NodeLoad load = new NodeLoad();
        load.begin();
        load.end(800_000, 10);
        assertThat(load.serviceNanos(10)).isEqualTo(800_000);
        load.begin();
        load.end(1_600_000, 20); // 800 + (1600 - 800) / 8
        assertThat(load.serviceNanos(20)).isEqualTo(900_000);
        load.begin();
        load.end(2_000_000_000L, 30); // a two-second report: counted as 3,600 us
        assertThat(load.serviceNanos(30)).isEqualTo(900_000 + (3_600_000 - 900_000) / 8);
        assertThat(load.inFlight()).isZero();
    }

    @Test
    void leastBusyBreaksTiesWithTheInjectedRandomness() {
        Random seeded = new Random(7);
        LoadBalancer b = LoadBalancer.of(LoadBalance.LEAST_BUSY, () -> seeded, 0, new NodeLoads(), () -> 1);
        assertThat(picks(b, three, 60)).contains(A, B, C);
    }

    @Test
    void fastestPicksTheSmallestRoundTrip() {
        assertThat(picks(LoadBalancer.of(LoadBalance.FASTEST), three, 3)).containsOnly(B);
    }

    @Test
    void rotatesAmongCandidatesThatTieDeterministically() {
        List<NodeState> idle = List.of(
                node(A, Duration.ZERO, null), node(B, Duration.ZERO, null), node(C, Duration.ofMillis(5), null));
        assertThat(picks(LoadBalancer.of(LoadBalance.LEAST_LAG), idle, 4)).containsExactly(A, B, A, B);
    }

    @Test
    void ranksAnUnknownMetricLast() {
        List<NodeState> mixed = List.of(node(A, null, null), node(B, Duration.ofSeconds(1), Duration.ofMillis(9)));
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
