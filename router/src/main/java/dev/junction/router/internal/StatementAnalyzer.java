package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect;
import dev.junction.router.SessionEffect.Kind;
import dev.junction.router.StatementKind;
import java.util.Collection;
import java.util.LinkedHashSet;
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

  /** Result of analysing one statement. */
  static final class Analysis {
    final Classification.Builder builder;
    /** False when the result depends on a transient catalog answer and must not be cached. */
    boolean cacheable = true;
    boolean calciteAttempted;

    Analysis(StatementKind kind) {
      this.builder = Classification.builder(kind);
    }

    Analysis kind(StatementKind kind) {
      builder.kind(kind);
      return this;
    }

    Analysis effect(Kind kind, String target, String value) {
      builder.sessionEffect(SessionEffect.of(kind, target, value));
      return this;
    }

    Analysis pin(PinReason reason) {
      builder.pinReason(reason);
      return this;
    }
  }

  private static final Set<String> POSTGRES_NODE_SETTINGS =
      Set.of("in_hot_standby", "transaction_read_only", "default_transaction_read_only", "hot_standby",
          "primary_conninfo", "primary_slot_name", "recovery_target", "recovery_min_apply_delay",
          "data_directory", "config_file", "port", "listen_addresses", "cluster_name");

  private static final Set<String> MYSQL_NODE_SHOW_WORDS =
      Set.of("MASTER", "SLAVE", "REPLICA", "REPLICAS", "BINARY", "BINLOG", "RELAYLOG", "PROCESSLIST",
          "STATUS", "VARIABLES", "WARNINGS", "ERRORS", "COUNT", "ENGINE", "PROFILE", "PROFILES", "OPEN",
          "HOSTS", "GLOBAL", "SESSION", "MUTEX", "LOGS", "EVENTS");

  private static final Set<String> EXPLAINABLE =
      Set.of("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "CREATE",
          "EXECUTE", "DECLARE");

  private static final Set<String> INSERT_LIKE = Set.of("INSERT", "REPLACE", "MERGE", "IGNORE", "LOW_PRIORITY",
      "DELAYED", "HIGH_PRIORITY");

  private static final Set<String> UTILITY_WRITES =
      Set.of("VACUUM", "CLUSTER", "REINDEX", "CHECKPOINT", "REFRESH", "OPTIMIZE", "REPAIR", "CHECK",
          "CHECKSUM", "FLUSH", "KILL", "PURGE", "CHANGE", "STOP", "INSTALL", "UNINSTALL", "CACHE",
          "SHUTDOWN", "RESTART", "CLONE", "BINLOG", "HANDLER", "NOTIFY", "CALL", "DO", "EXECUTE",
          "RESIGNAL", "SIGNAL", "ALTER_SYSTEM");

  private final Dialect dialect;
  private final boolean mysql;
  private final FunctionResolver functions;
  private final CalciteShapeCache shapes;

  StatementAnalyzer(Dialect dialect, FunctionResolver functions, CalciteShapeCache shapes) {
    this.dialect = dialect;
    this.mysql = dialect == Dialect.MYSQL;
    this.functions = functions;
    this.shapes = shapes;
  }

  Analysis analyze(TokenView v, int sourceLength) {
    int first = v.skipOpenParens(0);
    String k = v.kw(first);
    if (k == null) {
      return new Analysis(StatementKind.UNKNOWN);
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
        return mysql ? dataStatement(v, StatementKind.WRITE, sourceLength) : new Analysis(StatementKind.UNKNOWN);
      case "TRUNCATE":
        return truncate(v);
      case "CREATE":
      case "ALTER":
      case "DROP":
      case "RENAME":
      case "COMMENT":
      case "GRANT":
      case "REVOKE":
      case "SECURITY":
        return ddl(v, sourceLength);
      case "IMPORT":
        return new Analysis(mysql ? StatementKind.UTILITY_WRITE : StatementKind.DDL);
      case "BEGIN":
      case "START":
      case "COMMIT":
      case "END":
      case "ROLLBACK":
      case "ABORT":
      case "SAVEPOINT":
      case "RELEASE":
      case "XA":
        return transaction(v, k);
      case "SET":
        return mysql ? mysqlSet(v) : postgresSet(v);
      case "RESET":
        return reset(v);
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
        return mysql ? new Analysis(StatementKind.UNKNOWN) : copy(v, sourceLength);
      case "LOCK":
        return lock(v);
      case "UNLOCK":
        return v.isKwAny(1, "TABLES", "TABLE")
            ? new Analysis(StatementKind.SESSION).effect(Kind.UNLOCK_TABLES, null, null)
            : new Analysis(StatementKind.UTILITY_WRITE);
      case "USE":
        return v.isNamePart(1)
            ? new Analysis(StatementKind.SESSION).effect(Kind.USE_DATABASE, v.identifier(1), null)
            : new Analysis(StatementKind.UNKNOWN);
      case "LISTEN":
        return new Analysis(StatementKind.SESSION).effect(Kind.LISTEN, name(v, 1), null).pin(PinReason.LISTEN);
      case "UNLISTEN":
        return new Analysis(StatementKind.SESSION).effect(Kind.UNLISTEN, v.size > 1 ? v.get(1).text : null, null);
      case "PREPARE":
        if (!mysql && v.isKw(1, "TRANSACTION")) {
          return new Analysis(StatementKind.TRANSACTION).effect(Kind.TWO_PHASE, null, v.text(1, v.size));
        }
        return new Analysis(StatementKind.SESSION).effect(Kind.PREPARE, name(v, 1), null).pin(PinReason.NAMED_PREPARE);
      case "DEALLOCATE":
        {
          int j = v.isKw(1, "PREPARE") ? 2 : 1;
          return new Analysis(StatementKind.SESSION).effect(Kind.DEALLOCATE, name(v, j), null);
        }
      case "DECLARE":
        return declare(v);
      case "FETCH":
      case "MOVE":
      case "CLOSE":
        return new Analysis(StatementKind.SESSION).effect(Kind.CURSOR, null, v.text(0, v.size));
      case "DISCARD":
        return new Analysis(StatementKind.SESSION).effect(Kind.DISCARD, lower(v.kw(1)), null);
      case "LOAD":
        return load(v);
      case "HELP":
        return new Analysis(StatementKind.UTILITY_READ);
      default:
        if (UTILITY_WRITES.contains(k)) {
          Analysis a = new Analysis(StatementKind.UTILITY_WRITE);
          if (k.equals("CALL") && v.isNamePart(1)) {
            int end = v.qualifiedNameEnd(1);
            a.builder.userFunction(mysql ? v.qualifiedName(1, end).toLowerCase(Locale.ROOT) : v.qualifiedName(1, end));
          }
          return a;
        }
        return new Analysis(StatementKind.UNKNOWN);
    }
  }

  // ---------------------------------------------------------------- queries and DML

  private Analysis dataStatement(TokenView v, StatementKind gateKind, int sourceLength) {
    StatementKind kind = gateKind;
    Analysis a = new Analysis(kind);
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
            b.sideEffectFunction(lower(pk) + " value for");
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
  private StatementKind selectInto(TokenView v, Analysis a, int into) {
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

  // ---------------------------------------------------------------- DDL

  private Analysis ddl(TokenView v, int sourceLength) {
    Analysis a = new Analysis(StatementKind.DDL);
    String verb = v.kw(0);
    int j = 1;
    if (verb.equals("CREATE")) {
      boolean temporary = false;
      while (v.isKwAny(j, "OR", "REPLACE", "TEMP", "TEMPORARY", "LOCAL", "GLOBAL", "UNLOGGED", "UNIQUE",
          "DEFINER", "ALGORITHM", "SQL", "SECURITY", "INVOKER", "CONSTRAINT", "RECURSIVE", "MATERIALIZED",
          "FOREIGN", "EXTERNAL", "TRUSTED", "PROCEDURAL", "AGGREGATE")) {
        temporary |= v.isKwAny(j, "TEMP", "TEMPORARY");
        if (v.isKwAny(j, "DEFINER", "ALGORITHM") && v.get(j + 1) != null && v.get(j + 1).isOperator("=")) {
          j += 2; // DEFINER = user@host: the value follows
        }
        j++;
      }
      if (temporary) {
        a.pin(PinReason.TEMPORARY_TABLE);
      }
      if (v.isKw(j, "TABLE")) {
        int name = skipIfNotExists(v, j + 1);
        if (v.isNamePart(name)) {
          a.builder.tableWritten(v.qualifiedName(name, v.qualifiedNameEnd(name)));
        }
        // CREATE TABLE ... AS SELECT / ... LIKE other: the source is read.
        for (int k = name; k < v.size; k++) {
          if (v.get(k).depth == 0 && v.isKw(k, "AS") && v.isKwAny(v.skipOpenParens(k + 1), "SELECT", "WITH", "TABLE", "VALUES")) {
            Classification query = analyze(v.slice(k + 1), sourceLength).builder.build();
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
          if (!verb.equals("DROP") || !v.is(end, TokenType.COMMA)) {
            break;
          }
          k = end + 1;
        }
      } else if (mysql && verb.equals("ALTER") && v.isKw(j, "SYSTEM")) {
        a.kind(StatementKind.UTILITY_WRITE);
      } else if (!mysql && verb.equals("ALTER") && v.isKw(j, "SYSTEM")) {
        a.kind(StatementKind.UTILITY_WRITE); // ALTER SYSTEM writes postgresql.auto.conf on this node
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

  private static int skipIfNotExists(TokenView v, int j) {
    if (v.isKw(j, "IF") && v.isKw(j + 1, "NOT") && v.isKw(j + 2, "EXISTS")) {
      return j + 3;
    }
    if (v.isKw(j, "IF") && v.isKw(j + 1, "EXISTS")) {
      return j + 2;
    }
    return j;
  }

  private Analysis truncate(TokenView v) {
    Analysis a = new Analysis(StatementKind.WRITE);
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

  // ---------------------------------------------------------------- transactions and session

  private Analysis transaction(TokenView v, String k) {
    Analysis a = new Analysis(StatementKind.TRANSACTION);
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
            return a.effect(Kind.ROLLBACK_TO_SAVEPOINT, name(v, n), null);
          }
          if (v.isKw(1, "PREPARED")) {
            return a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
          }
          return a.effect(Kind.ROLLBACK, null, null);
        }
      case "SAVEPOINT":
        return a.effect(Kind.SAVEPOINT, name(v, 1), null);
      case "RELEASE":
        return a.effect(Kind.RELEASE_SAVEPOINT, name(v, v.isKw(1, "SAVEPOINT") ? 2 : 1), null);
      case "XA":
        return a.effect(Kind.TWO_PHASE, null, v.text(0, v.size));
      default:
        return a.kind(StatementKind.UNKNOWN);
    }
  }

  private Analysis begin(Analysis a, TokenView v, int modes) {
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

  private Analysis postgresSet(TokenView v) {
    Analysis a = new Analysis(StatementKind.SESSION);
    int j = 1;
    Kind kind = Kind.SET_VARIABLE;
    if (v.isKw(j, "SESSION") && v.isKw(j + 1, "CHARACTERISTICS")) {
      int t = v.isKw(j + 2, "AS") ? j + 4 : j + 3;
      return a.effect(Kind.SET_SESSION_CHARACTERISTICS, null, rest(v, t));
    }
    if (v.isKw(j, "SESSION") && v.isKw(j + 1, "AUTHORIZATION")) {
      return a.effect(Kind.SET_VARIABLE, "session_authorization", rest(v, j + 2));
    }
    if (v.isKwAny(j, "SESSION", "LOCAL")) {
      if (v.isKw(j, "LOCAL")) {
        kind = Kind.SET_LOCAL;
      }
      j++;
    }
    if (v.isKw(j, "TRANSACTION")) {
      return a.effect(kind == Kind.SET_LOCAL ? Kind.SET_LOCAL : Kind.SET_TRANSACTION, null, rest(v, j + 1));
    }
    if (v.isKw(j, "CONSTRAINTS")) {
      return a.effect(Kind.SET_LOCAL, "constraints", rest(v, j + 1));
    }
    if (v.isKw(j, "SCHEMA")) {
      return a.effect(kind == Kind.SET_LOCAL ? Kind.SET_LOCAL : Kind.SET_SEARCH_PATH, "search_path", rest(v, j + 1));
    }
    if (v.isKw(j, "TIME") && v.isKw(j + 1, "ZONE")) {
      return a.effect(kind, "timezone", rest(v, j + 2));
    }
    if (v.isKw(j, "NAMES")) {
      return a.effect(Kind.SET_NAMES, "client_encoding", rest(v, j + 1));
    }
    if (v.isKw(j, "ROLE")) {
      return a.effect(kind, "role", rest(v, j + 1));
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
    return a.effect(kind, name, rest(v, value));
  }

  private Analysis mysqlSet(TokenView v) {
    Analysis a = new Analysis(StatementKind.SESSION);
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
      return a.effect(Kind.SET_NAMES, "names", rest(v, v.isKw(1, "CHARACTER") ? 3 : 2));
    }
    int j = 1;
    boolean session = false;
    if (v.isKwAny(j, "SESSION", "LOCAL")) {
      session = true;
      j++;
    }
    if (v.isKw(j, "TRANSACTION")) {
      return a.effect(session ? Kind.SET_SESSION_CHARACTERISTICS : Kind.SET_TRANSACTION, null, rest(v, j + 1));
    }
    if (v.isKw(j, "ROLE")) {
      return a.effect(Kind.SET_VARIABLE, "role", rest(v, j + 1));
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
      a.effect(Kind.USER_VARIABLE, target.text.substring(1), rest(v, valueStart));
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
    return a.effect(Kind.SET_VARIABLE, name, rest(v, valueStart));
  }

  private Analysis reset(TokenView v) {
    if (mysql) {
      return new Analysis(StatementKind.UTILITY_WRITE); // RESET MASTER/REPLICA/QUERY CACHE/PERSIST
    }
    String target = v.size > 1 ? v.text(1, v.size).toLowerCase(Locale.ROOT) : null;
    return new Analysis(StatementKind.SESSION).effect(Kind.RESET, target, null);
  }

  private Analysis show(TokenView v) {
    Analysis a = new Analysis(StatementKind.UTILITY_READ);
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

  private Analysis declare(TokenView v) {
    Analysis a = new Analysis(StatementKind.SESSION).effect(Kind.CURSOR, name(v, 1), null);
    for (int j = 2; j < v.size && !v.isKw(j, "FOR"); j++) {
      if (v.isKw(j, "WITH") && v.isKw(j + 1, "HOLD")) {
        a.pin(PinReason.HOLDABLE_CURSOR);
      }
    }
    return a;
  }

  // ---------------------------------------------------------------- utilities

  private Analysis explain(TokenView v, int sourceLength) {
    int j = 1;
    boolean analyze = false;
    if (!mysql && v.is(1, TokenType.LEFT_PAREN)) {
      int close = v.matchingParen(1);
      for (int k = 2; k < close; k++) {
        if (v.isKwAny(k, "ANALYZE", "ANALYSE")) {
          analyze = !v.isKwAny(k + 1, "FALSE", "OFF") && !(v.is(k + 1, TokenType.NUMBER) && v.get(k + 1).text.equals("0"));
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
        } else if (v.isKw(j, "FORMAT") && v.get(j + 1) != null && v.get(j + 1).isOperator("=")) {
          j += 3;
        } else {
          break;
        }
      }
    }
    if (mysql && v.isKw(j, "FOR") && v.isKw(j + 1, "CONNECTION")) {
      Analysis a = new Analysis(StatementKind.UTILITY_READ);
      a.builder.nodeSpecific(true);
      return a;
    }
    String inner = v.kw(v.skipOpenParens(j));
    boolean statementFollows = inner != null && EXPLAINABLE.contains(inner);
    if (!statementFollows) {
      // MySQL DESCRIBE t / EXPLAIN t: the table's definition.
      return new Analysis(j < v.size ? StatementKind.UTILITY_READ : StatementKind.UNKNOWN);
    }
    Analysis a = analyze(v.slice(j), sourceLength);
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

  private Analysis analyzeStatement(TokenView v, int sourceLength) {
    if (!mysql || v.isKwAny(1, "TABLE", "NO_WRITE_TO_BINLOG", "LOCAL")) {
      return new Analysis(StatementKind.UTILITY_WRITE); // ANALYZE [table]: updates statistics
    }
    // MariaDB ANALYZE <statement> runs the statement, like EXPLAIN ANALYZE.
    return explainAnalyze(v, sourceLength);
  }

  private Analysis explainAnalyze(TokenView v, int sourceLength) {
    int j = 1;
    if (v.isKw(j, "FORMAT") && v.get(j + 1) != null && v.get(j + 1).isOperator("=")) {
      j += 3;
    }
    Analysis a = analyze(v.slice(j), sourceLength);
    if (a.builder.kind() == StatementKind.READ) {
      a.kind(StatementKind.UTILITY_READ);
    }
    return a;
  }

  private Analysis copy(TokenView v, int sourceLength) {
    int j = 1;
    Analysis a;
    if (v.is(1, TokenType.LEFT_PAREN)) {
      int close = v.matchingParen(1);
      a = analyze(new TokenView(v.tokens.subList(2, Math.min(close, v.size)), dialect), sourceLength);
      if (a.builder.kind() == StatementKind.READ) {
        a.kind(StatementKind.UTILITY_READ);
      }
      j = close + 1;
    } else {
      a = new Analysis(StatementKind.UTILITY_READ);
      int end = v.qualifiedNameEnd(1);
      if (end == 1) {
        return new Analysis(StatementKind.UNKNOWN);
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
    return a;
  }

  private Analysis lock(TokenView v) {
    Analysis a = new Analysis(StatementKind.UTILITY_WRITE);
    a.builder.lockingRead(true);
    if (mysql && v.isKwAny(1, "TABLES", "TABLE")) {
      a.pin(PinReason.TABLE_LOCK);
    }
    return a;
  }

  private Analysis load(TokenView v) {
    if (!mysql || !v.isKwAny(1, "DATA", "XML")) {
      return new Analysis(StatementKind.UTILITY_WRITE);
    }
    Analysis a = new Analysis(StatementKind.WRITE);
    for (int j = 2; j < v.size; j++) {
      if (v.isKw(j, "INTO") && v.isKw(j + 1, "TABLE") && v.isNamePart(j + 2)) {
        a.builder.tableWritten(v.qualifiedName(j + 2, v.qualifiedNameEnd(j + 2)));
        break;
      }
    }
    return a;
  }

  private static String name(TokenView v, int i) {
    if (v.isNamePart(i)) {
      return v.identifier(i);
    }
    SqlToken t = v.get(i);
    return t == null ? null : t.text;
  }

  private static String rest(TokenView v, int from) {
    return from < v.size ? v.text(from, v.size) : null;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
