package dev.junction.driver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The syntax shared by the table-list properties ({@code conflictTables}, {@code syncTables}): entries
 * {@code table[:setting]} separated by commas, a table name optionally schema-qualified, each table listed once
 * (case-insensitively). What follows the first colon is the entry's own business.
 */
final class TableEntries {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    private TableEntries() {}

    /**
     * Parses {@code text} into entries; an empty string is the empty list.
     *
     * @param entry makes an entry of a table name and what followed its first colon (null when there was none)
     * @throws IllegalArgumentException on a bad table name, a table listed twice, or whatever {@code entry} refuses
     */
    static <T> List<T> parse(String text, BiFunction<String, String, T> entry) {
        List<T> entries = new ArrayList<>();
        if (text.isBlank()) {
            return entries;
        }
        Set<String> seen = new HashSet<>();
        for (String part : text.split(",", -1)) {
            String trimmed = part.trim();
            int colon = trimmed.indexOf(':');
            String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad table name " + name);
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("table " + name + " listed twice");
            }
            entries.add(entry.apply(name, colon < 0 ? null : trimmed.substring(colon + 1)));
        }
        return entries;
    }
}
