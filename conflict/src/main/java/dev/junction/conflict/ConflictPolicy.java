package dev.junction.conflict;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How concurrent writes of an opted-in table are resolved: the policy part of {@code conflictTables}. */
public enum ConflictPolicy {
    /** The write with the later hybrid logical stamp wins ({@link LastWriterWins}); the default. */
    LWW("lww"),
    /** Concurrent versions are kept as siblings until the application's merge ({@link Siblings}). */
    VERSION_VECTOR("version-vector"),
    /** Per-origin totals that merge without conflicts ({@link PnCounter}). */
    COUNTER("counter");

    private final String propertyValue;

    ConflictPolicy(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    /** The name in {@code conflictTables}: {@code lww}, {@code version-vector}, {@code counter}. */
    public String propertyValue() {
        return propertyValue;
    }

    /** The policy named {@code value} in {@code conflictTables}; an unknown name is refused with the known ones. */
    public static ConflictPolicy ofPropertyValue(String value) {
        for (ConflictPolicy policy : values()) {
            if (policy.propertyValue.equals(value)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("Unknown conflict policy \"" + value + "\": expected one of "
                + Arrays.stream(values()).map(ConflictPolicy::propertyValue).collect(Collectors.joining(", ")));
    }
}
