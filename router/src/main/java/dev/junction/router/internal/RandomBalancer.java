package dev.junction.router.internal;

import dev.junction.router.LoadBalancer;
import dev.junction.router.NodeState;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** {@code random}: a uniform choice. */
public final class RandomBalancer implements LoadBalancer {

    private final Supplier<? extends RandomGenerator> random;

    public RandomBalancer(Supplier<? extends RandomGenerator> random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public NodeState choose(List<NodeState> candidates) {
        return candidates.get(random.get().nextInt(candidates.size()));
    }

    @Override
    public String toString() {
        return "random";
    }
}
