package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect.Kind;
import dev.junction.router.StatementKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies one statement (no semicolons inside) from its tokens: the keyword gate of design §3.
 * Queries and DML continue to the pre-lexer, Calcite and the tree walk; everything else is decided
 * from keywords alone.
 */
final class StatementAnalyzer {

    /** Statements longer than this skip Calcite: parsing a huge generated INSERT costs more than it tells. */
    static final int MAX_CALCITE_LENGTH = 64 * 1024;

    private static final Set<String> POSTGRES_NODE_SETTINGS = Set.of(
            "in_hot_standby",
            "transaction_read_only",
            "default_transaction_read_only",
            "hot_standby",
            "primary_conninfo",
            "primary_slot_name",
            "recovery_target",
            "recovery_min_apply_delay",
            "data_directory",
            "config_file",
            "port",
            "listen_addresses",
            "cluster_name");

    private static final Set<String> MYSQL_NODE_SHOW_WORDS = Set.of(
            "MASTER",
            "SLAVE",
            "REPLICA",
            "REPLICAS",
            "BINARY",
            "BINLOG",
            "RELAYLOG",
            "PROCESSLIST",
            "STATUS",
            "VARIABLES",
            "WARNINGS",
            "ERRORS",
            "COUNT",
            "ENGINE",
            "PROFILE",
            "PROFILES",
            "OPEN",
            "HOSTS",
            "GLOBAL",
            "SESSION",
            "MUTEX",
            "LOGS",
            "EVENTS");

    private static final Set<String> EXPLAINABLE = Set.of(
            "SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "CREATE", "EXECUTE",
            "DECLARE");

