package dev.junction.router.internal;

import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect.Kind;
import dev.junction.router.StatementKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classifies statements that change the connection rather than data: transaction control, SET,
 * RESET, USE, LISTEN, PREPARE, cursors, MySQL XA. Each reports its {@link
 * dev.junction.router.SessionEffect} so the driver can track and replay it, and the pin it creates
 * when it cannot be replayed.
 *
 * <p>A {@code SET} whose value is computed (a subquery, a user function, a side-effect or
 * node-specific built-in) records what it calls and reads like a query does and pins the session:
 * replaying its text on another node would compute the value again, there, at another moment.
 */
final class SessionStatementAnalyzer {

    private final boolean mysql;
    private final StatementAnalyzer statements;

    SessionStatementAnalyzer(Dialect dialect, StatementAnalyzer statements) {
        this.mysql = dialect == Dialect.MYSQL;
        this.statements = statements;
    }

    /** The analysis for a session or transaction statement starting with {@code keyword}, or {@code null}. */
    StatementAnalysis analyze(TokenView v, String keyword, int sourceLength) {
        switch (keyword) {
            case "BEGIN":
            case "START":
            case "COMMIT":
            case "END":
            case "ROLLBACK":
            case "ABORT":
            case "SAVEPOINT":
            case "RELEASE":
            case "XA":
                return transaction(v, keyword);
            case "SET":
                return mysql ? mysqlSet(v, sourceLength) : postgresSet(v, sourceLength);
            case "RESET":
                return reset(v);
            case "UNLOCK":
                return v.isKwAny(1, "TABLES", "TABLE")
                        ? new StatementAnalysis(StatementKind.SESSION).effect(Kind.UNLOCK_TABLES, null, null)
                        : new StatementAnalysis(StatementKind.UTILITY_WRITE);
            case "USE":
                return v.isNamePart(1)
                        ? new StatementAnalysis(StatementKind.SESSION).effect(Kind.USE_DATABASE, v.identifier(1), null)
                        : new StatementAnalysis(StatementKind.UNKNOWN);
            case "LISTEN":
                return new StatementAnalysis(StatementKind.SESSION)
                        .effect(Kind.LISTEN, v.nameAt(1), null)
                        .pin(PinReason.LISTEN);
            case "UNLISTEN":
                return new StatementAnalysis(StatementKind.SESSION).effect(Kind.UNLISTEN, everyOrName(v, 1, "*"), null);
            case "PREPARE":
                if (!mysql && v.isKw(1, "TRANSACTION")) {
                    return new StatementAnalysis(StatementKind.TRANSACTION)
                            .effect(Kind.TWO_PHASE, null, v.text(1, v.size));
                }
                return new StatementAnalysis(StatementKind.SESSION)
                        .effect(Kind.PREPARE, statementName(v, 1), null)
                        .pin(PinReason.NAMED_PREPARE);
            case "DEALLOCATE":
                return new StatementAnalysis(StatementKind.SESSION)
                        .effect(Kind.DEALLOCATE, statementName(v, v.isKw(1, "PREPARE") ? 2 : 1), null);
            case "DECLARE":
                return declare(v);
            case "FETCH":
            case "MOVE":
                return new StatementAnalysis(StatementKind.SESSION).effect(Kind.CURSOR, null, v.text(0, v.size));
            case "CLOSE":
                return new StatementAnalysis(StatementKind.SESSION).effect(Kind.CLOSE, everyOrName(v, 1, "ALL"), null);
            case "DISCARD":
                // TEMP and TEMPORARY are one option
                String what = v.isKw(1, "TEMPORARY") ? "temp" : lower(v.kw(1));
                return new StatementAnalysis(StatementKind.SESSION).effect(Kind.DISCARD, what, null);
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- transactions

    private StatementAnalysis transaction(TokenView v, String k) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.TRANSACTION);
        switch (k) {
            case "BEGIN":
                if (mysql && v.isKw(1, "NOT")) {
                    return a.kind(StatementKind.UNKNOWN); // MariaDB BEGIN NOT ATOMIC ... END: a compound statement
                }
                return begin(a, v, 1);
            case "START":
                if (v.isKw(1, "TRANSACTION")) {
                    return begin(a, v, 2);
                }
                return a.kind(StatementKind.UTILITY_WRITE); // START SLAVE/REPLICA/GROUP_REPLICATION
            case "COMMIT":
            case "END":
                if (k.equals("END") && mysql) {
                    return a.kind(StatementKind.UNKNOWN);
                }
                if (v.isKw(1, "PREPARED")) {
                    return mysql ? a.kind(StatementKind.UNKNOWN) : a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
                }
                return a.effect(Kind.COMMIT, null, completion(v));
            case "ROLLBACK":
            case "ABORT": {
                if (k.equals("ABORT") && mysql) {
                    return a.kind(StatementKind.UNKNOWN);
                }
                int j = v.isKwAny(1, "WORK", "TRANSACTION") ? 2 : 1;
                if (v.isKw(j, "TO")) {
                    int n = v.isKw(j + 1, "SAVEPOINT") ? j + 2 : j + 1;
                    return a.effect(Kind.ROLLBACK_TO_SAVEPOINT, v.nameAt(n), null);
                }
                if (v.isKw(1, "PREPARED")) {
                    return mysql ? a.kind(StatementKind.UNKNOWN) : a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
                }
                return a.effect(Kind.ROLLBACK, null, completion(v));
            }
            case "SAVEPOINT":
                return a.effect(Kind.SAVEPOINT, v.nameAt(1), null);
            case "RELEASE":
                return a.effect(Kind.RELEASE_SAVEPOINT, v.nameAt(v.isKw(1, "SAVEPOINT") ? 2 : 1), null);
            case "XA":
                return mysql ? xa(v) : a.kind(StatementKind.UNKNOWN);
            default:
                return a.kind(StatementKind.UNKNOWN);
        }
    }

