package dev.junction.driver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of property {@code syncTables}: a table whose commits need {@code mode} (design §6). Spelled
 * {@code table:mode}, entries separated by commas: {@code model_versions:sync,features_hot:quorum:2}. A transaction
 * that wrote several tables takes the strongest of their modes and of the data source's {@code syncMode}.
 *
 * @param table the table name, optionally schema-qualified, as written (matching is case-insensitive)
 * @param mode  what a commit that wrote it must wait for
 */
public record SyncTable(String table, SyncMode mode) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    /**
     * Parses {@code model_versions:sync,features_hot:quorum:2}; an empty string is the empty list.
     *
     * @throws IllegalArgumentException on a bad table name, a missing or unknown mode, or a table listed twice
     */
    public static List<SyncTable> parseList(String text) {
        List<SyncTable> tables = new ArrayList<>();
        if (text.isBlank()) {
            return tables;
        }
        Set<String> seen = new HashSet<>();
        for (String entry : text.split(",", -1)) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("no mode for table " + trimmed);
            }
            String name = trimmed.substring(0, colon);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad table name " + name);
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("table " + name + " listed twice");
            }
            tables.add(new SyncTable(name, SyncMode.parse(trimmed.substring(colon + 1))));
        }
        return tables;
    }

    @Override
    public String toString() {
        return table + ":" + mode;
    }
}
