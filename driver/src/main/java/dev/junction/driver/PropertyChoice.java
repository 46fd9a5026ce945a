package dev.junction.driver;

/**
 * A value of an enumerated Junction property, spelled in URLs the way the design spells it
 * ({@code round-robin}, not {@code ROUND_ROBIN}).
 */
public interface PropertyChoice {
    /** The spelling accepted in URLs, properties and data-source setters. */
    String externalName();
}
