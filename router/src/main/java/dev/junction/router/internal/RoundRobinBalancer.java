package dev.junction.router.internal;

import dev.junction.router.LoadBalancer;
import dev.junction.router.NodeState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@code round-robin}: a shared counter picks each candidate in turn. */
public final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicLong counter;

    public RoundRobinBalancer(long start) {
        this.counter = new AtomicLong(start);
    }

    @Override
    public NodeState choose(List<NodeState> candidates) {
        // The candidate list changes as replicas fall behind and catch up; indexing modulo the current
        // size keeps the rotation fair without per-node state.
        return candidates.get((int) Math.floorMod(counter.getAndIncrement(), (long) candidates.size()));
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
