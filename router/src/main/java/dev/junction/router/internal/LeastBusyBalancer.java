package dev.junction.router.internal;

import dev.junction.router.LoadBalancer;
import dev.junction.router.NodeLoad;
import dev.junction.router.NodeLoads;
import dev.junction.router.NodeState;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * {@code least-busy}: the candidate where a read sent now would expect to finish first, from this JVM's view: the
 * statements in flight there plus this one, times the node's measured service time ({@link NodeLoad}). A node the
 * servers' CPU caps or another tenant slow down serves fewer reads, and a node that stalls (a throttled period, a
 * checkpoint) stops receiving them at once, since its statements in flight pile up, instead of every thread queueing
 * there in turn as with round-robin.
 *
 * <p>A node whose service time is not known yet (or was forgotten) is taken to be as fast as the fastest known
 * candidate, so that it is tried, while the reads it already holds still count against it. Ties are broken at random.
 */
public final class LeastBusyBalancer implements LoadBalancer {
    private final NodeLoads loads;
    private final LongSupplier ticker;
    private final Supplier<? extends RandomGenerator> random;

    /**
     * @param loads the cluster's loads, which the driver updates around each execution
     * @param ticker the routing policy's monotonic nanoseconds
     * @param random supplies the generator that breaks ties; it must be safe to call from the threads that route
     */
    public LeastBusyBalancer(NodeLoads loads, LongSupplier ticker, Supplier<? extends RandomGenerator> random) {
        this.loads = loads;
        this.ticker = ticker;
        this.random = random;
    }

    @Override
    public NodeState choose(List<NodeState> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        long now = ticker.getAsLong();
        long fastestKnown = fastestKnownService(candidates, now);
        NodeState best = null;
        long bestExpected = Long.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < size; i++) {
            NodeState candidate = candidates.get(i);
            long expected = expectedNanos(loads.of(candidate.id()), now, fastestKnown);
            if (expected < bestExpected) {
                best = candidate;
                bestExpected = expected;
                ties = 1;
            } else if (expected == bestExpected && random.get().nextInt(++ties) == 0) {
                best = candidate; // each of the tied candidates with the same chance
            }
        }
        return best;
    }

    /**
     * What a statement sent to {@code load}'s node now would expect to take, an unknown service time counting as
     * {@code fallbackService} (at least one nanosecond, so that the statements in flight still count).
     */
    public static long expectedNanos(NodeLoad load, long nowNanos, long fallbackService) {
        long service = load.serviceNanos(nowNanos);
        return (load.inFlight() + 1L) * (service != 0 ? service : Math.max(1, fallbackService));
    }

    private long fastestKnownService(List<NodeState> candidates, long now) {
        long fastest = 0;
        for (int i = 0; i < candidates.size(); i++) {
            long service = loads.of(candidates.get(i).id()).serviceNanos(now);
            if (service != 0 && (fastest == 0 || service < fastest)) {
                fastest = service;
            }
        }
        return fastest;
    }

    @Override
    public String toString() {
        return "least-busy";
    }
}
