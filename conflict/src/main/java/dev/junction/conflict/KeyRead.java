package dev.junction.conflict;

import java.util.List;

/**
 * A read of one row of a conflict table by its whole primary key ({@code SELECT … FROM t WHERE k1 = ? AND k2 = 'x'
 * …}): what read repair needs to fetch the row from every master.
 *
 * @param table the conflict table as configured
 * @param key each primary key column with the value the read compares it to, in the key's order
 */
public record KeyRead(String table, List<Part> key) {
    /**
     * One key column and its value: a literal as the statement wrote it ({@code parameter == 0}), or the application's
     * parameter {@code parameter} (1-based).
     */
    public record Part(String column, String literal, int parameter) {}

    public KeyRead {
        key = List.copyOf(key);
    }
}
