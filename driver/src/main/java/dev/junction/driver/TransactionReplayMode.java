package dev.junction.driver;

/** Whether a transaction whose primary was lost is replayed on the new one: property {@code transactionReplay}. */
public enum TransactionReplayMode implements PropertyChoice {
    /** A transaction whose node was lost is {@code 08S02}: the application retries it. */
    OFF("off"),
    /**
     * A transaction on the primary keeps a log of what it ran; when the primary is lost before a commit is attempted,
     * the transaction is run again on the primary that answers next and goes on there if every read returns the same
     * rows and every write changes as many rows; otherwise {@code 08S02}.
     */
    ON("on");

    private final String externalName;

    TransactionReplayMode(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
