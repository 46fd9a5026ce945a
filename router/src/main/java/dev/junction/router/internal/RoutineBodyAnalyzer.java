package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scans the text of a stored routine body ({@code RETURN expr} or {@code BEGIN ... END}) for what
 * could change data or state, or cannot be checked; see {@link dev.junction.router.RoutineBody}
 * for the contract.
 *
 * <p>Two passes over the tokens, both linear:
 *
 * <ol>
 *   <li>The statement structure: a stack of compound statements ({@code BEGIN}, {@code IF},
 *       {@code CASE}, {@code LOOP}, {@code WHILE}, {@code REPEAT}, MariaDB {@code FOR}) tells
 *       where a statement starts (after {@code ;}, a label, {@code BEGIN}, {@code THEN} and {@code
 *       ELSE} of an IF or CASE statement, {@code DO}, {@code LOOP}, {@code REPEAT}, a handler's
 *       conditions). Only an allowlist may start a statement; {@code SET} may assign only local
 *       variables (declared in the body, or the routine's parameters). A structure that does not
 *       close, or an {@code END} that matches nothing, is uncertain.
 *   <li>Everything else, wherever it is: data-changing keywords, locking clauses, {@code INTO
 *       OUTFILE/DUMPFILE}, {@code INTO @var}, {@code @var :=}, {@code NEXT VALUE FOR}, calls
 *       (side-effect and node-specific built-ins write or depend on the node; other names are user
 *       functions), node-specific variables and tables, the tables read.
 * </ol>
 */
public final class RoutineBodyAnalyzer {

    /**
     * @param mayWrite see {@link dev.junction.router.RoutineBody#mayWrite()}
     * @param reason the first thing found that makes the body possibly writing, or {@code null}
     * @param userFunctions non-built-in functions called, lower case ({@code schema.name} when qualified)
     * @param tablesRead tables read, as {@link dev.junction.router.Classification#tablesRead()} names them
     */
    public record Result(boolean mayWrite, String reason, Set<String> userFunctions, Set<String> tablesRead) {}

    private enum Block {
        BEGIN,
        IF,
        CASE_STATEMENT,
        CASE_EXPRESSION,
        LOOP,
        WHILE,
        REPEAT,
        FOR
    }

    /** Keywords that may start a statement of a routine body without changing anything. */
    private static final Set<String> SAFE_STATEMENTS = Set.of(
            "SELECT",
            "WITH",
            "VALUES",
            "TABLE",
            "RETURN",
            "OPEN",
            "FETCH",
            "CLOSE",
            "LEAVE",
            "ITERATE",
            "SIGNAL",
            "RESIGNAL",
            "GET");

    /** Words that change data wherever they appear (subqueries and CTEs included). */
    private static final Set<String> DATA_CHANGES =
            Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "TRUNCATE");

    private final TokenView v;
    private final Dialect dialect;
    private final Set<String> locals = new HashSet<>();
    /** Names followed by a parenthesis that are no call: declared types, IF and UNTIL of compound statements. */
    private final BitSet notCalls = new BitSet();

    private final Deque<Block> blocks = new ArrayDeque<>();
    private final Set<String> cteNames;
    private String reason;

    private RoutineBodyAnalyzer(TokenView v, Collection<String> parameters) {
        this.v = v;
        this.dialect = v.dialect;
        this.cteNames = TokenTableExtractor.cteNames(v);
        for (String p : parameters) {
            locals.add(p.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * @param parameters the routine's parameter names: like declared variables, they may be assigned
     */
    public static Result analyze(Dialect dialect, String body, Collection<String> parameters) {
        TokenizedSql tokenized = SqlTokenizer.tokenize(body, dialect);
        if (tokenized.malformed()) {
            return new Result(
                    true,
                    "an unterminated string, quoted name or comment, or unbalanced parentheses",
                    Set.of(),
                    Set.of());
        }
        RoutineBodyAnalyzer a = new RoutineBodyAnalyzer(new TokenView(tokenized.tokens(), dialect), parameters);
        if (tokenized.gatedComments() > 0) {
            a.mayWrite("a version-gated or MariaDB-only executable comment");
        }
        return a.run();
    }

    private void mayWrite(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    private Result run() {
        if (v.size == 0) {
            mayWrite("an empty body");
        }
        collectLocals();
        structure();
        Set<String> functions = new LinkedHashSet<>();
        Set<String> tables = new LinkedHashSet<>();
        contents(functions, tables);
        return new Result(reason != null, reason, functions, tables);
    }

    // ---------------------------------------------------------------- local variables

    /** Names declared by {@code DECLARE a, b type} and MariaDB's {@code FOR i IN ...}; types are marked so they are not read as calls. */
    private void collectLocals() {
        for (int i = 0; i < v.size; i++) {
            if (v.isKw(i, "FOR") && v.isNamePart(i + 1) && v.isKw(i + 2, "IN")) {
                locals.add(v.identifier(i + 1).toLowerCase(Locale.ROOT));
                continue;
            }
            if (!v.isKw(i, "DECLARE") || v.isKwAny(i + 1, "CONTINUE", "EXIT", "UNDO")) {
                continue;
            }
            List<String> names = new ArrayList<>(2);
            int j = i + 1;
            while (v.isNamePart(j)) {
                names.add(v.identifier(j).toLowerCase(Locale.ROOT));
                if (!v.is(j + 1, TokenType.COMMA)) {
                    break;
                }
                j += 2;
            }
            if (names.isEmpty() || v.isKwAny(j + 1, "CURSOR", "CONDITION")) {
                continue;
            }
            locals.addAll(names);
            if (v.isNamePart(j + 1)) {
                notCalls.set(j + 1); // DECLARE x DECIMAL(10, 2): a type, not a call
            }
        }
    }

    // ---------------------------------------------------------------- statement structure

    private void structure() {
        boolean start = true;
        for (int i = 0; i < v.size; i++) {
            SqlToken t = v.get(i);
            if (t.type == TokenType.SEMICOLON) {
                start = true;
                continue;
            }
            boolean qualified = v.is(i - 1, TokenType.DOT);
            String k = t.type == TokenType.WORD && !qualified ? t.keyword : null;
            if ("END".equals(k)) {
                i = end(i);
                start = false;
                continue;
            }
            if (start) {
                int next = statementStart(i);
                if (next < 0) {
                    start = false;
                } else {
                    i = next - 1; // the statement starts at next
                }
                continue;
            }
            if (k == null) {
                continue;
            }
            switch (k) {
                case "CASE":
                    blocks.push(Block.CASE_EXPRESSION);
                    break;
                case "THEN":
                case "ELSE":
                    start = blocks.peek() == Block.IF || blocks.peek() == Block.CASE_STATEMENT;
                    break;
                case "DO":
                    start = blocks.peek() == Block.WHILE || blocks.peek() == Block.FOR;
                    break;
                default:
                    break;
            }
        }
        if (!blocks.isEmpty()) {
            mayWrite("a compound statement that is not closed");
        }
    }

    /**
     * Handles the token at {@code i}, where a statement starts.
     *
     * @return the index where the statement proper starts when {@code i} only opened a block or
     *     carried a label (so the next token starts a statement too), or -1 when the statement runs
     *     on from {@code i}
     */
    private int statementStart(int i) {
        if (v.isNamePart(i) && v.get(i + 1) != null && v.get(i + 1).isOperator(":")) {
            return i + 2; // label:
        }
        int first = v.skipOpenParens(i);
        String k = v.kw(first);
        if (k == null) {
            mayWrite("a statement starting with " + v.get(i).text);
            return -1;
        }
        if (first > i && !SAFE_STATEMENTS.contains(k)) {
            mayWrite("a parenthesised " + k);
            return -1;
        }
        switch (k) {
            case "BEGIN":
                blocks.push(Block.BEGIN);
                return v.isKw(i + 1, "NOT") && v.isKw(i + 2, "ATOMIC") ? i + 3 : i + 1;
            case "LOOP":
                blocks.push(Block.LOOP);
                return i + 1;
            case "REPEAT":
                blocks.push(Block.REPEAT);
                return i + 1;
            case "IF":
                blocks.push(Block.IF);
                notCalls.set(first); // IF (cond) THEN: not the IF() function
                return -1;
            case "CASE":
                blocks.push(Block.CASE_STATEMENT);
                return -1;
            case "WHILE":
                blocks.push(Block.WHILE);
                return -1;
            case "FOR":
                blocks.push(Block.FOR);
                return -1;
            case "ELSE":
                expectTop(k, Block.IF, Block.CASE_STATEMENT);
                return i + 1;
            case "ELSEIF":
                expectTop(k, Block.IF, Block.IF);
                return -1;
            case "WHEN":
                expectTop(k, Block.CASE_STATEMENT, Block.CASE_STATEMENT);
                return -1;
            case "UNTIL":
                expectTop(k, Block.REPEAT, Block.REPEAT);
                notCalls.set(first);
                return -1;
            case "DECLARE":
                return declare(i);
            case "SET":
                set(i);
                return -1;
            case "GET":
                if (!v.isKwAny(i + 1, "DIAGNOSTICS", "CURRENT", "STACKED")) {
                    mayWrite("GET " + v.nameAt(i + 1));
                }
                return -1;
            default:
                if (!SAFE_STATEMENTS.contains(k)) {
                    mayWrite(v.kw(first + 1) != null && !k.equals("DO") ? k + " " + v.kw(first + 1) : k);
                }
                return -1;
        }
    }

    private void expectTop(String keyword, Block a, Block b) {
        Block top = blocks.peek();
        if (top != a && top != b) {
            mayWrite(keyword + " outside its compound statement");
        }
    }

    /** {@code END [IF|CASE|LOOP|WHILE|REPEAT|FOR]} at {@code i}; returns the index of its last token. */
    private int end(int i) {
        Block closes;
        int last = i;
        String next = v.kw(i + 1);
        if (next != null && !v.is(i + 2, TokenType.DOT)) {
            switch (next) {
                case "IF":
                    closes = Block.IF;
                    last = i + 1;
                    break;
                case "CASE":
                    closes = Block.CASE_STATEMENT;
                    last = i + 1;
                    break;
                case "LOOP":
                    closes = Block.LOOP;
                    last = i + 1;
                    break;
                case "WHILE":
                    closes = Block.WHILE;
                    last = i + 1;
                    break;
                case "REPEAT":
                    closes = Block.REPEAT;
                    last = i + 1;
                    break;
                case "FOR":
                    closes = Block.FOR;
                    last = i + 1;
                    break;
                default:
                    closes = null;
                    break;
            }
        } else {
            closes = null;
        }
        Block top = blocks.peek();
        if (closes == null) {
            // A bare END closes a CASE expression or a BEGIN block.
            closes = top == Block.CASE_EXPRESSION ? Block.CASE_EXPRESSION : Block.BEGIN;
        }
        if (top != closes) {
            mayWrite("END " + (last > i ? next + " " : "") + "that closes no " + closes);
            blocks.clear();
            return last;
        }
        blocks.pop();
        return last;
    }

    /**
     * {@code DECLARE}: variables, cursors and conditions change nothing; a handler's statement
     * follows its condition list. Returns where that statement starts, or -1.
     */
    private int declare(int i) {
        if (!v.isKwAny(i + 1, "CONTINUE", "EXIT", "UNDO") || !v.isKw(i + 2, "HANDLER") || !v.isKw(i + 3, "FOR")) {
            return -1;
        }
        int j = i + 4;
        while (j < v.size) {
            if (v.isKw(j, "SQLSTATE")) {
                j += v.isKw(j + 1, "VALUE") ? 3 : 2;
            } else if (v.isKw(j, "NOT") && v.isKw(j + 1, "FOUND")) {
                j += 2;
            } else if (v.is(j, TokenType.NUMBER) || v.isNamePart(j)) {
                j++; // SQLEXCEPTION, SQLWARNING, an error number or a condition name
            } else {
                break;
            }
            if (!v.is(j, TokenType.COMMA)) {
                break;
            }
            j++;
        }
        return j;
    }

    /** {@code SET} in a routine body may assign local variables and parameters only. */
    private void set(int i) {
        int depth = v.get(i).depth;
        int j = i + 1;
        while (j < v.size && !v.is(j, TokenType.SEMICOLON)) {
            SqlToken target = v.get(j);
            if (target.type == TokenType.VARIABLE) {
                mayWrite(target.text.startsWith("@@") ? "SET " + target.text : "user variable " + target.text);
                return;
            }
            if (!v.isNamePart(j) || v.qualifiedNameEnd(j) != j + 1) {
                mayWrite("SET " + target.text);
                return;
            }
            String name = v.identifier(j).toLowerCase(Locale.ROOT);
            SqlToken op = v.get(j + 1);
            if (op == null || !(op.isOperator("=") || op.isOperator(":="))) {
                mayWrite("SET " + name); // SET GLOBAL/SESSION/NAMES/TRANSACTION/PASSWORD/ROLE/STATEMENT...
                return;
            }
            if (!locals.contains(name)) {
                mayWrite("SET of " + name + ", which is not a local variable or parameter");
                return;
            }
            j += 2;
            while (j < v.size
                    && !v.is(j, TokenType.SEMICOLON)
                    && !(v.is(j, TokenType.COMMA) && v.get(j).depth == depth)) {
                j++;
            }
            if (v.is(j, TokenType.COMMA)) {
                j++;
            }
        }
    }

    // ---------------------------------------------------------------- contents

    private void contents(Set<String> functions, Set<String> tables) {
        int statementStart = 0;
        int segment = 0;
        for (int i = 0; i <= v.size; i++) {
            if (i == v.size || v.is(i, TokenType.SEMICOLON)) {
                if (i > statementStart) {
                    TokenView statement = new TokenView(v.tokens.subList(statementStart, i), dialect);
                    tables.addAll(TokenTableExtractor.extract(statement).read());
                }
                statementStart = i + 1;
                continue;
            }
            if (notCalls.get(i)) {
                calls(segment, i, functions);
                segment = i + 1;
            }
            SqlToken t = v.get(i);
            if (t.type == TokenType.VARIABLE) {
                if (t.text.startsWith("@@") && FunctionRules.nodeSpecificVariable(t.text)) {
                    mayWrite("node-specific variable " + t.text);
                } else if (!t.text.startsWith("@@")
                        && v.get(i + 1) != null
                        && v.get(i + 1).isOperator(":=")) {
                    mayWrite("user variable " + t.text);
                }
                continue;
            }
            if (t.type != TokenType.WORD || v.is(i - 1, TokenType.DOT)) {
                continue;
            }
            String k = t.keyword;
            if (DATA_CHANGES.contains(k)) {
                // Not: insert(...), replace(...), truncate(...) (string and math functions), FOR UPDATE,
                // ON DUPLICATE KEY UPDATE (their statements are caught anyway).
                boolean function = v.is(i + 1, TokenType.LEFT_PAREN)
                        && (k.equals("INSERT") || k.equals("REPLACE") || k.equals("TRUNCATE"));
                if (!function) {
                    mayWrite(k);
                }
            } else if (k.equals("FOR") && StatementAnalyzer.isLockingClause(v, i)) {
                mayWrite("a locking read");
            } else if (k.equals("LOCK") && v.isKw(i + 1, "IN") && v.isKw(i + 2, "SHARE")) {
                mayWrite("a locking read");
            } else if (k.equals("INTO")) {
                into(i);
            } else if (k.equals("VALUE") && v.isKwAny(i - 1, "NEXT", "PREVIOUS") && v.isKw(i + 1, "FOR")) {
                mayWrite(v.kw(i - 1) + " VALUE FOR");
            } else if (k.equals("SQL_CALC_FOUND_ROWS")) {
                mayWrite("SQL_CALC_FOUND_ROWS");
            }
        }
        calls(segment, v.size, functions);
        for (String table : tables) {
            if (FunctionRules.nodeSpecificTable(dialect, table)) {
                mayWrite("node-specific table " + table);
            }
        }
    }

    /**
     * {@code INTO} targets of {@code SELECT} and {@code FETCH}: local variables are fine; user
     * variables, files and anything else (a PostgreSQL {@code SELECT INTO} creates a table) are not.
     * {@code INSERT INTO} is a write already.
     */
    private void into(int i) {
        if (v.isKwAny(i - 1, "INSERT", "REPLACE", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "MERGE")) {
            return;
        }
        int j = i + 1;
        while (j < v.size) {
            if (!v.isNamePart(j) || !locals.contains(v.identifier(j).toLowerCase(Locale.ROOT))) {
                SqlToken t = v.get(j);
                mayWrite("INTO " + (t == null ? "nothing" : t.text));
                return;
            }
            if (!v.is(j + 1, TokenType.COMMA)) {
                return;
            }
            j += 2;
        }
    }

    private void calls(int from, int to, Set<String> functions) {
        if (from >= to) {
            return;
        }
        Set<String> names = TokenFunctionScanner.scan(v, from, to, cteNames);
        PostgresCallScanner.scan(v, from, to, names);
        for (String name : names) {
            switch (FunctionRules.categorize(dialect, name)) {
                case READ_ONLY_BUILTIN:
                    break;
                case SIDE_EFFECT:
                    mayWrite("side-effect function " + name);
                    break;
                case NODE_SPECIFIC:
                    mayWrite("node-specific function " + name);
                    break;
                case USER:
                    functions.add(name);
                    break;
                default:
                    throw new AssertionError(name);
            }
        }
    }
}
