package dev.junction.driver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of property {@code conflictTables}: a table whose writes are stamped and reconciled in multi-master
 * mode, with its policy (design §8). Spelled {@code table[:policy]}, entries separated by commas.
 *
 * @param table  the table name, optionally schema-qualified, as written (matching is case-insensitive)
 * @param policy how its conflicts are resolved
 */
public record ConflictTable(String table, ConflictPolicy policy) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    /**
     * Parses {@code orders:lww,likes:counter,carts}; an empty string is the empty list.
     *
     * @throws IllegalArgumentException on a bad table name, an unknown policy or a table listed twice
     */
    public static List<ConflictTable> parseList(String text) {
        List<ConflictTable> tables = new ArrayList<>();
        if (text.isBlank()) {
            return tables;
        }
        Set<String> seen = new HashSet<>();
        for (String entry : text.split(",", -1)) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
            ConflictPolicy policy = ConflictPolicy.LWW;
            if (colon >= 0) {
                String policyName = trimmed.substring(colon + 1);
                policy = null;
                for (ConflictPolicy candidate : ConflictPolicy.values()) {
                    if (candidate.externalName().equals(policyName)) {
                        policy = candidate;
                    }
                }
                if (policy == null) {
                    throw new IllegalArgumentException("unknown policy " + policyName);
                }
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad table name " + name);
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("table " + name + " listed twice");
            }
            tables.add(new ConflictTable(name, policy));
        }
        return tables;
    }

    @Override
    public String toString() {
        return table + ":" + policy.externalName();
    }
}
