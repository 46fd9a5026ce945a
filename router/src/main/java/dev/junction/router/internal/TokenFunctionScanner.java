package dev.junction.router.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds function calls in tokens: a name (optionally {@code schema.}-qualified) directly followed
 * by {@code (}. Used when Calcite could not parse a statement, and for the pieces the pre-lexer cut
 * out before parsing. It errs towards seeing calls where there are none (an alias column list
 * {@code v(a, b)}), which can only send a read to the primary, never the reverse.
 */
final class TokenFunctionScanner {

    /** Keywords that precede a parenthesis without being a call. */
    static final Set<String> NOT_CALLS = Set.of(
            "ALL",
            "AND",
            "ANY",
            "AS",
            "ASC",
            "BETWEEN",
            "BY",
            "CASE",
            "CHECK",
            "COLUMN",
            "CONFLICT",
            "CONSTRAINT",
            "CROSS",
            "DEFAULT",
            "DESC",
            "DISTINCT",
            "DO",
            "ELSE",
            "END",
            "EXCEPT",
            "EXISTS",
            "FILTER",
            "FOR",
            "FROM",
            "FULL",
            "GROUP",
            "HAVING",
            "IN",
            "INNER",
            "INTERSECT",
            "INTO",
            "IS",
            "JOIN",
            "KEY",
            "LATERAL",
            "LEFT",
            "LIKE",
            "ILIKE",
            "LIMIT",
            "NATURAL",
            "NOT",
            "NULL",
            "OF",
            "OFFSET",
            "ON",
            "OR",
            "ORDER",
            "OUTER",
            "OVER",
            "PARTITION",
            "PRIMARY",
            "RANGE",
            "RETURNING",
            "RIGHT",
            "ROWS",
            "SELECT",
            "SET",
            "SETS",
            "SIMILAR",
            "SOME",
            "TABLE",
            "THEN",
            "TO",
            "UNION",
            "UNIQUE",
            "USING",
            "VALUES",
            "WHEN",
            "WHERE",
            "WINDOW",
            "WITH",
            "WITHIN",
            "INDEX",
            "MATERIALIZED",
            "RECURSIVE",
            "ESCAPE",
            "SYMMETRIC",
            "REFERENCES",
            "FOREIGN",
            "GROUPS",
            "UPDATE",
            "INSERT",
            "DELETE",
            "MERGE",
            "ELSEIF",
            "WHILE",
            "RETURN",
            "RETURNS",
            "XOR",
            "DIV",
            "CUBE",
            "ROLLUP",
            "GROUPING",
            "ARRAY",
            "ROW",
            "EXCLUDE",
            "INCLUDE",
            "VIEW",
            "TABLESAMPLE",
            "REPEATABLE",
            "NOWAIT",
            "LOCKED",
            "SHARE",
            "ONLY",
            "SKIP",
            "FETCH",
            "NEXT",
            "FIRST",
            "CAST",
            "EXTRACT",
            "POSITION",
            "SUBSTRING",
            "TRIM",
            "OVERLAY",
            "COALESCE",
            "NULLIF",
            "GREATEST",
            "LEAST",
            "INTERVAL",
            "CONVERT",
            "TRANSLATE",
            "COLUMNS",
            "NESTED");

    private TokenFunctionScanner() {}

    /**
     * Function names called in tokens {@code [from, to)}, lower case ({@code schema.name} when
     * qualified). Keyword-functions whose arguments use special syntax (CAST, EXTRACT, ...) are left
     * out: they are all read-only built-ins.
     *
     * @param excluded names that look like calls but are not (CTE names with column lists)
     */
    static Set<String> scan(TokenView v, int from, int to, Set<String> excluded) {
        Set<String> found = new LinkedHashSet<>();
        boolean mysql = v.isMysql();
        // The word before each open parenthesis of the range, to recognise MySQL type positions.
        Deque<String> openers = mysql ? new ArrayDeque<>() : null;
        for (int i = Math.max(from, 0); i < to && i < v.size; i++) {
            if (mysql) {
                if (v.is(i, TokenType.LEFT_PAREN)) {
                    openers.push(String.valueOf(v.kw(i - 1)));
                } else if (v.is(i, TokenType.RIGHT_PAREN) && !openers.isEmpty()) {
                    openers.pop();
                }
            }
            if (!v.is(i + 1, TokenType.LEFT_PAREN) || !v.isNamePart(i)) {
                continue;
            }
            SqlToken t = v.get(i);
            if (mysql
                    && t.type == TokenType.WORD
                    && FunctionRules.mysqlTypeName(t.text.toLowerCase(Locale.ROOT))
                    && isMysqlTypePosition(v, i, openers.peek())) {
                continue;
            }
            if (t.type == TokenType.WORD && NOT_CALLS.contains(t.keyword)) {
                continue;
            }
            if (PostgresCallScanner.isOperatorSyntax(v, i)) {
                continue; // OPERATOR(schema.op): PostgresCallScanner reports it
            }
            // A name after AS, a closing parenthesis or a cast is an alias or a type, not a call.
            int start = i;
            while (v.is(start - 1, TokenType.DOT) && v.isNamePart(start - 2)) {
                start -= 2;
            }
            SqlToken before = v.get(start - 1);
            if (before != null
                    && (before.is("AS")
                            || before.type == TokenType.RIGHT_PAREN
                            || before.isOperator("::")
                            || (before.type == TokenType.WORD && v.isNamePart(start) && isTableContext(before)))) {
                continue;
            }
            StringBuilder name = new StringBuilder();
            for (int j = start; j <= i; j += 2) {
                if (j > start) {
                    name.append('.');
                }
                name.append(v.functionIdentifier(j));
            }
            String n = name.toString();
            if (!excluded.contains(n)) {
                found.add(n);
            }
        }
        return found;
    }

    /**
     * The type name at {@code i} is a type, not a call: {@code CONVERT(x, DECIMAL(10, 2))}, {@code
     * JSON_TABLE(... COLUMNS (name VARCHAR(50) PATH ...))}, {@code JSON_VALUE(... RETURNING
     * DECIMAL(10, 2))}. ({@code CAST(x AS ...)} is an {@code AS}, excluded before.)
     *
     * @param opener the word before the innermost open parenthesis around {@code i} within the
     *     scanned range, or {@code null} when unknown: then it is no type position
     */
    private static boolean isMysqlTypePosition(TokenView v, int i, String opener) {
        SqlToken before = v.get(i - 1);
        if (before == null) {
            return false;
        }
        if (before.is("RETURNING")) {
            return true;
        }
        if (before.type == TokenType.COMMA) {
            return "CONVERT".equals(opener);
        }
        return "COLUMNS".equals(opener) && v.isNamePart(i - 1);
    }

    /** A table name follows these keywords; {@code t(} after them is a column list, not a call. */
    private static boolean isTableContext(SqlToken before) {
        switch (before.keyword) {
            case "INTO":
            case "TABLE":
            case "UPDATE":
            case "REFERENCES":
            case "WITH":
            case "RECURSIVE":
                return true;
            default:
                return false;
        }
    }
}
