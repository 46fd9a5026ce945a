package dev.junction.conflict;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** What both databases' guard triggers require of a table: plain names, a primary key, the stamp columns. */
final class GuardedTable {
    private GuardedTable() {}

    /**
     * Refuses a table the guards cannot be written for, saying why.
     *
     * @param identifiers the names the dialect's statements can carry unquoted
     */
    static void check(String table, List<String> keyColumns, List<String> columns, Pattern identifiers) {
        checkName(table, identifiers);
        keyColumns.forEach(column -> checkName(column, identifiers));
        columns.forEach(column -> checkName(column, identifiers));
        if (keyColumns.isEmpty() || !columns.containsAll(keyColumns)) {
            throw new IllegalArgumentException(
                    "Table " + table + " needs a primary key among its columns to be guarded, had " + keyColumns);
        }
        for (String metadata : List.of(MetadataColumns.HLC, MetadataColumns.ORIGIN)) {
            if (!columns.contains(metadata)) {
                throw new IllegalArgumentException("Table " + table + " has no column " + metadata
                        + ": add the metadata columns first (MetadataColumns.additions)");
            }
        }
    }

    private static void checkName(String identifier, Pattern identifiers) {
        Objects.requireNonNull(identifier, "identifier");
        if (!identifiers.matcher(identifier).matches()) {
            throw new IllegalArgumentException("\"" + identifier + "\" is not a plain identifier (" + identifiers
                    + "); guarded tables and columns must be (quoted names are not supported yet)");
        }
    }
}
