package dev.junction.router;

import java.time.Duration;
import java.util.Objects;

/**
 * The data source's routing properties (design §1): {@code maxReplicaLag}, {@code
 * readConsistency}, {@code staleReadFallback}, {@code loadBalance}, {@code primaryReads}. Immutable; built once per data
 * source from the validated property registry.
 */
public final class RoutingOptions {

    /** The documented defaults: {@code 1s}, {@code global}, {@code primary}, {@code least-busy}, {@code never}. */
    public static final RoutingOptions DEFAULTS = new RoutingOptions(
            Duration.ofSeconds(1),
            ReadConsistency.GLOBAL,
            StaleReadFallback.PRIMARY,
            LoadBalance.LEAST_BUSY,
            PrimaryReads.NEVER);

    private final Duration maxReplicaLag;
    private final ReadConsistency readConsistency;
    private final StaleReadFallback staleReadFallback;
    private final LoadBalance loadBalance;
    private final PrimaryReads primaryReads;

    private RoutingOptions(
            Duration maxReplicaLag,
            ReadConsistency readConsistency,
            StaleReadFallback staleReadFallback,
            LoadBalance loadBalance,
            PrimaryReads primaryReads) {
        Objects.requireNonNull(maxReplicaLag, "maxReplicaLag");
        if (maxReplicaLag.isNegative()) {
            throw new IllegalArgumentException(
                    "Invalid value \"" + maxReplicaLag + "\" for maxReplicaLag: expected a duration of zero or more.");
        }
        this.maxReplicaLag = maxReplicaLag;
        this.readConsistency = Objects.requireNonNull(readConsistency, "readConsistency");
        this.staleReadFallback = Objects.requireNonNull(staleReadFallback, "staleReadFallback");
        this.loadBalance = Objects.requireNonNull(loadBalance, "loadBalance");
        this.primaryReads = Objects.requireNonNull(primaryReads, "primaryReads");
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

    public PrimaryReads primaryReads() {
        return primaryReads;
    }

    /** Whether a strategy in use reads the live {@link NodeLoads}, which the driver then keeps. */
    public boolean readsLoad() {
        return loadBalance == LoadBalance.LEAST_BUSY || primaryReads != PrimaryReads.NEVER;
    }

    public RoutingOptions withMaxReplicaLag(Duration value) {
        return new RoutingOptions(value, readConsistency, staleReadFallback, loadBalance, primaryReads);
    }

    public RoutingOptions withReadConsistency(ReadConsistency value) {
        return new RoutingOptions(maxReplicaLag, value, staleReadFallback, loadBalance, primaryReads);
    }

    public RoutingOptions withStaleReadFallback(StaleReadFallback value) {
        return new RoutingOptions(maxReplicaLag, readConsistency, value, loadBalance, primaryReads);
    }

    public RoutingOptions withPrimaryReads(PrimaryReads value) {
        return new RoutingOptions(maxReplicaLag, readConsistency, staleReadFallback, loadBalance, value);
    }

    public RoutingOptions withLoadBalance(LoadBalance value) {
        return new RoutingOptions(maxReplicaLag, readConsistency, staleReadFallback, value, primaryReads);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingOptions r
                && maxReplicaLag.equals(r.maxReplicaLag)
                && readConsistency == r.readConsistency
                && staleReadFallback == r.staleReadFallback
                && loadBalance == r.loadBalance
                && primaryReads == r.primaryReads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxReplicaLag, readConsistency, staleReadFallback, loadBalance, primaryReads);
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
                + ", primaryReads="
                + primaryReads.propertyValue()
                + "]";
    }
}
