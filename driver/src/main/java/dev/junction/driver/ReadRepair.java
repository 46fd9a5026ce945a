package dev.junction.driver;

/** Whether multi-master reads consult every master and repair losers: property {@code readRepair}. */
public enum ReadRepair implements PropertyChoice {
    /** Read one master. */
    OFF("off"),
    /** Read every master, return the winner, write it back to the losers. */
    ON("on");

    private final String externalName;

    ReadRepair(String externalName) {
        this.externalName = externalName;
    }

    @Override
    public String externalName() {
        return externalName;
    }
}
