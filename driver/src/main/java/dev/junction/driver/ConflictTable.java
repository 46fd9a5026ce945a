package dev.junction.driver;

import java.util.List;

/**
 * One entry of property {@code conflictTables}: a table whose writes are stamped and reconciled in multi-master
 * mode, with its policy (design §8). Spelled {@code table[:policy]}, entries separated by commas.
 *
 * @param table  the table name, optionally schema-qualified, as written (matching is case-insensitive)
 * @param policy how its conflicts are resolved
 */
public record ConflictTable(String table, ConflictPolicy policy) {
    /**
     * Parses {@code orders:lww,likes:counter,carts}; an empty string is the empty list.
     *
     * @throws IllegalArgumentException on a bad table name, an unknown policy or a table listed twice
     */
    public static List<ConflictTable> parseList(String text) {
        return TableEntries.parse(text, (name, policyName) -> {
            if (policyName == null) {
                return new ConflictTable(name, ConflictPolicy.LWW);
            }
            for (ConflictPolicy candidate : ConflictPolicy.values()) {
                if (candidate.externalName().equals(policyName)) {
                    return new ConflictTable(name, candidate);
                }
            }
            throw new IllegalArgumentException("unknown policy " + policyName);
        });
    }

    @Override
    public String toString() {
        return table + ":" + policy.externalName();
    }
}
