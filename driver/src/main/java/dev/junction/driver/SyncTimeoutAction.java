package dev.junction.driver;

/** What a commit does when its sync mode is not met within {@code syncTimeout}. */
public enum SyncTimeoutAction implements PropertyChoice {
    /** Throw {@link JunctionErrorCode#COMMITTED_NOT_REPLICATED}: the transaction is committed but not confirmed. */
    FAIL("fail"),
    /** Log a warning, count it in the metrics, and return normally. */
    DEGRADE("degrade");

    private final String externalName;

    SyncTimeoutAction(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