    /**
     * {@code BEGIN [WORK|TRANSACTION] [modes]}, {@code START TRANSACTION [modes]}: read only when the
     * last access mode is {@code READ ONLY}. MySQL's {@code BEGIN} takes no modes (only {@code START
     * TRANSACTION} does), so there it is always a plain BEGIN.
     */
    private StatementAnalysis begin(StatementAnalysis a, TokenView v, int modes) {
        if (!mysql && v.isKwAny(modes, "WORK", "TRANSACTION")) {
            modes++;
        } else if (mysql && v.isKw(modes, "WORK")) {
            modes++;
        }
        boolean readOnly = false;
        boolean takesModes = !mysql || v.isKw(0, "START");
        for (int j = modes; takesModes && j < v.size; j++) {
            if (v.isKw(j, "READ") && v.isKw(j + 1, "ONLY")) {
                readOnly = true;
            }
            if (v.isKw(j, "READ") && v.isKw(j + 1, "WRITE")) {
                readOnly = false;
            }
        }
        String options = modes < v.size ? v.text(modes, v.size).toLowerCase(Locale.ROOT) : null;
        if (readOnly && !mysql && options.contains("serializable")) {
            // A PostgreSQL hot standby refuses SERIALIZABLE transactions: this one must start on the
            // primary, so it is reported as a plain BEGIN (its options still say read only).
            readOnly = false;
        }
        return a.effect(readOnly ? Kind.BEGIN_READ_ONLY : Kind.BEGIN, null, options);
    }

    /**
     * The completion of {@code COMMIT|ROLLBACK [WORK|TRANSACTION] [AND [NO] CHAIN] [[NO] RELEASE]}:
     * {@code "chain"}, {@code "release"} or {@code null}.
     */
    private static String completion(TokenView v) {
        int j = v.isKwAny(1, "WORK", "TRANSACTION") ? 2 : 1;
        boolean chain = false;
        if (v.isKw(j, "AND")) {
            if (v.isKw(j + 1, "CHAIN")) {
                chain = true;
                j += 2;
            } else if (v.isKw(j + 1, "NO") && v.isKw(j + 2, "CHAIN")) {
                j += 3;
            }
        }
        if (chain) {
            return "chain";
        }
        return v.isKw(j, "RELEASE") ? "release" : null;
    }

