package dev.junction.driver;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which conflict tables' reads by key are repaired across the masters (design §8): property {@code readRepair},
 * {@code off}, {@code on} (every {@code lww} and {@code version-vector} table of {@code conflictTables}) or a list of
 * those tables.
 */
public final class ReadRepair implements PropertyChoice {
    /** Read one master. */
    public static final ReadRepair OFF = new ReadRepair(false, Set.of());
    /** Every conflict table: read every master, return the winner, write it back to the losers. */
    public static final ReadRepair ON = new ReadRepair(true, Set.of());

    private final boolean all;
    /** Lower-cased, as configured. */
    private final Set<String> tables;

    private ReadRepair(boolean all, Set<String> tables) {
        this.all = all;
        this.tables = tables;
    }

    /**
     * Reads {@code off}, {@code on} or {@code t1,t2}.
     *
     * @throws IllegalArgumentException for an empty entry or a name with spaces
     */
    public static ReadRepair parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("off")) {
            return OFF;
        }
        if (trimmed.equalsIgnoreCase("on")) {
            return ON;
        }
        Set<String> tables = new LinkedHashSet<>();
        for (String entry : trimmed.split(",", -1)) {
            String table = entry.trim();
            if (table.isEmpty() || table.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(text);
            }
            tables.add(table.toLowerCase(Locale.ROOT));
        }
        return new ReadRepair(false, Set.copyOf(tables));
    }

    /** Whether reads of {@code table} (as configured in {@code conflictTables}) are repaired. */
    public boolean covers(String table) {
        return all || tables.contains(table.toLowerCase(Locale.ROOT));
    }

    public boolean isOff() {
        return !all && tables.isEmpty();
    }

    /** The tables named, lower-cased; empty for {@code off} and {@code on}. */
    public Set<String> tables() {
        return tables;
    }

    @Override
    public String externalName() {
        return all ? "on" : tables.isEmpty() ? "off" : String.join(",", tables);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReadRepair that && all == that.all && tables.equals(that.tables);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(all) * 31 + tables.hashCode();
    }

    @Override
    public String toString() {
        return externalName();
    }
}
