package dev.junction.driver;

/** What a replica must have done with a commit for it to count (design §6): property {@code syncAck}. */
public enum SyncAck implements PropertyChoice {
    /** Received and flushed to disk. */
    FLUSH("flush"),
    /** Replayed, so that reads on it see the commit. */
    APPLY("apply");

    private final String externalName;

    SyncAck(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