    private static final Set<String> INSERT_LIKE =
            Set.of("INSERT", "REPLACE", "MERGE", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY");

    private static final Set<String> UTILITY_WRITES = Set.of(
            "VACUUM",
            "CLUSTER",
            "REINDEX",
            "CHECKPOINT",
            "REFRESH",
            "OPTIMIZE",
            "REPAIR",
            "CHECK",
            "CHECKSUM",
            "FLUSH",
            "KILL",
            "PURGE",
            "CHANGE",
            "STOP",
            "INSTALL",
            "UNINSTALL",
            "CACHE",
            "SHUTDOWN",
            "RESTART",
            "CLONE",
            "BINLOG",
            "HANDLER",
            "NOTIFY",
            "CALL",
            "DO",
            "EXECUTE",
            "RESIGNAL",
            "SIGNAL");

    private final Dialect dialect;
    private final boolean mysql;
    private final FunctionResolver functions;
    private final CalciteShapeCache shapes;
    private final SessionStatementAnalyzer sessions;
    private final DefinitionStatementAnalyzer definitions;

    StatementAnalyzer(Dialect dialect, FunctionResolver functions, CalciteShapeCache shapes) {
        this.dialect = dialect;
        this.mysql = dialect == Dialect.MYSQL;
        this.functions = functions;
        this.shapes = shapes;
        this.sessions = new SessionStatementAnalyzer(dialect, this);
        this.definitions = new DefinitionStatementAnalyzer(dialect, this);
    }

    /** Analyses one statement of the text: {@link #analyze} plus what only the whole statement tells (implicit commits). */
    StatementAnalysis analyzeTopLevel(TokenView v, int sourceLength) {
        StatementAnalysis a = analyze(v, sourceLength);
        if (mysql) {
            a.builder.implicitCommit(MySqlImplicitCommits.commitsBefore(v, a.builder.sessionEffect()));
        }
        return a;
    }

    StatementAnalysis analyze(TokenView v, int sourceLength) {
        int first = v.skipOpenParens(0);
        String k = v.kw(first);
        if (k == null) {
            return jdbcCallEscape(v);
        }
        switch (k) {
            case "SELECT":
            case "WITH":
            case "VALUES":
            case "TABLE":
                return dataStatement(v, StatementKind.READ, sourceLength);
            case "INSERT":
            case "UPDATE":
            case "DELETE":
            case "MERGE":
            case "UPSERT":
                return dataStatement(v, StatementKind.WRITE, sourceLength);
            case "REPLACE":
                return mysql
                        ? dataStatement(v, StatementKind.WRITE, sourceLength)
                        : new StatementAnalysis(StatementKind.UNKNOWN);
            case "TRUNCATE":
                return definitions.truncate(v);
            case "CREATE":
            case "ALTER":
            case "DROP":
            case "RENAME":
            case "COMMENT":
            case "GRANT":
            case "REVOKE":
            case "SECURITY":
                return definitions.ddl(v, sourceLength);
            case "IMPORT":
                return new StatementAnalysis(mysql ? StatementKind.UTILITY_WRITE : StatementKind.DDL);
            case "SHOW":
                return show(v);
            case "EXPLAIN":
            case "DESCRIBE":
            case "DESC":
                return explain(v, sourceLength);
            case "ANALYZE":
            case "ANALYSE":
                return analyzeStatement(v, sourceLength);
            case "COPY":
                return mysql ? new StatementAnalysis(StatementKind.UNKNOWN) : copy(v, sourceLength);
            case "LOCK":
                return lock(v);
            case "LOAD":
                return load(v);
            case "HELP":
                return new StatementAnalysis(StatementKind.UTILITY_READ);
            default:
                if (mysql && k.equals("SET") && first == 0 && v.isKw(1, "STATEMENT")) {
                    return setStatement(v, sourceLength);
                }
                StatementAnalysis session = sessions.analyze(v, k, sourceLength);
                if (session != null) {
                    return session;
                }
                if (UTILITY_WRITES.contains(k)) {
                    StatementAnalysis a = new StatementAnalysis(StatementKind.UTILITY_WRITE);
                    if (k.equals("CALL") && v.isNamePart(1)) {
                        int end = v.qualifiedNameEnd(1);
                        a.builder.userFunction(
                                mysql ? v.qualifiedName(1, end).toLowerCase(Locale.ROOT) : v.qualifiedName(1, end));
                    }
                    return a;
                }
                return new StatementAnalysis(StatementKind.UNKNOWN);
        }
    }

    // ---------------------------------------------------------------- SET STATEMENT ... FOR

    /**
     * MariaDB {@code SET STATEMENT var = value [, ...] FOR statement}: the variables hold only while
     * the statement runs, so the session does not change. It is the inner statement, plus whatever
     * the values call or read.
     */
    private StatementAnalysis setStatement(TokenView v, int sourceLength) {
        int body = setStatementBody(v);
        if (body < 0 || body >= v.size) {
            return new StatementAnalysis(StatementKind.UNKNOWN);
        }
        StatementAnalysis a = analyze(v.slice(body), sourceLength);
        computedValue(v, 2, body - 1, a, sourceLength, null);
        return a;
    }

    /**
     * Index of the statement after {@code SET STATEMENT ... FOR}, or -1 when {@code v} is not one: the
     * first {@code FOR} outside parentheses that does not belong to {@code NEXT/PREVIOUS VALUE FOR}.
     */
    static int setStatementBody(TokenView v) {
        if (!v.isMysql() || !v.isKw(0, "SET") || !v.isKw(1, "STATEMENT")) {
            return -1;
        }
        int depth = v.get(0).depth;
        for (int j = 2; j < v.size; j++) {
            if (v.get(j).depth == depth && v.isKw(j, "FOR") && !v.isKw(j - 1, "VALUE")) {
                return j + 1;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- values of SET

    /**
     * Records what the expression in tokens {@code [from, to)} calls and reads, exactly as for a
     * query: subqueries are analysed as statements, every other call goes through the function rules
     * and the catalog.
     *
     * @param pin when not {@code null}, the pin to set if the value is computed; set before the pins
     *     the calls themselves create, so that it is the one reported
     * @return true when the value is computed: it holds a subquery, {@code NEXT VALUE FOR}, or a call
     *     to anything but a known read-only built-in (a user function, a side-effect or node-specific
     *     built-in, a PostgreSQL operator that is not built in). Such a value depends on the node and
     *     the moment that computed it, so replaying the statement's text elsewhere would not
     *     re-create it.
     */
    boolean computedValue(TokenView v, int from, int to, StatementAnalysis a, int sourceLength, PinReason pin) {
        int end = Math.min(to, v.size);
        Set<String> called = new LinkedHashSet<>();
        List<int[]> subqueries = new ArrayList<>(0);
        String sequence = null;
        int segment = Math.max(0, from);
        for (int j = segment; j < end; j++) {
            SqlToken t = v.get(j);
            if (t.type == TokenType.LEFT_PAREN
                    && v.isKwAny(v.skipOpenParens(j + 1), "SELECT", "WITH", "VALUES", "TABLE")) {
                called.addAll(TokenFunctionScanner.scan(v, segment, j, Set.of()));
                PostgresCallScanner.scan(v, segment, j, called);
                int close = Math.min(v.matchingParen(j), end);
                subqueries.add(new int[] {j + 1, close});
                j = close;
                segment = close + 1;
            } else if (t.is("VALUE") && v.isKwAny(j - 1, "NEXT", "PREVIOUS") && v.isKw(j + 1, "FOR")) {
                sequence = v.kw(j - 1).toLowerCase(Locale.ROOT) + " value for";
            }
        }
        if (segment < end) {
            called.addAll(TokenFunctionScanner.scan(v, segment, end, Set.of()));
            PostgresCallScanner.scan(v, segment, end, called);
        }
        boolean computed = !subqueries.isEmpty() || sequence != null;
        for (String name : called) {
            computed |= FunctionRules.categorize(dialect, name) != FunctionRules.Category.READ_ONLY_BUILTIN;
        }
        if (computed && pin != null) {
            a.pin(pin);
        }
        if (sequence != null) {
            a.builder.sideEffectFunction(sequence);
        }
        for (int[] q : subqueries) {
            StatementAnalysis query = analyze(new TokenView(v.tokens.subList(q[0], q[1]), dialect), sourceLength);
            StatementAnalysis.absorbFacts(a.builder, query.builder.build());
            a.cacheable &= query.cacheable;
            a.calciteAttempted |= query.calciteAttempted;
        }
        a.cacheable &= functions.apply(called, a.builder);
        return computed;
    }

    // ---------------------------------------------------------------- queries and DML

    private StatementAnalysis dataStatement(TokenView v, StatementKind gateKind, int sourceLength) {
        StatementKind kind = gateKind;
        StatementAnalysis a = new StatementAnalysis(kind);
        Classification.Builder b = a.builder;
        boolean modifying = false;
        boolean assignment = false;
        int into = -1;
        for (int i = 0; i < v.size; i++) {
            SqlToken t = v.get(i);
            if (t.type == TokenType.VARIABLE) {
                if (t.text.startsWith("@@") && FunctionRules.nodeSpecificVariable(t.text)) {
                    b.nodeSpecific(true);
                }
                continue;
            }
            if (mysql && t.isOperator(":=")) {
                assignment = true;
                continue;
            }
            if (t.type != TokenType.WORD) {
                continue;
            }
            SqlToken prev = v.get(i - 1);
            String pk = prev == null ? null : prev.keyword;
            switch (t.keyword) {
                case "FOR":
                    if (isLockingClause(v, i)) {
                        b.lockingRead(true);
                    }
                    break;
                case "LOCK":
                    if (v.isKw(i + 1, "IN") && v.isKw(i + 2, "SHARE")) {
                        b.lockingRead(true);
                    }
                    break;
                case "INSERT":
                case "UPDATE":
                case "DELETE":
                case "MERGE":
                case "UPSERT":
                    // Not: FOR [NO KEY] UPDATE (locking), t.update (a column), insert(...) (MySQL string function).
                    if (i > 0
                            && (prev == null || prev.type != TokenType.DOT)
                            && !"FOR".equals(pk)
                            && !"KEY".equals(pk)
                            && !v.is(i + 1, TokenType.LEFT_PAREN)) {
                        modifying = true;
                    }
                    break;
                case "REPLACE":
                    if (i > 0 && v.isKw(i + 1, "INTO")) {
                        modifying = true;
                    }
                    break;
                case "INTO":
                    if (into < 0 && (pk == null || !INSERT_LIKE.contains(pk))) {
                        into = i;
                    }
                    break;
                case "SQL_CALC_FOUND_ROWS":
                    if (mysql) {
                        // FOUND_ROWS() must later run where this ran: the primary, where FOUND_ROWS() goes.
                        b.sideEffectFunction("sql_calc_found_rows");
                    }
                    break;
                case "VALUE":
                    if (("NEXT".equals(pk) || "PREVIOUS".equals(pk) || "CURRENT".equals(pk)) && v.isKw(i + 1, "FOR")) {
                        b.sideEffectFunction(pk.toLowerCase(Locale.ROOT) + " value for");
                    }
                    break;
                default:
                    break;
            }
        }
        if (kind == StatementKind.READ && modifying) {
            kind = StatementKind.WRITE;
        }
        if (kind == StatementKind.READ && into >= 0) {
            kind = selectInto(v, a, into);
        }
        if (assignment) {
            // MySQL @v := expr inside a query: the variable's value comes from data on this node.
            a.pin(PinReason.UNREPLAYABLE_SESSION_STATE);
            if (kind == StatementKind.READ) {
                kind = StatementKind.SESSION;
                a.effect(Kind.USER_VARIABLE, null, null);
            }
        }
        b.kind(kind);

        Collection<String> called = null;
        Set<String> read = null;
        // A query with a data-modifying CTE, SELECT INTO or := is beyond Babel: go straight to tokens.
        boolean tokensOnly = (gateKind == StatementKind.READ && modifying)
                || into >= 0
                || assignment
                || sourceLength > MAX_CALCITE_LENGTH;
        if (!tokensOnly) {
            CalcitePreLexer.Result pre = CalcitePreLexer.rewrite(v);
            b.lockingRead(pre.locking());
            if (pre.parseable()) {
                boolean[] parsedNow = new boolean[1];
                CalciteFacts facts = shapes.facts(pre, parsedNow);
                a.calciteAttempted = parsedNow[0];
                if (facts.parsed()) {
                    if (facts.dataModifying() && b.kind() == StatementKind.READ) {
                        b.kind(StatementKind.WRITE);
                    }
                    if (facts.sequenceValue()) {
                        b.sideEffectFunction("next value for");
                    }
                    read = facts.tablesRead();
                    b.tablesWritten(facts.tablesWritten());
                    Set<String> all = new LinkedHashSet<>(facts.functions());
                    all.addAll(pre.droppedFunctions());
                    called = all;
                    b.parsedByCalcite(true);
                }
            }
        }
        if (called == null) {
            TokenTableExtractor.Tables tables = TokenTableExtractor.extract(v);
            read = tables.read();
            b.tablesWritten(tables.written());
            called = TokenFunctionScanner.scan(v, 0, v.size, TokenTableExtractor.cteNames(v));
        }
        if (!mysql) {
            // Operators that are not built in and attribute notation call functions without looking like
            // calls; they come from the tokens whichever path found the rest.
            Set<String> all = new LinkedHashSet<>(called);
            PostgresCallScanner.scan(v, 0, v.size, all);
            called = all;
        }
        b.tablesRead(read);
        a.cacheable &= functions.apply(called, b);
        for (String table : read) {
            if (FunctionRules.nodeSpecificTable(dialect, table)) {
                b.nodeSpecific(true);
                break;
            }
        }
        return a;
    }

    /** {@code SELECT ... INTO}: PostgreSQL creates a table; MySQL assigns variables or writes a file. */
    private StatementKind selectInto(TokenView v, StatementAnalysis a, int into) {
        if (!mysql) {
            int j = into + 1;
            if (v.isKwAny(j, "LOCAL", "GLOBAL")) {
                j++;
            }
            if (v.isKwAny(j, "TEMP", "TEMPORARY")) {
                a.pin(PinReason.TEMPORARY_TABLE);
            }
            return StatementKind.WRITE;
        }
        if (v.isKwAny(into + 1, "OUTFILE", "DUMPFILE")) {
            return StatementKind.UTILITY_WRITE;
        }
        SqlToken target = v.get(into + 1);
        a.effect(Kind.USER_VARIABLE, target == null ? null : target.text, null);
        a.pin(PinReason.UNREPLAYABLE_SESSION_STATE);
        return StatementKind.SESSION;
    }

    static boolean isLockingClause(TokenView v, int forIndex) {
        int k = forIndex + 1;
        return v.isKwAny(k, "UPDATE", "SHARE")
                || (v.isKw(k, "NO") && v.isKw(k + 1, "KEY") && v.isKw(k + 2, "UPDATE"))
                || (v.isKw(k, "KEY") && v.isKw(k + 1, "SHARE"));
    }

    private StatementAnalysis show(TokenView v) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.UTILITY_READ);
        if (mysql) {
            for (int j = 1; j < v.size; j++) {
                if (v.get(j).keyword != null && MYSQL_NODE_SHOW_WORDS.contains(v.get(j).keyword)) {
                    a.builder.nodeSpecific(true);
                    break;
                }
            }
        } else if (v.isNamePart(1)) {
            String setting = v.qualifiedName(1, v.qualifiedNameEnd(1)).toLowerCase(Locale.ROOT);
            a.builder.nodeSpecific(POSTGRES_NODE_SETTINGS.contains(setting));
        }
        return a;
    }

    // ---------------------------------------------------------------- utilities

    private StatementAnalysis explain(TokenView v, int sourceLength) {
        int j = 1;
        boolean analyze = false;
        if (!mysql && v.is(1, TokenType.LEFT_PAREN)) {
            int close = v.matchingParen(1);
            for (int k = 2; k < close; k++) {
                if (v.isKwAny(k, "ANALYZE", "ANALYSE")) {
                    analyze = !v.isKwAny(k + 1, "FALSE", "OFF")
                            && !(v.is(k + 1, TokenType.NUMBER)
                                    && v.get(k + 1).text.equals("0"));
                }
            }
            j = close + 1;
        } else {
            while (true) {
                if (v.isKwAny(j, "ANALYZE", "ANALYSE")) {
                    analyze = true;
                    j++;
                } else if (v.isKwAny(j, "VERBOSE", "EXTENDED", "PARTITIONS")) {
                    j++;
                } else if (v.isKw(j, "FORMAT")
                        && v.get(j + 1) != null
                        && v.get(j + 1).isOperator("=")) {
                    j += 3;
                } else {
                    break;
                }
            }
        }
        if (mysql && v.isKw(j, "FOR") && v.isKw(j + 1, "CONNECTION")) {
            StatementAnalysis a = new StatementAnalysis(StatementKind.UTILITY_READ);
            a.builder.nodeSpecific(true);
            return a;
        }
        String inner = v.kw(v.skipOpenParens(j));
        boolean statementFollows = inner != null && EXPLAINABLE.contains(inner);
        if (!statementFollows) {
            // MySQL DESCRIBE t / EXPLAIN t: the table's definition.
            return new StatementAnalysis(j < v.size ? StatementKind.UTILITY_READ : StatementKind.UNKNOWN);
        }
        StatementAnalysis a = analyze(v.slice(j), sourceLength);
        StatementKind innerKind = a.builder.kind();
        if (!analyze) {
            // The plan only: nothing runs, but keep the inner statement's tables and flags, so EXPLAIN
            // of a write or a locking read stays on the primary like the statement it explains.
            a.kind(StatementKind.UTILITY_READ);
        } else if (innerKind == StatementKind.READ) {
            a.kind(StatementKind.UTILITY_READ);
        }
        return a;
    }

    private StatementAnalysis analyzeStatement(TokenView v, int sourceLength) {
        if (!mysql || v.isKwAny(1, "TABLE", "NO_WRITE_TO_BINLOG", "LOCAL")) {
            return new StatementAnalysis(StatementKind.UTILITY_WRITE); // ANALYZE [table]: updates statistics
        }
        // MariaDB ANALYZE <statement> runs the statement, like EXPLAIN ANALYZE.
        return explainAnalyze(v, sourceLength);
    }

    private StatementAnalysis explainAnalyze(TokenView v, int sourceLength) {
        int j = 1;
        if (v.isKw(j, "FORMAT") && v.get(j + 1) != null && v.get(j + 1).isOperator("=")) {
            j += 3;
        }
        StatementAnalysis a = analyze(v.slice(j), sourceLength);
        if (a.builder.kind() == StatementKind.READ) {
            a.kind(StatementKind.UTILITY_READ);
        }
        return a;
    }

    private StatementAnalysis copy(TokenView v, int sourceLength) {
        int j = 1;
        StatementAnalysis a;
        if (v.is(1, TokenType.LEFT_PAREN)) {
            int close = v.matchingParen(1);
            a = analyze(new TokenView(v.tokens.subList(2, Math.min(close, v.size)), dialect), sourceLength);
            if (a.builder.kind() == StatementKind.READ) {
                a.kind(StatementKind.UTILITY_READ);
            }
            j = close + 1;
        } else {
            a = new StatementAnalysis(StatementKind.UTILITY_READ);
            int end = v.qualifiedNameEnd(1);
            if (end == 1) {
                return new StatementAnalysis(StatementKind.UNKNOWN);
            }
            String table = v.qualifiedName(1, end);
            j = end;
            if (v.is(j, TokenType.LEFT_PAREN)) {
                j = v.matchingParen(j) + 1;
            }
            if (v.isKw(j, "FROM")) {
                a.kind(StatementKind.WRITE);
                a.builder.tableWritten(table);
                return a;
            }
            a.builder.tableRead(table);
        }
        if (v.isKw(j, "TO") && !v.isKwAny(j + 1, "STDOUT")) {
            a.kind(StatementKind.UTILITY_WRITE); // COPY ... TO 'file' / PROGRAM writes on the server
        }
        // COPY ... TO STDOUT only reads, but applications run it through PgJDBC's CopyManager, and the
        // hot standbys of our integration tests refused that copy: every COPY stays on the primary.
        a.builder.primaryOnly(true);
        return a;
    }

    private StatementAnalysis lock(TokenView v) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.UTILITY_WRITE);
        a.builder.lockingRead(true);
        if (mysql && v.isKwAny(1, "TABLES", "TABLE")) {
            a.pin(PinReason.TABLE_LOCK);
        }
        return a;
    }

