package dev.junction.router;

import dev.junction.router.internal.LowestMetricBalancer;
import dev.junction.router.internal.RandomBalancer;
import dev.junction.router.internal.RoundRobinBalancer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Chooses one replica among those that qualify for a read. Implementations are thread-safe and do
 * not block.
 *
 * <p>{@code least-lag}, {@code least-busy} and {@code fastest} rotate among nodes that tie on
 * their metric (common: several replicas at staleness 0, or none busy), so that a tie does not send
 * all load to the node that sorts first; the rotation is a counter, hence deterministic for a given
 * start value. A replica whose metric is unknown ranks last.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * @param candidates qualifying replicas, non-empty, sorted by {@link NodeId}
     * @return one of the candidates
     */
    NodeState choose(List<NodeState> candidates);

    /** The balancer for a strategy, with thread-local randomness and counters starting at zero. */
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
        switch (strategy) {
            case ROUND_ROBIN:
                return new RoundRobinBalancer(counterStart);
            case RANDOM:
                return new RandomBalancer(random);
            case LEAST_LAG:
                return LowestMetricBalancer.leastLag(counterStart);
            case LEAST_BUSY:
                return LowestMetricBalancer.leastBusy(counterStart);
            case FASTEST:
                return LowestMetricBalancer.fastest(counterStart);
            default:
                throw new IllegalArgumentException("Unknown load balance strategy " + strategy);
        }
    }
}
