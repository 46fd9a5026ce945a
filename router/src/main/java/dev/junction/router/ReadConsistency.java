package dev.junction.router;

import java.util.Locale;

/**
 * How fresh a read must be (design §5). The property values are the lower-case names: {@code
 * eventual}, {@code session}, {@code global}, {@code strong}.
 */
public enum ReadConsistency {
    /** Only the lag budget applies. */
    EVENTUAL,
    /** Read-your-writes and monotonic reads within one logical connection. */
    SESSION,
    /** A read sees every write committed through Junction in this JVM before it began. */
    GLOBAL,
    /** Every statement goes to the primary. */
    STRONG;

    /** The value as written in properties and hints. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a property or hint value, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static ReadConsistency fromPropertyValue(String value) {
        for (ReadConsistency c : values()) {
            if (c.propertyValue().equalsIgnoreCase(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "Invalid read consistency \"" + value + "\": expected eventual, session, global or strong.");
    }
}
