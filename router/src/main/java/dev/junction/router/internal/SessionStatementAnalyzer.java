package dev.junction.router.internal;

import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect.Kind;
import dev.junction.router.StatementKind;
import java.util.Locale;

/**
 * Classifies statements that change the connection rather than data: transaction control, SET,
 * RESET, USE, LISTEN, PREPARE, cursors. Each reports its {@link dev.junction.router.SessionEffect}
 * so the driver can track and replay it, and the pin it creates when it cannot be replayed.
 */
final class SessionStatementAnalyzer {

  private final boolean mysql;

  SessionStatementAnalyzer(Dialect dialect) {
    this.mysql = dialect == Dialect.MYSQL;
  }

  /** The analysis for a session or transaction statement starting with {@code keyword}, or {@code null}. */
  StatementAnalysis analyze(TokenView v, String keyword) {
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
        return mysql ? mysqlSet(v) : postgresSet(v);
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
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.LISTEN, v.nameAt(1), null).pin(PinReason.LISTEN);
      case "UNLISTEN":
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.UNLISTEN, v.size > 1 ? v.get(1).text : null, null);
      case "PREPARE":
        if (!mysql && v.isKw(1, "TRANSACTION")) {
          return new StatementAnalysis(StatementKind.TRANSACTION).effect(Kind.TWO_PHASE, null, v.text(1, v.size));
        }
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.PREPARE, v.nameAt(1), null)
            .pin(PinReason.NAMED_PREPARE);
      case "DEALLOCATE":
        return new StatementAnalysis(StatementKind.SESSION)
            .effect(Kind.DEALLOCATE, v.nameAt(v.isKw(1, "PREPARE") ? 2 : 1), null);
      case "DECLARE":
        return declare(v);
      case "FETCH":
      case "MOVE":
      case "CLOSE":
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.CURSOR, null, v.text(0, v.size));
      case "DISCARD":
        return new StatementAnalysis(StatementKind.SESSION).effect(Kind.DISCARD, lower(v.kw(1)), null);
      default:
        return null;
    }
  }

  private StatementAnalysis transaction(TokenView v, String k) {
    StatementAnalysis a = new StatementAnalysis(StatementKind.TRANSACTION);
    switch (k) {
      case "BEGIN":
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
          return a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
        }
        return a.effect(Kind.COMMIT, null, null);
      case "ROLLBACK":
      case "ABORT":
        {
          int j = v.isKwAny(1, "WORK", "TRANSACTION") ? 2 : 1;
          if (v.isKw(j, "TO")) {
            int n = v.isKw(j + 1, "SAVEPOINT") ? j + 2 : j + 1;
            return a.effect(Kind.ROLLBACK_TO_SAVEPOINT, v.nameAt(n), null);
          }
          if (v.isKw(1, "PREPARED")) {
            return a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
          }
          return a.effect(Kind.ROLLBACK, null, null);
        }
      case "SAVEPOINT":
        return a.effect(Kind.SAVEPOINT, v.nameAt(1), null);
      case "RELEASE":
        return a.effect(Kind.RELEASE_SAVEPOINT, v.nameAt(v.isKw(1, "SAVEPOINT") ? 2 : 1), null);
      case "XA":
        return a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
      default:
        return a.kind(StatementKind.UNKNOWN);
    }
  }

  private StatementAnalysis begin(StatementAnalysis a, TokenView v, int modes) {
    if (!mysql && v.isKwAny(modes, "WORK", "TRANSACTION")) {
      modes++;
    } else if (mysql && v.isKw(modes, "WORK")) {
      modes++;
    }
    boolean readOnly = false;
    for (int j = modes; j < v.size; j++) {
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

  private StatementAnalysis postgresSet(TokenView v) {
    StatementAnalysis a = new StatementAnalysis(StatementKind.SESSION);
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
      return a.effect(kind == Kind.SET_LOCAL ? Kind.SET_LOCAL : Kind.SET_SEARCH_PATH, "search_path", v.textFrom(j + 1));
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

  private StatementAnalysis mysqlSet(TokenView v) {
    StatementAnalysis a = new StatementAnalysis(StatementKind.SESSION);
    for (int j = 1; j < v.size; j++) {
      SqlToken t = v.get(j);
      // Server-wide settings and account changes are writes on the node that runs them.
      if (t.depth == 0
          && (t.is("GLOBAL") || t.is("PERSIST") || t.is("PERSIST_ONLY")
              || (t.type == TokenType.VARIABLE && startsWithIgnoreCase(t.text, "@@global.")
              || t.type == TokenType.VARIABLE && startsWithIgnoreCase(t.text, "@@persist")))) {
        return a.kind(StatementKind.UTILITY_WRITE);
      }
    }
    if (v.isKw(1, "PASSWORD") || (v.isKw(1, "DEFAULT") && v.isKw(2, "ROLE")) || v.isKw(1, "RESOURCE")) {
      return a.kind(StatementKind.UTILITY_WRITE);
    }
    if (v.isKwAny(1, "NAMES", "CHARSET") || (v.isKw(1, "CHARACTER") && v.isKw(2, "SET"))) {
      return a.effect(Kind.SET_NAMES, "names", v.textFrom(v.isKw(1, "CHARACTER") ? 3 : 2));
    }
    int j = 1;
    boolean session = false;
    if (v.isKwAny(j, "SESSION", "LOCAL")) {
      session = true;
      j++;
    }
    if (v.isKw(j, "TRANSACTION")) {
      return a.effect(session ? Kind.SET_SESSION_CHARACTERISTICS : Kind.SET_TRANSACTION, null, v.textFrom(j + 1));
    }
    if (v.isKw(j, "ROLE")) {
      return a.effect(Kind.SET_VARIABLE, "role", v.textFrom(j + 1));
    }
    SqlToken target = v.get(j);
    if (target == null) {
      return a.kind(StatementKind.UNKNOWN);
    }
    int valueStart = j + 1;
    while (valueStart < v.size && !(v.get(valueStart).isOperator("=") || v.get(valueStart).isOperator(":="))) {
      valueStart++;
    }
    valueStart++;
    if (target.type == TokenType.VARIABLE && !target.text.startsWith("@@")) {
      a.effect(Kind.USER_VARIABLE, target.text.substring(1), v.textFrom(valueStart));
      // Replaying SET @v = <literal> elsewhere is exact; replaying a value computed by a query or
      // function on another node is not, so such assignments pin the session.
      for (int k = valueStart; k < v.size; k++) {
        SqlToken t = v.get(k);
        if (t.is("SELECT") || t.type == TokenType.VARIABLE
            || (t.type == TokenType.LEFT_PAREN && v.isNamePart(k - 1))) {
          a.pin(PinReason.UNREPLAYABLE_SESSION_STATE);
          break;
        }
      }
      return a;
    }
    String name;
    if (target.type == TokenType.VARIABLE) {
      String t = target.text.toLowerCase(Locale.ROOT);
      name = t.startsWith("@@session.") ? t.substring(10) : t.startsWith("@@local.") ? t.substring(8) : t.substring(2);
    } else if (v.isNamePart(j)) {
      name = v.qualifiedName(j, v.qualifiedNameEnd(j)).toLowerCase(Locale.ROOT);
    } else {
      return a.kind(StatementKind.UNKNOWN);
    }
    return a.effect(Kind.SET_VARIABLE, name, v.textFrom(valueStart));
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


  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