    /**
     * MySQL {@code XA START|BEGIN xid [JOIN|RESUME]}, {@code XA END xid [SUSPEND [FOR MIGRATE]]},
     * {@code XA PREPARE xid}, {@code XA COMMIT xid [ONE PHASE]}, {@code XA ROLLBACK xid}, {@code XA
     * RECOVER [CONVERT XID]}. Anything else is unknown.
     */
    private StatementAnalysis xa(TokenView v) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.TRANSACTION);
        String verb = v.kw(1);
        if ("RECOVER".equals(verb)) {
            a.kind(StatementKind.UTILITY_READ).builder.nodeSpecific(true); // the XA transactions prepared on this node
            return a.effect(Kind.XA_RECOVER, null, lower(v.textFrom(2)));
        }
        // The xid is 'gtrid'[, 'bqual'[, formatID]]: strings, numbers and commas up to the options.
        int xidEnd = 2;
        while (xidEnd < v.size && !v.is(xidEnd, TokenType.WORD)) {
            xidEnd++;
        }
        if (verb == null || xidEnd == 2) {
            return a.kind(StatementKind.UNKNOWN);
        }
        String xid = v.text(2, xidEnd);
        String options = xidEnd < v.size ? v.text(xidEnd, v.size).toLowerCase(Locale.ROOT) : null;
        Kind kind;
        boolean validOptions;
        switch (verb) {
            case "START":
            case "BEGIN":
                kind = Kind.XA_START;
                validOptions = options == null || options.equals("join") || options.equals("resume");
                break;
            case "END":
                kind = Kind.XA_END;
                validOptions = options == null || options.equals("suspend") || options.equals("suspend for migrate");
                break;
            case "PREPARE":
                kind = Kind.XA_PREPARE;
                validOptions = options == null;
                break;
            case "COMMIT":
                kind = Kind.XA_COMMIT;
                validOptions = options == null || options.equals("one phase");
                break;
            case "ROLLBACK":
                kind = Kind.XA_ROLLBACK;
                validOptions = options == null;
                break;
            default:
                return a.kind(StatementKind.UNKNOWN);
        }
        return validOptions ? a.effect(kind, xid, options) : a.kind(StatementKind.UNKNOWN);
    }

    // ---------------------------------------------------------------- SET

    private StatementAnalysis postgresSet(TokenView v, int sourceLength) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.SESSION);
        // PostgreSQL's SET takes only literals and names; anything computed is refused by the server,
        // and is treated like MySQL's computed values here in case a future version accepts it.
        statements.computedValue(v, 1, v.size, a, sourceLength, PinReason.UNREPLAYABLE_SESSION_STATE);
        int j = 1;
        Kind kind = Kind.SET_VARIABLE;
        if (v.isKw(j, "SESSION") && v.isKw(j + 1, "CHARACTERISTICS")) {
            int t = v.isKw(j + 2, "AS") ? j + 4 : j + 3;
            return a.effect(Kind.SET_SESSION_CHARACTERISTICS, null, v.textFrom(t));
        }
        if (v.isKw(j, "SESSION") && v.isKw(j + 1, "AUTHORIZATION")) {
            return a.effect(Kind.SET_VARIABLE, "session_authorization", v.textFrom(j + 2));
        }
        if (v.isKwAny(j, "SESSION", "LOCAL")) {
            if (v.isKw(j, "LOCAL")) {
                kind = Kind.SET_LOCAL;
            }
            j++;
        }
        if (v.isKw(j, "TRANSACTION")) {
            return a.effect(kind == Kind.SET_LOCAL ? Kind.SET_LOCAL : Kind.SET_TRANSACTION, null, v.textFrom(j + 1));
        }
        if (v.isKw(j, "CONSTRAINTS")) {
            return a.effect(Kind.SET_LOCAL, "constraints", v.textFrom(j + 1));
        }
        if (v.isKw(j, "SCHEMA")) {
            return a.effect(
                    kind == Kind.SET_LOCAL ? Kind.SET_LOCAL : Kind.SET_SEARCH_PATH, "search_path", v.textFrom(j + 1));
        }
        if (v.isKw(j, "TIME") && v.isKw(j + 1, "ZONE")) {
            return a.effect(kind, "timezone", v.textFrom(j + 2));
        }
        if (v.isKw(j, "NAMES")) {
            return a.effect(Kind.SET_NAMES, "client_encoding", v.textFrom(j + 1));
        }
        if (v.isKw(j, "ROLE")) {
            return a.effect(kind, "role", v.textFrom(j + 1));
        }
        if (!v.isNamePart(j)) {
            return a.kind(StatementKind.UNKNOWN);
        }
        int end = v.qualifiedNameEnd(j);
        String name = v.qualifiedName(j, end).toLowerCase(Locale.ROOT);
        int value = v.isKw(end, "TO") || (v.get(end) != null && v.get(end).isOperator("=")) ? end + 1 : end;
        if (name.equals("search_path") && kind == Kind.SET_VARIABLE) {
            kind = Kind.SET_SEARCH_PATH;
        }
        return a.effect(kind, name, v.textFrom(value));
    }

    /**
     * One assignment of a MySQL {@code SET}.
     *
     * @param global to a global or persisted variable: a change of the server, not the session
     * @param user to a user variable ({@code @name}); {@link #name} is then without the {@code @}
     * @param names {@code NAMES ...}, {@code CHARACTER SET ...} or {@code CHARSET ...}
     * @param name the variable, lower case for system variables
     * @param value index of the value's first token
     * @param end index after the value
     */
    private record Assignment(boolean global, boolean user, boolean names, String name, int value, int end) {}

    private StatementAnalysis mysqlSet(TokenView v, int sourceLength) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.SESSION);
        if (v.isKw(1, "PASSWORD") || (v.isKw(1, "DEFAULT") && v.isKw(2, "ROLE")) || v.isKw(1, "RESOURCE")) {
            return a.kind(StatementKind.UTILITY_WRITE); // account and server changes
        }
        int scoped = v.isKwAny(1, "GLOBAL", "PERSIST", "PERSIST_ONLY", "SESSION", "LOCAL") ? 2 : 1;
        if (v.isKw(scoped, "TRANSACTION")) {
            if (v.isKwAny(1, "GLOBAL", "PERSIST", "PERSIST_ONLY")) {
                return a.kind(StatementKind.UTILITY_WRITE);
            }
            return a.effect(
                    scoped == 2 ? Kind.SET_SESSION_CHARACTERISTICS : Kind.SET_TRANSACTION,
                    null,
                    v.textFrom(scoped + 1));
        }
        if (v.isKw(1, "ROLE")) {
            return a.effect(Kind.SET_VARIABLE, "role", v.textFrom(2));
        }
        List<Assignment> assignments = assignments(v);
        if (assignments == null) {
            return a.kind(StatementKind.UNKNOWN);
        }
        boolean global = false;
        Assignment autocommit = null;
        for (Assignment s : assignments) {
            global |= s.global;
            if (!s.global && !s.user && !s.names && s.name.equals("autocommit")) {
                autocommit = s;
            }
            // Replaying SET @v = <literal> elsewhere is exact; replaying a value computed by a query, a
            // function or from other variables on another node is not.
            if (s.user && readsVariablesOrCalls(v, s.value, s.end)) {
                a.pin(PinReason.UNREPLAYABLE_SESSION_STATE);
            }
            statements.computedValue(v, s.value, s.end, a, sourceLength, PinReason.UNREPLAYABLE_SESSION_STATE);
        }
        if (global) {
            a.kind(StatementKind.UTILITY_WRITE); // server-wide settings are writes on the node that runs them
        }
        if (autocommit != null) {
            // The driver tracks autocommit itself and must know exactly what the session's mode becomes.
            String value = assignments.size() == 1 ? autocommitValue(v, autocommit) : null;
            return a.effect(Kind.SET_AUTOCOMMIT, "autocommit", value);
        }
        if (global) {
            return a;
        }
        Assignment first = assignments.get(0);
        if (first.names) {
            return a.effect(Kind.SET_NAMES, "names", v.textFrom(first.value));
        }
        return a.effect(first.user ? Kind.USER_VARIABLE : Kind.SET_VARIABLE, first.name, v.textFrom(first.value));
    }

    /** The assignments of a MySQL {@code SET}, or {@code null} when the list does not parse. */
    private static List<Assignment> assignments(TokenView v) {
        List<Assignment> list = new ArrayList<>(2);
        int depth = v.get(0).depth;
        boolean global = false; // GLOBAL/SESSION apply to the assignments that follow them
        int j = 1;
        while (j < v.size) {
            if (v.isKwAny(j, "GLOBAL", "PERSIST", "PERSIST_ONLY")) {
                global = true;
                j++;
            } else if (v.isKwAny(j, "SESSION", "LOCAL")) {
                global = false;
                j++;
            }
            int end = j;
            while (end < v.size && !(v.is(end, TokenType.COMMA) && v.get(end).depth == depth)) {
                end++;
            }
            if (v.isKwAny(j, "NAMES", "CHARSET") || (v.isKw(j, "CHARACTER") && v.isKw(j + 1, "SET"))) {
                list.add(new Assignment(false, false, true, "names", v.isKw(j, "CHARACTER") ? j + 2 : j + 1, end));
                j = end + 1;
                continue;
            }
            SqlToken target = v.get(j);
            if (target == null) {
                return null;
            }
            int operator;
            boolean isGlobal = global;
            boolean user = false;
            String name;
            if (target.type == TokenType.VARIABLE) {
                operator = j + 1;
                String t = target.text.toLowerCase(Locale.ROOT);
                if (!t.startsWith("@@")) {
                    user = true;
                    name = target.text.substring(1);
                } else if (t.startsWith("@@global.") || t.startsWith("@@persist.") || t.startsWith("@@persist_only.")) {
                    isGlobal = true;
                    name = t.substring(t.indexOf('.') + 1);
                } else {
                    isGlobal = false; // @@name and @@session.name are the session's
                    name = t.startsWith("@@session.") || t.startsWith("@@local.")
                            ? t.substring(t.indexOf('.') + 1)
                            : t.substring(2);
                }
            } else if (v.isNamePart(j)) {
                operator = v.qualifiedNameEnd(j);
                name = v.qualifiedName(j, operator).toLowerCase(Locale.ROOT);
            } else {
                return null;
            }
            SqlToken op = v.get(operator);
            if (op == null || !(op.isOperator("=") || op.isOperator(":="))) {
                return null;
            }
            list.add(new Assignment(isGlobal, user, false, name, operator + 1, end));
            j = end + 1;
        }
        return list.isEmpty() ? null : list;
    }

    /** {@code "0"} or {@code "1"} for a literal autocommit value (0, 1, ON, OFF, TRUE, FALSE, quoted or not), else {@code null}. */
    private static String autocommitValue(TokenView v, Assignment s) {
        if (s.end != s.value + 1) {
            return null;
        }
        SqlToken t = v.get(s.value);
        String text;
        if (t.type == TokenType.NUMBER || t.type == TokenType.WORD) {
            text = t.text;
        } else if (t.type == TokenType.STRING
                && t.text.length() >= 2
                && (t.text.charAt(0) == '\'' || t.text.charAt(0) == '"')
                && t.text.indexOf('\\') < 0) {
            text = t.text.substring(1, t.text.length() - 1);
        } else {
            return null;
        }
        switch (text.toUpperCase(Locale.ROOT)) {
            case "0":
            case "OFF":
            case "FALSE":
                return "0";
            case "1":
            case "ON":
            case "TRUE":
                return "1";
            default:
                return null;
        }
    }

    /** A user variable's value reads other variables, runs a subquery or calls a function (built-ins included). */
    private static boolean readsVariablesOrCalls(TokenView v, int from, int to) {
        for (int k = from; k < to; k++) {
            SqlToken t = v.get(k);
            if (t.is("SELECT")
                    || t.type == TokenType.VARIABLE
                    || (t.type == TokenType.LEFT_PAREN && v.isNamePart(k - 1))) {
                return true;
            }
        }
        return false;
    }

    private StatementAnalysis reset(TokenView v) {
        if (mysql) {
            return new StatementAnalysis(StatementKind.UTILITY_WRITE); // RESET MASTER/REPLICA/QUERY CACHE/PERSIST
        }
        String target = v.size > 1 ? v.text(1, v.size).toLowerCase(Locale.ROOT) : null;
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.RESET, target, null);
    }

    private StatementAnalysis declare(TokenView v) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.SESSION).effect(Kind.CURSOR, v.nameAt(1), null);
        for (int j = 2; j < v.size && !v.isKw(j, "FOR"); j++) {
            if (v.isKw(j, "WITH") && v.isKw(j + 1, "HOLD")) {
                a.pin(PinReason.HOLDABLE_CURSOR);
            }
        }
        return a;
    }

    /**
     * The name at {@code i} as the server resolves it, or {@code null} when the token there is {@code
     * every} ({@code *} of {@code UNLISTEN *}, the keyword {@code ALL} of {@code CLOSE ALL}, {@code
     * DEALLOCATE ALL}): a quoted {@code "all"} or {@code "*"} is a name.
     */
    private static String everyOrName(TokenView v, int i, String every) {
        SqlToken t = v.get(i);
        if (t == null) {
            return null;
        }
        if (every.equals(t.keyword)
                || (t.type != TokenType.WORD && t.type != TokenType.QUOTED_IDENTIFIER && t.text.equals(every))) {
            return null;
        }
        return v.nameAt(i);
    }

    /**
     * The name of a statement prepared in SQL, {@code null} for {@code ALL}. MySQL compares these
     * names without regard to case, so they are reported in lower case there.
     */
    private String statementName(TokenView v, int i) {
        String name = everyOrName(v, i, "ALL");
        return mysql && name != null ? name.toLowerCase(Locale.ROOT) : name;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
