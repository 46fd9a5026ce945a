package dev.junction.driver;

/** Whether Junction finds out what became of a commit whose connection was lost: property {@code commitOutcome}. */
public enum CommitOutcomeMode implements PropertyChoice {
    /** A commit whose connection was lost is {@code 08007}: its outcome is unknown to Junction too. */
    OFF("off"),
    /**
     * Every transaction that writes on the primary records an id of its own in the same transaction; a commit whose
     * connection was lost is answered from the primary: committed (the call returns normally) or rolled back and safe
     * to retry ({@code 40000}).
     */
    TRACK("track");

    private final String externalName;

    CommitOutcomeMode(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
