package dev.junction.driver;

/** How fresh a read must be (design §5): the value of property {@code readConsistency}. */
public enum ReadConsistency implements PropertyChoice {
    /** Only the lag budget {@code maxReplicaLag} applies. */
    EVENTUAL("eventual"),
    /** Read-your-writes and monotonic reads within one logical connection. */
    SESSION("session"),
    /** A read sees every write committed through Junction in this JVM before it began. */
    GLOBAL("global"),
    /** Every statement goes to the primary. */
    STRONG("strong");

    private final String externalName;

    ReadConsistency(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
