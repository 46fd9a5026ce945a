package dev.junction.driver;

/** Whether a data source counts what it routes and publishes the counts: property {@code metrics}. */
public enum MetricsMode implements PropertyChoice {
    /** Count, and register the cluster's MBean (and its Micrometer meters, when a binder is bound). */
    ON("on"),
    /** Count nothing for this data source's connections; no MBean is registered for them. */
    OFF("off");

    private final String externalName;

    MetricsMode(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
