package dev.junction.driver;

/** How concurrent writes to an opted-in table are reconciled in multi-master mode (design §8). */
public enum ConflictPolicy implements PropertyChoice {
    /** Last writer wins by hybrid logical clock, ties broken by origin node. */
    LWW("lww"),
    /** Concurrent versions are merged by the application's MergeFunction. */
    VERSION_VECTOR("version-vector"),
    /** Numeric columns are PN-counter CRDTs: concurrent increments add up. */
    COUNTER("counter");

    private final String externalName;

    ConflictPolicy(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
