package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import dev.junction.router.StatementKind;

/**
 * Classifies schema changes (CREATE, ALTER, DROP, RENAME, GRANT...) and TRUNCATE from keywords:
 * the table they change, the tables a {@code DROP TABLE} drops, the table a {@code CREATE TABLE ...
 * AS SELECT} or {@code LIKE} reads, and the pin a temporary object creates.
 */
final class DefinitionStatementAnalyzer {

    private final boolean mysql;
    private final StatementAnalyzer statements;

    DefinitionStatementAnalyzer(Dialect dialect, StatementAnalyzer statements) {
        this.mysql = dialect == Dialect.MYSQL;
        this.statements = statements;
    }

    StatementAnalysis ddl(TokenView v, int sourceLength) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.DDL);
        String verb = v.kw(0);
        int j = 1;
        if (verb.equals("CREATE")) {
            boolean temporary = false;
            while (v.isKwAny(
                    j,
                    "OR",
                    "REPLACE",
                    "TEMP",
                    "TEMPORARY",
                    "LOCAL",
                    "GLOBAL",
                    "UNLOGGED",
                    "UNIQUE",
                    "DEFINER",
                    "ALGORITHM",
                    "SQL",
                    "SECURITY",
                    "INVOKER",
                    "CONSTRAINT",
                    "RECURSIVE",
                    "MATERIALIZED",
                    "FOREIGN",
                    "EXTERNAL",
                    "TRUSTED",
                    "PROCEDURAL",
                    "AGGREGATE")) {
                temporary |= v.isKwAny(j, "TEMP", "TEMPORARY");
                if (v.isKwAny(j, "DEFINER", "ALGORITHM")
                        && v.get(j + 1) != null
                        && v.get(j + 1).isOperator("=")) {
                    j += 2; // DEFINER = user@host: the value follows
                }
                j++;
            }
            if (temporary && !(v.isKw(j, "TABLE") && onCommitDrop(v, j + 1))) {
                // A table dropped when its transaction ends lives no longer than the transaction, which
                // keeps its node anyway; in auto-commit it is gone when the statement returns.
                a.pin(PinReason.TEMPORARY_TABLE);
            }
            if (v.isKw(j, "TABLE")) {
                int name = skipIfNotExists(v, j + 1);
                if (v.isNamePart(name)) {
                    a.builder.tableWritten(v.qualifiedName(name, v.qualifiedNameEnd(name)));
                }
                // CREATE TABLE ... AS SELECT / ... LIKE other: the source is read.
                for (int k = name; k < v.size; k++) {
                    if (v.get(k).depth == 0
                            && v.isKw(k, "AS")
                            && v.isKwAny(v.skipOpenParens(k + 1), "SELECT", "WITH", "TABLE", "VALUES")) {
                        Classification query = statements
                                .analyze(v.slice(k + 1), sourceLength)
                                .builder
                                .build();
                        a.builder.tablesRead(query.tablesRead());
                        a.builder.parsedByCalcite(query.parsedByCalcite());
                        break;
                    }
                    if (v.get(k).depth == 0 && v.isKw(k, "LIKE") && v.isNamePart(k + 1)) {
                        a.builder.tableRead(v.qualifiedName(k + 1, v.qualifiedNameEnd(k + 1)));
                    }
                }
            } else if (v.isKw(j, "INDEX")) {
                for (int k = j; k < v.size; k++) {
                    if (v.isKw(k, "ON")) {
                        int name = v.isKw(k + 1, "ONLY") ? k + 2 : k + 1;
                        if (v.isNamePart(name)) {
                            a.builder.tableWritten(v.qualifiedName(name, v.qualifiedNameEnd(name)));
                        }
                        break;
                    }
                }
            }
        } else if (verb.equals("ALTER") || verb.equals("DROP")) {
            if (v.isKwAny(j, "TEMPORARY", "TEMP")) {
                j++;
            }
            if (v.isKw(j, "TABLE")) {
                int k = skipIfNotExists(v, j + 1);
                if (v.isKw(k, "ONLY")) {
                    k++;
                }
                while (v.isNamePart(k)) {
                    int end = v.qualifiedNameEnd(k);
                    a.builder.tableWritten(v.qualifiedName(k, end));
                    if (verb.equals("DROP")) {
                        a.builder.tableDropped(v.qualifiedName(k, end));
                    }
                    if (!verb.equals("DROP") || !v.is(end, TokenType.COMMA)) {
                        break;
                    }
                    k = end + 1;
                }
            } else if (verb.equals("ALTER") && v.isKw(j, "SYSTEM")) {
                a.kind(StatementKind.UTILITY_WRITE); // server configuration of the node that runs it
            }
        } else if (verb.equals("RENAME") && v.isKwAny(j, "TABLE", "TABLES")) {
            int k = j + 1;
            while (v.isNamePart(k)) {
                int end = v.qualifiedNameEnd(k);
                a.builder.tableWritten(v.qualifiedName(k, end));
                k = end;
                if (v.isKw(k, "TO") && v.isNamePart(k + 1)) {
                    int to = v.qualifiedNameEnd(k + 1);
                    a.builder.tableWritten(v.qualifiedName(k + 1, to));
                    k = to;
                }
                if (!v.is(k, TokenType.COMMA)) {
                    break;
                }
                k++;
            }
        }
        return a;
    }

    /** PostgreSQL {@code ON COMMIT DROP} at the top level of a {@code CREATE TABLE} from {@code from}. */
    private boolean onCommitDrop(TokenView v, int from) {
        if (mysql) {
            return false;
        }
        for (int k = from; k < v.size; k++) {
            if (v.get(k).depth == 0 && v.isKw(k, "AS")) {
                return false; // the clause comes before the query of CREATE TABLE ... AS
            }
            if (v.get(k).depth == 0 && v.isKw(k, "ON") && v.isKw(k + 1, "COMMIT") && v.isKw(k + 2, "DROP")) {
                return true;
            }
        }
        return false;
    }

    private static int skipIfNotExists(TokenView v, int j) {
        if (v.isKw(j, "IF") && v.isKw(j + 1, "NOT") && v.isKw(j + 2, "EXISTS")) {
            return j + 3;
        }
        if (v.isKw(j, "IF") && v.isKw(j + 1, "EXISTS")) {
            return j + 2;
        }
        return j;
    }

    StatementAnalysis truncate(TokenView v) {
        StatementAnalysis a = new StatementAnalysis(StatementKind.WRITE);
        int k = v.isKw(1, "TABLE") ? 2 : 1;
        if (v.isKw(k, "ONLY")) {
            k++;
        }
        while (v.isNamePart(k)) {
            int end = v.qualifiedNameEnd(k);
            a.builder.tableWritten(v.qualifiedName(k, end));
            if (v.get(end) != null && v.get(end).isOperator("*")) {
                end++;
            }
            if (!v.is(end, TokenType.COMMA)) {
                break;
            }
            k = end + 1;
        }
        return a;
    }
}
