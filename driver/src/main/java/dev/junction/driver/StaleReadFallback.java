package dev.junction.driver;

/** What a read does when no replica qualifies: the value of property {@code staleReadFallback}. */
public enum StaleReadFallback implements PropertyChoice {
    /** Read from the primary. */
    PRIMARY("primary"),
    /** Wait up to {@code replicaWaitTimeout} for a replica to catch up, then read from the primary. */
    WAIT("wait"),
    /** Fail with {@link JunctionErrorCode#NO_FRESH_REPLICA}. */
    FAIL("fail");

    private final String externalName;

    StaleReadFallback(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
