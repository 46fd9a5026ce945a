package dev.junction.router.internal;

import dev.junction.router.LoadBalancer;
import dev.junction.router.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Picks the candidate with the lowest metric the monitor measured ({@code least-lag}, {@code fastest}). Candidates that tie rotate through a counter, so equal replicas share the load.
 */
public final class LowestMetricBalancer implements LoadBalancer {

    /** Unknown metrics rank last. */
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final String name;
    private final ToLongFunction<NodeState> metric;
    private final AtomicLong tieCounter;

    private LowestMetricBalancer(String name, ToLongFunction<NodeState> metric, long counterStart) {
        this.name = name;
        this.metric = metric;
        this.tieCounter = new AtomicLong(counterStart);
    }

    public static LowestMetricBalancer leastLag(long counterStart) {
        return new LowestMetricBalancer("least-lag", n -> nanos(n.stalenessBound()), counterStart);
    }

    public static LowestMetricBalancer fastest(long counterStart) {
        return new LowestMetricBalancer("fastest", n -> nanos(n.roundTrip()), counterStart);
    }

    private static long nanos(Duration d) {
        return d == null ? UNKNOWN : d.toNanos();
    }

    @Override
    public NodeState choose(List<NodeState> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        long best = Long.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < size; i++) {
            long m = metric.applyAsLong(candidates.get(i));
            if (m < best) {
                best = m;
                ties = 1;
            } else if (m == best) {
                ties++;
            }
        }
        int pick = ties == 1 ? 0 : (int) Math.floorMod(tieCounter.getAndIncrement(), (long) ties);
        for (int i = 0; i < size; i++) {
            NodeState n = candidates.get(i);
            if (metric.applyAsLong(n) == best && pick-- == 0) {
                return n;
            }
        }
        throw new AssertionError("unreachable: a best candidate always exists");
    }

    @Override
    public String toString() {
        return name;
    }
}
