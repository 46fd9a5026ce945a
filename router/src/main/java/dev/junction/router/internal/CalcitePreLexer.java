package dev.junction.router.internal;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Rewrites one statement's tokens into text Calcite's Babel parser accepts, recording what it
 * removed. Classification only needs the shape of the statement (which tables, which functions),
 * so the rewrites may change meaning freely as long as they keep every table and function call:
 *
 * <ul>
 *   <li>locking clauses ({@code FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE [OF ...] [NOWAIT|SKIP
 *       LOCKED]}, {@code LOCK IN SHARE MODE}) are removed and reported as locking;
 *   <li>{@code RETURNING ...}, {@code ON CONFLICT ...}, {@code ON DUPLICATE KEY UPDATE ...} are
 *       removed (the statement is a write anyway); function calls in removed text are reported;
 *   <li>{@code $n}, {@code :name}, MySQL {@code @var} become {@code ?}; {@code ::type} casts and
 *       {@code COLLATE x}, {@code AT TIME ZONE x} disappear; operators Calcite does not know (JSON
 *       {@code ->}, {@code ->>}, {@code #>}, {@code @>}, {@code ??|}, pgvector {@code <->}...)
 *       become {@code ||}; strings other than plain {@code '...'} become {@code 's'};
 *   <li>MySQL modifiers and index hints go, {@code REPLACE} becomes {@code INSERT}, {@code DIV},
 *       {@code MOD}, {@code REGEXP}, {@code XOR}, {@code &&} become standard operators.
 * </ul>
 *
 * Constructs Calcite is known to reject ({@code UPDATE ... FROM}, multi-table {@code
 * UPDATE}/{@code DELETE}, {@code INSERT ... SET}) mark the result unparseable, which skips a
 * parse that would fail slowly (a failed Calcite parse costs milliseconds).
 */
final class CalcitePreLexer {

    /**
     * @param sql text for Calcite
     * @param shape the same text with every literal replaced by {@code ?}: statements that differ only
     *     in literal values share a shape, and therefore Calcite's tables and functions
     * @param parseable false when Calcite is known to reject the statement
     * @param locking a locking clause was removed
     * @param droppedFunctions functions called in removed text
     */
    record Result(String sql, String shape, boolean parseable, boolean locking, Set<String> droppedFunctions) {}

    private static final Set<String> CALCITE_OPERATORS =
            Set.of("=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||", "~", "!~", "~*", "!~*", "^");

    private static final Set<String> INTERVAL_UNITS = Set.of(
            "YEAR",
            "YEARS",
            "MONTH",
            "MONTHS",
            "DAY",
            "DAYS",
            "HOUR",
            "HOURS",
            "MINUTE",
            "MINUTES",
            "SECOND",
            "SECONDS",
            "WEEK",
            "QUARTER",
            "MICROSECOND",
            "MILLISECOND");

    private static final Set<String> MYSQL_SELECT_MODIFIERS = Set.of(
            "SQL_NO_CACHE",
            "SQL_CACHE",
            "HIGH_PRIORITY",
            "SQL_SMALL_RESULT",
            "SQL_BIG_RESULT",
            "SQL_BUFFER_RESULT",
            "SQL_CALC_FOUND_ROWS",
            "STRAIGHT_JOIN");

    private static final Set<String> MYSQL_DML_MODIFIERS =
            Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "QUICK", "IGNORE");

    private final TokenView v;
    private final boolean mysql;
    private final StringBuilder out;
    private final StringBuilder shape;
    private final Set<String> dropped = new LinkedHashSet<>();
    private boolean parseable = true;
    private boolean locking;
    private final String statement;

    private CalcitePreLexer(TokenView v) {
        this.v = v;
        this.mysql = v.isMysql();
        this.out = new StringBuilder(v.size * 6);
        this.shape = new StringBuilder(v.size * 6);
        this.statement = v.kw(v.skipOpenParens(0));
    }

    static Result rewrite(TokenView v) {
        return new CalcitePreLexer(v).run();
    }

    private Result run() {
        checkKnownRejections();
        int i = 0;
        while (i < v.size) {
            i = step(i);
        }
        return new Result(out.toString(), shape.toString(), parseable, locking, dropped);
    }

    private void emit(String text) {
        if (out.length() > 0) {
            out.append(' ');
            shape.append(' ');
        }
        out.append(text);
        shape.append(text);
    }

    private void emitLiteral(String text) {
        if (out.length() > 0) {
            out.append(' ');
            shape.append(' ');
        }
        out.append(text);
        shape.append('?');
    }

    private int drop(int from, int to) {
        dropped.addAll(TokenFunctionScanner.scan(v, from, to, Set.of()));
        return to;
    }

    /** Shapes the Babel parser rejects; parsing them would only cost a slow failure. */
    private void checkKnownRejections() {
        int first = v.skipOpenParens(0);
        if ("UPDATE".equals(statement)) {
            int set = indexAtTopLevel(first, "SET");
            for (int j = first + 1; j < (set < 0 ? v.size : set); j++) {
                if (v.get(j).depth == 0 && (v.isKwAny(j, "JOIN") || v.is(j, TokenType.COMMA))) {
                    parseable = false; // MySQL multi-table UPDATE
                }
            }
            if (set >= 0 && indexAtTopLevel(set, "FROM") >= 0) {
                parseable = false; // PostgreSQL UPDATE ... FROM
            }
        } else if ("DELETE".equals(statement)) {
            int j = first + 1;
            while (MYSQL_DML_MODIFIERS.contains(String.valueOf(v.kw(j)))) {
                j++;
            }
            if (!v.isKw(j, "FROM") || indexAtTopLevel(j, "USING") >= 0 || indexAtTopLevel(j, "JOIN") >= 0) {
                parseable = false; // multi-table DELETE, DELETE ... USING
            }
        } else if ("INSERT".equals(statement) || "REPLACE".equals(statement)) {
            int target = first + 1;
            while (v.isKwAny(target, "INTO", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY")) {
                target++;
            }
            if (v.isKw(v.qualifiedNameEnd(target), "SET")) {
                parseable = false; // MySQL INSERT INTO t SET a = 1
            }
            if (indexAtTopLevel(first, "DEFAULT") >= 0 && v.isKw(indexAtTopLevel(first, "DEFAULT") + 1, "VALUES")) {
                parseable = false;
            }
            if (indexAtTopLevel(first, "OVERRIDING") >= 0) {
                parseable = false;
            }
        }
        for (int j = 0; j < v.size; j++) {
            if ((mysql && (v.isKw(j, "AGAINST") || v.get(j).isOperator(":=")))
                    || (v.isKw(j, "WITH") && v.isKwAny(j + 1, "ORDINALITY", "TIES"))) {
                parseable = false;
            }
        }
    }

    private int indexAtTopLevel(int from, String keyword) {
        for (int j = Math.max(0, from); j < v.size; j++) {
            if (v.get(j).depth == 0 && v.isKw(j, keyword)) {
                return j;
            }
        }
        return -1;
    }

    private int step(int i) {
        SqlToken t = v.get(i);
        switch (t.type) {
            case PARAMETER:
            case VARIABLE:
                emit("?");
                return i + 1;
            case STRING:
                emitLiteral(t.plainLiteral ? t.text : "'s'");
                return i + 1;
            case NUMBER:
                emitLiteral(t.text);
                return i + 1;
            case OPERATOR:
                return operator(i, t);
            case WORD:
                return word(i, t);
            default:
                emit(t.text);
                return i + 1;
        }
    }

    private int operator(int i, SqlToken t) {
        String op = t.text;
        if (op.equals("::")) {
            return skipCastType(i + 1);
        }
        if (CALCITE_OPERATORS.contains(op) || (mysql && op.equals("<=>"))) {
            emit(op);
        } else if (mysql && op.equals("&&")) {
            emit("AND");
        } else if (op.equals(":=")) {
            parseable = false;
            emit(op);
        } else {
            emit("||");
        }
        return i + 1;
    }

    private int word(int i, SqlToken t) {
        String k = t.keyword;
        switch (k) {
            case "FOR": {
                int end = lockingClauseEnd(i);
                if (end > i) {
                    locking = true;
                    return end;
                }
                if (v.isKw(i + 1, "READ") && v.isKw(i + 2, "ONLY")) {
                    return i + 3;
                }
                break;
            }
            case "LOCK":
                if (v.isKw(i + 1, "IN") && v.isKw(i + 2, "SHARE") && v.isKw(i + 3, "MODE")) {
                    locking = true;
                    return i + 4;
                }
                break;
            case "RETURNING":
                return drop(i, v.endOfLevel(i));
            case "ON":
                if (v.isKw(i + 1, "CONFLICT")) {
                    int end = v.endOfLevel(i);
                    for (int j = i; j < end; j++) {
                        if (v.isKw(j, "RETURNING") && v.get(j).depth == t.depth) {
                            end = j;
                            break;
                        }
                    }
                    return drop(i, end);
                }
                if (mysql && v.isKw(i + 1, "DUPLICATE") && v.isKw(i + 2, "KEY")) {
                    return drop(i, v.endOfLevel(i));
                }
                break;
            case "AS":
                if (mysql) {
                    // INSERT ... VALUES (...) AS new [(cols)] ON DUPLICATE KEY UPDATE: a row alias Babel lacks.
                    int j = i + 2;
                    if (v.is(j, TokenType.LEFT_PAREN)) {
                        j = v.matchingParen(j) + 1;
                    }
                    if (v.isKw(j, "ON") && v.isKw(j + 1, "DUPLICATE")) {
                        return j;
                    }
                } else if (v.isKw(i + 1, "MATERIALIZED")) {
                    emit("AS");
                    return i + 2;
                } else if (v.isKw(i + 1, "NOT") && v.isKw(i + 2, "MATERIALIZED")) {
                    emit("AS");
                    return i + 3;
                }
                break;
            case "INTERVAL":
                if (!mysql && v.is(i + 1, TokenType.STRING) && !INTERVAL_UNITS.contains(String.valueOf(v.kw(i + 2)))) {
                    return i + 1; // PostgreSQL interval '1 day': keep only the string
                }
                break;
            case "DISTINCT":
                if (v.isKw(i + 1, "ON") && v.is(i + 2, TokenType.LEFT_PAREN)) {
                    emit("DISTINCT");
                    return drop(i + 1, v.matchingParen(i + 2) + 1);
                }
                break;
            case "ONLY":
                if (!mysql && v.isNamePart(i + 1)) {
                    SqlToken prev = v.get(i - 1);
                    if (prev != null
                            && (prev.type == TokenType.COMMA
                                    || prev.isOperator("*")
                                    || "FROM".equals(prev.keyword)
                                    || "JOIN".equals(prev.keyword)
                                    || "UPDATE".equals(prev.keyword)
                                    || "TABLE".equals(prev.keyword))) {
                        return i + 1;
                    }
                }
                break;
            case "COLLATE":
                return v.qualifiedNameEnd(i + 1) > i + 1 ? v.qualifiedNameEnd(i + 1) : i + 2;
            case "AT":
                if (v.isKw(i + 1, "TIME") && v.isKw(i + 2, "ZONE")) {
                    int operand = i + 3;
                    if (v.is(operand, TokenType.LEFT_PAREN)) {
                        return drop(operand, v.matchingParen(operand) + 1);
                    }
                    return i + 4;
                }
                break;
            case "WITH":
                if (mysql && v.isKw(i + 1, "ROLLUP")) {
                    return i + 2;
                }
                break;
            default:
                break;
        }
        if (mysql) {
            int next = mysqlWord(i, t);
            if (next >= 0) {
                return next;
            }
        }
        emit(t.text);
        return i + 1;
    }

    /** MySQL-only rewrites; returns -1 when the word is emitted unchanged. */
    private int mysqlWord(int i, SqlToken t) {
        String k = t.keyword;
        SqlToken prev = v.get(i - 1);
        String pk = prev == null ? null : prev.keyword;
        if (MYSQL_SELECT_MODIFIERS.contains(k)
                && ("SELECT".equals(pk)
                        || (prev != null && MYSQL_SELECT_MODIFIERS.contains(pk))
                        || "DISTINCT".equals(pk)
                        || "ALL".equals(pk))) {
            return i + 1;
        }
        if (MYSQL_DML_MODIFIERS.contains(k)
                && ("INSERT".equals(pk)
                        || "REPLACE".equals(pk)
                        || "UPDATE".equals(pk)
                        || "DELETE".equals(pk)
                        || (prev != null && MYSQL_DML_MODIFIERS.contains(pk)))
                && !v.isKwAny(i + 1, "INDEX", "KEY")) {
            return i + 1;
        }
        switch (k) {
            case "DISTINCTROW":
                emit("DISTINCT");
                return i + 1;
            case "STRAIGHT_JOIN":
                emit("JOIN");
                return i + 1;
            case "REPLACE":
                if (i == v.skipOpenParens(0)) {
                    emit("INSERT");
                    return i + 1;
                }
                return -1;
            case "USE":
            case "FORCE":
            case "IGNORE":
                if (v.isKwAny(i + 1, "INDEX", "KEY")) {
                    int j = i + 2;
                    while (v.isKwAny(j, "FOR", "JOIN", "ORDER", "GROUP", "BY")) {
                        j++;
                    }
                    return v.is(j, TokenType.LEFT_PAREN) ? v.matchingParen(j) + 1 : j;
                }
                return -1;
            case "PARTITION":
                if (v.is(i + 1, TokenType.LEFT_PAREN) && prev != null && prev.type != TokenType.LEFT_PAREN) {
                    return v.matchingParen(i + 1) + 1;
                }
                return -1;
            case "DIV":
                emit("/");
                return i + 1;
            case "MOD":
                if (!v.is(i + 1, TokenType.LEFT_PAREN)) {
                    emit("%");
                    return i + 1;
                }
                return -1;
            case "REGEXP":
            case "RLIKE":
                emit("LIKE");
                return i + 1;
            case "XOR":
                emit("OR");
                return i + 1;
            case "ORDER":
            case "LIMIT":
                if (t.depth == 0 && ("UPDATE".equals(statement) || "DELETE".equals(statement))) {
                    return drop(i, v.size); // single-table UPDATE/DELETE ... ORDER BY ... LIMIT n
                }
                return -1;
            default:
                return -1;
        }
    }

    /** End of a locking clause list starting with FOR at {@code i}, or {@code i} when it is not one. */
    private int lockingClauseEnd(int i) {
        int j = i;
        while (v.isKw(j, "FOR")) {
            int k = j + 1;
            if (v.isKwAny(k, "UPDATE", "SHARE")) {
                k++;
            } else if (v.isKw(k, "NO") && v.isKw(k + 1, "KEY") && v.isKw(k + 2, "UPDATE")) {
                k += 3;
            } else if (v.isKw(k, "KEY") && v.isKw(k + 1, "SHARE")) {
                k += 2;
            } else {
                break;
            }
            if (v.isKw(k, "OF")) {
                k++;
                while (v.isNamePart(k)) {
                    k = v.qualifiedNameEnd(k);
                    if (!v.is(k, TokenType.COMMA)) {
                        break;
                    }
                    k++;
                }
            }
            if (v.isKw(k, "NOWAIT")) {
                k++;
            } else if (v.isKw(k, "SKIP") && v.isKw(k + 1, "LOCKED")) {
                k += 2;
            } else if (v.isKw(k, "WAIT") && v.is(k + 1, TokenType.NUMBER)) {
                k += 2;
            }
            j = k;
        }
        return j;
    }

    /** Skips a PostgreSQL type name after {@code ::}, e.g. {@code int}, {@code varchar(10)[]}, {@code timestamp with time zone}. */
    private int skipCastType(int j) {
        if (!v.isNamePart(j)) {
            return j;
        }
        String first = v.kw(j);
        j = v.qualifiedNameEnd(j);
        if (first != null) {
            switch (first) {
                case "DOUBLE":
                    if (v.isKw(j, "PRECISION")) {
                        j++;
                    }
                    break;
                case "CHARACTER":
                case "CHAR":
                case "NATIONAL":
                case "BIT":
                    while (v.isKwAny(j, "CHARACTER", "CHAR", "VARYING")) {
                        j++;
                    }
                    break;
                case "INTERVAL":
                    while (INTERVAL_UNITS.contains(String.valueOf(v.kw(j))) || v.isKw(j, "TO")) {
                        j++;
                    }
                    break;
                default:
                    break;
            }
        }
        if (v.is(j, TokenType.LEFT_PAREN)) {
            j = drop(j, v.matchingParen(j) + 1); // type modifiers are constants, but report any call
        }
        if (("TIMESTAMP".equals(first) || "TIME".equals(first))
                && v.isKwAny(j, "WITH", "WITHOUT")
                && v.isKw(j + 1, "TIME")
                && v.isKw(j + 2, "ZONE")) {
            j += 3;
        }
        while (v.is(j, TokenType.LEFT_BRACKET)) {
            j++;
            while (j < v.size && !v.is(j, TokenType.RIGHT_BRACKET)) {
                j++;
            }
            j++;
        }
        return j;
    }
}
