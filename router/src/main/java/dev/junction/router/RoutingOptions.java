package dev.junction.router;

import java.time.Duration;
import java.util.Objects;

/**
 * The data source's routing properties (design §1): {@code maxReplicaLag}, {@code
 * readConsistency}, {@code staleReadFallback}, {@code loadBalance}. Immutable; built once per data
 * source from the validated property registry.
 */
public final class RoutingOptions {

    /** The documented defaults: {@code 1s}, {@code global}, {@code primary}, {@code round-robin}. */
    public static final RoutingOptions DEFAULTS = new RoutingOptions(
            Duration.ofSeconds(1), ReadConsistency.GLOBAL, StaleReadFallback.PRIMARY, LoadBalance.ROUND_ROBIN);

    private final Duration maxReplicaLag;
    private final ReadConsistency readConsistency;
    private final StaleReadFallback staleReadFallback;
    private final LoadBalance loadBalance;

    private RoutingOptions(
            Duration maxReplicaLag,
            ReadConsistency readConsistency,
            StaleReadFallback staleReadFallback,
            LoadBalance loadBalance) {
        Objects.requireNonNull(maxReplicaLag, "maxReplicaLag");
        if (maxReplicaLag.isNegative()) {
            throw new IllegalArgumentException(
                    "Invalid value \"" + maxReplicaLag + "\" for maxReplicaLag: expected a duration of zero or more.");
        }
        this.maxReplicaLag = maxReplicaLag;
        this.readConsistency = Objects.requireNonNull(readConsistency, "readConsistency");
        this.staleReadFallback = Objects.requireNonNull(staleReadFallback, "staleReadFallback");
        this.loadBalance = Objects.requireNonNull(loadBalance, "loadBalance");
    }

    public Duration maxReplicaLag() {
        return maxReplicaLag;
    }

    public ReadConsistency readConsistency() {
        return readConsistency;
    }

    public StaleReadFallback staleReadFallback() {
        return staleReadFallback;
    }

    public LoadBalance loadBalance() {
        return loadBalance;
    }

    public RoutingOptions withMaxReplicaLag(Duration value) {
        return new RoutingOptions(value, readConsistency, staleReadFallback, loadBalance);
    }

    public RoutingOptions withReadConsistency(ReadConsistency value) {
        return new RoutingOptions(maxReplicaLag, value, staleReadFallback, loadBalance);
    }

    public RoutingOptions withStaleReadFallback(StaleReadFallback value) {
        return new RoutingOptions(maxReplicaLag, readConsistency, value, loadBalance);
    }

    public RoutingOptions withLoadBalance(LoadBalance value) {
        return new RoutingOptions(maxReplicaLag, readConsistency, staleReadFallback, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingOptions r
                && maxReplicaLag.equals(r.maxReplicaLag)
                && readConsistency == r.readConsistency
                && staleReadFallback == r.staleReadFallback
                && loadBalance == r.loadBalance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxReplicaLag, readConsistency, staleReadFallback, loadBalance);
    }

    @Override
    public String toString() {
        return "RoutingOptions[maxReplicaLag="
                + maxReplicaLag
                + ", readConsistency="
                + readConsistency.propertyValue()
                + ", staleReadFallback="
                + staleReadFallback.propertyValue()
                + ", loadBalance="
                + loadBalance.propertyValue()
                + "]";
    }
}
