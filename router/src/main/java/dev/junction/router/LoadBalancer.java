package dev.junction.router;

import dev.junction.router.internal.LeastBusyBalancer;
import dev.junction.router.internal.LowestMetricBalancer;
import dev.junction.router.internal.RandomBalancer;
import dev.junction.router.internal.RoundRobinBalancer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Chooses one replica among those that qualify for a read. Implementations are thread-safe and do
 * not block.
 *
 * <p>{@code least-lag} and {@code fastest} rotate among nodes that tie on their metric (common: several replicas at
 * staleness 0), so that a tie does not send all load to the node that sorts first; the rotation is a counter, hence
 * deterministic for a given start value. A replica whose metric is unknown ranks last. {@code least-busy} reads the
 * live {@link NodeLoads} the driver keeps and breaks ties at random.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * @param candidates qualifying replicas, non-empty, sorted by {@link NodeId}
     * @return one of the candidates
     */
    NodeState choose(List<NodeState> candidates);

    /**
     * The balancer for a strategy, with thread-local randomness and counters starting at zero; {@code least-busy}
     * reads loads of its own that nothing updates (for tests of the other strategies).
     */
    static LoadBalancer of(LoadBalance strategy) {
        return of(strategy, ThreadLocalRandom::current, 0);
    }

    /**
     * The balancer for a strategy with injected randomness and counter start, for deterministic tests.
     *
     * @param random supplies the generator used for each {@code random} choice; it must be safe to
     *     call from the threads that route
     * @param counterStart first value of the round-robin / tie-rotation counter
     */
    static LoadBalancer of(LoadBalance strategy, Supplier<? extends RandomGenerator> random, long counterStart) {
        return of(strategy, random, counterStart, new NodeLoads(), System::nanoTime);
    }

    /**
     * The balancer for a strategy, {@code least-busy} reading {@code loads} on {@code ticker}.
     *
     * @param loads what the driver counts around each execution, per node
     * @param ticker the monotonic nanoseconds {@code loads} were updated on
     */
    static LoadBalancer of(
            LoadBalance strategy,
            Supplier<? extends RandomGenerator> random,
            long counterStart,
            NodeLoads loads,
            LongSupplier ticker) {
        switch (strategy) {
            case ROUND_ROBIN:
                return new RoundRobinBalancer(counterStart);
            case RANDOM:
                return new RandomBalancer(random);
            case LEAST_LAG:
                return LowestMetricBalancer.leastLag(counterStart);
            case LEAST_BUSY:
                return new LeastBusyBalancer(loads, ticker, random);
            case FASTEST:
                return LowestMetricBalancer.fastest(counterStart);
            default:
                throw new IllegalArgumentException("Unknown load balance strategy " + strategy);
        }
    }
}
