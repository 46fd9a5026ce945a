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
 * {@code least-busy}: the candidate with the fewest statements in flight from this JVM ({@link NodeLoad}), and among
 * those the one with the shortest measured service time. A node that stalls (a CPU cap's throttled period, a
 * checkpoint, a lock) stops receiving reads at once, since its statements in flight pile up, instead of every thread
 * queueing there in turn as with round-robin; a slower node holds its reads longer, so it gets fewer. The service time
 * decides only between nodes that hold as many: as a multiplier ({@code (inFlight + 1) x serviceTime}) it let one slow
 * sample (the first statement on a new backend takes milliseconds while its caches fill) keep a node out of rotation
 * while the others queued, and a node whose CPU share is spent for the period was starved after it, idle with its
 * next share unused.
 *
 * <p>A node whose service time is not known yet (or was forgotten) is taken to be as fast as the fastest known
 * candidate, so that it is tried. Ties are broken at random.
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
        int bestInFlight = Integer.MAX_VALUE;
        long bestService = Long.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < size; i++) {
            NodeState candidate = candidates.get(i);
            NodeLoad load = loads.of(candidate.id());
            int inFlight = load.inFlight();
            long service = serviceOr(load, now, fastestKnown);
            int order = compare(inFlight, service, bestInFlight, bestService);
            if (order < 0) {
                best = candidate;
                bestInFlight = inFlight;
                bestService = service;
                ties = 1;
            } else if (order == 0 && random.get().nextInt(++ties) == 0) {
                best = candidate; // each of the tied candidates with the same chance
            }
        }
        return best;
    }

    /** Orders two nodes by statements in flight, then by service time: negative when the first is less busy. */
    public static int compare(int inFlight, long service, int otherInFlight, long otherService) {
        return inFlight != otherInFlight
                ? Integer.compare(inFlight, otherInFlight)
                : Long.compare(service, otherService);
    }

    /** {@code load}'s service time now, or {@code fallback} when it is not known. */
    public static long serviceOr(NodeLoad load, long nowNanos, long fallback) {
        long service = load.serviceNanos(nowNanos);
        return service != 0 ? service : fallback;
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
