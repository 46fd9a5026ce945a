package dev.junction.driver;

/** How a read chooses among the replicas that qualify: property {@code loadBalance}. */
public enum LoadBalance implements PropertyChoice {
    /** Each qualifying replica in turn. */
    ROUND_ROBIN("round-robin"),
    /** A uniformly random qualifying replica. */
    RANDOM("random"),
    /** The qualifying replica with the smallest staleness. */
    LEAST_LAG("least-lag"),
    /** The qualifying replica with the fewest statements in flight from this JVM. */
    LEAST_BUSY("least-busy"),
    /** The qualifying replica with the lowest probe round-trip time. */
    FASTEST("fastest");

    private final String externalName;

    LoadBalance(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