    private StatementAnalysis load(TokenView v) {
        if (!mysql || !v.isKwAny(1, "DATA", "XML")) {
            return new StatementAnalysis(StatementKind.UTILITY_WRITE);
        }
        StatementAnalysis a = new StatementAnalysis(StatementKind.WRITE);
        for (int j = 2; j < v.size; j++) {
            if (v.isKw(j, "INTO") && v.isKw(j + 1, "TABLE") && v.isNamePart(j + 2)) {
                a.builder.tableWritten(v.qualifiedName(j + 2, v.qualifiedNameEnd(j + 2)));
                break;
            }
        }
        return a;
    }

    /** JDBC's {@code {call proc(?)}} / {@code {? = call f(?)}}: a procedure call; anything else is unknown. */
    private StatementAnalysis jdbcCallEscape(TokenView v) {
        SqlToken open = v.get(0);
        if (open == null || !open.text.equals("{")) {
            return new StatementAnalysis(StatementKind.UNKNOWN);
        }
        int j = 1;
        if (v.is(1, TokenType.PARAMETER) && v.get(2) != null && v.get(2).isOperator("=")) {
            j = 3;
        }
        if (!v.isKw(j, "CALL")) {
            return new StatementAnalysis(StatementKind.UNKNOWN);
        }
        StatementAnalysis a = new StatementAnalysis(StatementKind.UTILITY_WRITE);
        if (v.isNamePart(j + 1)) {
            String procedure = v.qualifiedName(j + 1, v.qualifiedNameEnd(j + 1));
            a.builder.userFunction(mysql ? procedure.toLowerCase(Locale.ROOT) : procedure);
        }
        return a;
    }
}
