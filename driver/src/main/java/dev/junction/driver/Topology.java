package dev.junction.driver;

/** Which nodes accept writes (design §8): property {@code topology}. */
public enum Topology implements PropertyChoice {
    /** One primary accepts writes; replicas serve reads. */
    PRIMARY_REPLICA("primary-replica"),
    /** Several nodes accept writes and replicate to each other. */
    MULTI_MASTER("multi-master");

    private final String externalName;

    Topology(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
