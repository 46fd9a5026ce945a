package dev.junction.conflict;

import static dev.junction.conflict.SqlNames.isName;
import static dev.junction.conflict.SqlNames.skipName;

import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.TokenType;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Keeps tombstones out of what a statement reads: every reference to a deleted-row-keeping table in a {@code FROM}
 * list or a {@code JOIN} (at any depth: subqueries, {@code WITH}, {@code EXISTS}) becomes a derived table of its live
 * rows, {@code (SELECT * FROM t WHERE NOT _deleted) AS t}, under the reference's own alias or, without one, its name,
 * so that the rest of the statement reads as written. A derived table, not a condition added to the query's
 * {@code WHERE}, because an outer join must not keep a row whose only match is a tombstone. Both servers merge such
 * a derived table into the query (PostgreSQL pulls the subquery up, MariaDB's {@code derived_merge}): the plan is the
 * one of the filtered table.
 */
final class TombstoneReads {
    /** Words that end a {@code FROM} list at their depth. */
    private static final Set<String> FROM_ENDS = Set.of(
            "WHERE",
            "GROUP",
            "HAVING",
            "ORDER",
            "LIMIT",
            "UNION",
            "EXCEPT",
            "INTERSECT",
            "MINUS",
            "WINDOW",
            "FOR",
            "OFFSET",
            "FETCH",
            "RETURNING",
            "SET",
            "VALUES",
            "INTO",
            "PROCEDURE",
            "LOCK",
            "SELECT");
    /** Words that may follow a table reference and are not its alias. */
    private static final Set<String> NOT_ALIASES = Set.of(
            "WHERE",
            "JOIN",
            "INNER",
            "LEFT",
            "RIGHT",
            "FULL",
            "CROSS",
            "NATURAL",
            "STRAIGHT_JOIN",
            "ON",
            "USING",
            "GROUP",
            "HAVING",
            "ORDER",
            "LIMIT",
            "UNION",
            "EXCEPT",
            "INTERSECT",
            "MINUS",
            "WINDOW",
            "FOR",
            "OFFSET",
            "FETCH",
            "RETURNING",
            "SET",
            "LOCK",
            "INTO",
            "PROCEDURE",
            "OUTER");
    /** Words after a table name that a derived table cannot take: index hints, partitions, sampling, history. */
    private static final Set<String> TABLE_ONLY = Set.of("USE", "FORCE", "IGNORE", "PARTITION", "TABLESAMPLE");
    /** Words that open a subquery in parentheses. */
    private static final Set<String> QUERY_STARTS = Set.of("SELECT", "WITH", "VALUES", "TABLE");

    private TombstoneReads() {}

    /**
     * Adds to {@code edits} the derived tables that hide the tombstones of every table {@code tombstoned} names in
     * {@code tokens[from, end)}.
     *
     * @param tombstoned the configured table the dotted name {@code tokens[start, stop)} is, when its tombstones are to
     *     be hidden, else null
     * @return null, or why the statement cannot be read safely
     */
    static String hide(
            String sql,
            List<SqlToken> tokens,
            int from,
            int end,
            BiFunction<Integer, Integer, String> tombstoned,
            TextEdits edits) {
        int depths = 2;
        for (int i = from; i < end; i++) {
            depths = Math.max(depths, tokens.get(i).depth() + 2);
        }
        boolean[] inFrom = new boolean[depths];
        boolean[] inCall = new boolean[depths];
        boolean expectTable = false;
        for (int i = from; i < end; i++) {
            SqlToken token = tokens.get(i);
            int depth = token.depth();
            String word = token.keyword() == null ? "" : token.keyword();
            if (token.type() == TokenType.LEFT_PAREN) {
                String next = i + 1 < end && tokens.get(i + 1).keyword() != null
                        ? tokens.get(i + 1).keyword()
                        : "";
                boolean query = QUERY_STARTS.contains(next);
                inCall[depth + 1] = !query && i > 0 && isName(tokens.get(i - 1)) && !expectTable;
                inFrom[depth + 1] = expectTable && !query; // a parenthesised join
                expectTable = inFrom[depth + 1];
                continue;
            }
            if (inCall[depth]) {
                continue; // EXTRACT(YEAR FROM d), SUBSTRING(s FROM 2), TRIM(x FROM s): no table here
            }
            if (("FROM".equals(word) && !previousIs(tokens, i, "DISTINCT")) || "JOIN".equals(word)) {
                inFrom[depth] = true;
                expectTable = true;
                continue;
            }
            if (token.type() == TokenType.COMMA && inFrom[depth]) {
                expectTable = true;
                continue;
            }
            if (FROM_ENDS.contains(word)) {
                inFrom[depth] = false;
                expectTable = false;
                continue;
            }
            if (!expectTable) {
                continue;
            }
            expectTable = "LATERAL".equals(word) ? false : "ONLY".equals(word);
            if (!isName(token) || "ONLY".equals(word) || "LATERAL".equals(word)) {
                continue;
            }
            int stop = skipName(tokens, i, end);
            String table = stop < end && tokens.get(stop).type() == TokenType.LEFT_PAREN
                    ? null // a function in FROM
                    : tombstoned.apply(i, stop);
            if (table != null) {
                String refusal = hideOne(sql, tokens, i, stop, end, edits);
                if (refusal != null) {
                    return refusal;
                }
            }
            i = stop - 1;
        }
        return null;
    }

    /** The derived table in place of the reference {@code tokens[start, stop)}. */
    private static String hideOne(String sql, List<SqlToken> tokens, int start, int stop, int end, TextEdits edits) {
        if (start > 0 && "ONLY".equals(tokens.get(start - 1).keyword())) {
            return "FROM ONLY cannot keep its deleted rows hidden; name the table without ONLY";
        }
        SqlToken after = stop < end ? tokens.get(stop) : null;
        String next = after == null || after.keyword() == null ? "" : after.keyword();
        if (TABLE_ONLY.contains(next)) {
            return "a table read with " + next + " cannot keep its deleted rows hidden; read it without " + next;
        }
        boolean aliased = "AS".equals(next) || (after != null && isName(after) && !NOT_ALIASES.contains(next));
        String name =
                sql.substring(tokens.get(start).start(), tokens.get(stop - 1).end());
        edits.replace(
                tokens.get(start).start(),
                tokens.get(stop - 1).end(),
                "(SELECT * FROM " + name + " WHERE NOT " + MetadataColumns.DELETED + ")"
                        + (aliased ? "" : " AS " + tokens.get(stop - 1).text()));
        return null;
    }

    private static boolean previousIs(List<SqlToken> tokens, int i, String word) {
        return i > 0 && word.equals(tokens.get(i - 1).keyword());
    }
}
