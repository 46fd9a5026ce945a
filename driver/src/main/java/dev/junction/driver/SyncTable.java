package dev.junction.driver;

import java.util.List;

/**
 * One entry of property {@code syncTables}: a table whose commits need {@code mode} (design §6). Spelled
 * {@code table:mode}, entries separated by commas: {@code model_versions:sync,features_hot:quorum:2}. A transaction
 * that wrote several tables takes the strongest of their modes and of the data source's {@code syncMode}.
 *
 * @param table the table name, optionally schema-qualified, as written (matching is case-insensitive)
 * @param mode  what a commit that wrote it must wait for
 */
public record SyncTable(String table, SyncMode mode) {
    /**
     * Parses {@code model_versions:sync,features_hot:quorum:2}; an empty string is the empty list.
     *
     * @throws IllegalArgumentException on a bad table name, a missing or unknown mode, or a table listed twice
     */
    public static List<SyncTable> parseList(String text) {
        return TableEntries.parse(text, (name, mode) -> {
            if (mode == null) {
                throw new IllegalArgumentException("no mode for table " + name);
            }
            return new SyncTable(name, SyncMode.parse(mode));
        });
    }

    @Override
    public String toString() {
        return table + ":" + mode;
    }
}
