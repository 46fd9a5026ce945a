package dev.junction.router.internal;

import dev.junction.router.SessionEffect;

/**
 * Which MySQL/MariaDB statements commit the transaction in progress before they run (MySQL 8
 * "Statements That Cause an Implicit Commit", MariaDB "SQL statements That Cause an Implicit
 * Commit"):
 *
 * <ul>
 *   <li>DDL: {@code CREATE}, {@code ALTER}, {@code DROP}, {@code RENAME} of any object, and {@code
 *       TRUNCATE}; except {@code CREATE/DROP TEMPORARY TABLE} (and MariaDB's temporary sequences,
 *       tables underneath) and {@code CREATE FUNCTION ... SONAME} (a loadable function). {@code
 *       ALTER TABLE} of a temporary table does commit.
 *   <li>Accounts: {@code GRANT}, {@code REVOKE}, {@code SET PASSWORD}.
 *   <li>Locks and transactions: {@code LOCK TABLES}, {@code UNLOCK TABLES} (which commits only
 *       when tables were locked; reported always), {@code BEGIN}, {@code START TRANSACTION}, {@code
 *       SET autocommit = 1} (which commits only when autocommit was 0).
 *   <li>Administration: {@code ANALYZE/CHECK/OPTIMIZE/REPAIR TABLE}, {@code CACHE INDEX}, {@code
 *       LOAD INDEX INTO CACHE}, {@code FLUSH}, {@code RESET} (not {@code RESET PERSIST}), {@code
 *       INSTALL/UNINSTALL PLUGIN|COMPONENT}, {@code IMPORT TABLE}, {@code SHUTDOWN}, replication
 *       control ({@code START/STOP SLAVE|REPLICA}, {@code CHANGE MASTER|REPLICATION ...}).
 * </ul>
 *
 * MariaDB's {@code SET STATEMENT ... FOR <statement>} commits when its statement does. Not
 * reported: {@code CALL} (a procedure may commit, which the text does not show) and statements
 * whose commit depends on the storage engine ({@code LOAD DATA} on NDB).
 */
final class MySqlImplicitCommits {

    private MySqlImplicitCommits() {}

    /**
     * @param v one statement's tokens
     * @param effect the session effect the analyzer found for it, or {@code null}
     */
    static boolean commitsBefore(TokenView v, SessionEffect effect) {
        int s = v.skipOpenParens(0);
        int body = StatementAnalyzer.setStatementBody(v);
        if (body > 0) {
            s = body;
        }
        String k = v.kw(s);
        if (k == null) {
            return false;
        }
        switch (k) {
            case "CREATE":
                return !temporary(v, s) && !loadableFunction(v, s);
            case "DROP":
                return !temporary(v, s);
            case "ALTER":
            case "RENAME":
            case "TRUNCATE":
            case "GRANT":
            case "REVOKE":
            case "FLUSH":
            case "SHUTDOWN":
                return true;
            case "BEGIN":
                return !v.isKw(s + 1, "NOT"); // MariaDB's BEGIN NOT ATOMIC starts a compound statement

            case "SET":
                return v.isKw(s + 1, "PASSWORD")
                        || (effect != null
                                && effect.kind() == SessionEffect.Kind.SET_AUTOCOMMIT
                                && "1".equals(effect.value()));
            case "LOCK":
            case "UNLOCK":
                return v.isKwAny(s + 1, "TABLES", "TABLE");
            case "ANALYZE":
            case "CHECK":
            case "OPTIMIZE":
            case "REPAIR":
                return v.isKwAny(v.isKwAny(s + 1, "NO_WRITE_TO_BINLOG", "LOCAL") ? s + 2 : s + 1, "TABLE", "TABLES");
            case "CACHE":
                return v.isKw(s + 1, "INDEX");
            case "LOAD":
                return v.isKw(s + 1, "INDEX");
            case "RESET":
                return !v.isKw(s + 1, "PERSIST");
            case "START":
                return v.isKwAny(s + 1, "TRANSACTION", "SLAVE", "REPLICA", "GROUP_REPLICATION");
            case "STOP":
                return v.isKwAny(s + 1, "SLAVE", "REPLICA", "GROUP_REPLICATION");
            case "CHANGE":
                return v.isKwAny(s + 1, "MASTER", "REPLICATION");
            case "INSTALL":
            case "UNINSTALL":
                return v.isKwAny(s + 1, "PLUGIN", "COMPONENT", "SONAME");
            case "IMPORT":
                return v.isKw(s + 1, "TABLE");
            default:
                return false;
        }
    }

    /** {@code CREATE|DROP [OR REPLACE] TEMPORARY TABLE|SEQUENCE ...}. */
    private static boolean temporary(TokenView v, int verb) {
        int j = verb + 1;
        if (v.isKw(j, "OR") && v.isKw(j + 1, "REPLACE")) {
            j += 2;
        }
        return v.isKw(j, "TEMPORARY") && v.isKwAny(j + 1, "TABLE", "SEQUENCE");
    }

    /** {@code CREATE [OR REPLACE] [AGGREGATE] FUNCTION ... SONAME 'lib'}: a loadable function, not a stored one. */
    private static boolean loadableFunction(TokenView v, int verb) {
        int j = verb + 1;
        while (v.isKwAny(j, "OR", "REPLACE", "AGGREGATE")) {
            j++;
        }
        if (!v.isKw(j, "FUNCTION")) {
            return false;
        }
        for (int k = j + 1; k < v.size; k++) {
            if (v.isKw(k, "SONAME")) {
                return true;
            }
            if (v.isKwAny(k, "BEGIN", "RETURN")) {
                return false;
            }
        }
        return false;
    }
}
