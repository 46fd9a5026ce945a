package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.FunctionCatalog;
import dev.junction.router.Hints;
import dev.junction.router.StatementKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The uncached classification pipeline for one dialect: tokenize, read hints, split statements,
 * analyse each, combine. Thread-safe; {@link dev.junction.router.StatementClassifier} puts a cache
 * in front of it.
 */
public final class ClassificationEngine {

  /** Kinds in the order a multi-statement string reports them: the most consequential first. */
  private static final StatementKind[] SEVERITY = {
    StatementKind.DDL, StatementKind.WRITE, StatementKind.UTILITY_WRITE, StatementKind.UNKNOWN,
    StatementKind.SESSION, StatementKind.TRANSACTION, StatementKind.UTILITY_READ, StatementKind.READ
  };

  /**
   * @param classification the result
   * @param cacheable false when it depends on a transient catalog failure
   * @param calciteAttempted Calcite was asked to parse (some statement of) the text
   */
  public record Outcome(Classification classification, boolean cacheable, boolean calciteAttempted) {}

  private final Dialect dialect;
  private final FunctionResolver functions;
  private final StatementAnalyzer analyzer;

  /**
   * @param shapeCacheWeight bound of the per-shape cache of Calcite results (one unit per statement
   *     of up to 1 KiB)
   */
  public ClassificationEngine(Dialect dialect, FunctionCatalog catalog, long shapeCacheWeight) {
    this.dialect = dialect;
    this.functions = new FunctionResolver(dialect, catalog);
    this.analyzer = new StatementAnalyzer(dialect, functions, new CalciteShapeCache(dialect, shapeCacheWeight));
  }

  public Outcome classify(String sql) {
    TokenizedSql tokenized = SqlTokenizer.tokenize(sql, dialect);
    Hints hints = HintParser.parse(tokenized.leadingComments());
    if (tokenized.malformed()) {
      return new Outcome(Classification.builder(StatementKind.UNKNOWN).hints(hints).build(), true, false);
    }
    List<List<SqlToken>> statements = split(tokenized.tokens());
    if (statements.isEmpty()) {
      return new Outcome(Classification.builder(StatementKind.UNKNOWN).hints(hints).build(), true, false);
    }
    if (statements.size() == 1) {
      StatementAnalyzer.Analysis a = analyzer.analyze(new TokenView(statements.get(0), dialect), sql.length());
      return new Outcome(a.builder.hints(hints).build(), a.cacheable, a.calciteAttempted);
    }
    return combine(statements, hints, sql.length());
  }

  /** Forgets cached function-catalog answers. */
  public void forgetFunctionAnswers() {
    functions.forget();
  }

  private Outcome combine(List<List<SqlToken>> statements, Hints hints, int length) {
    Classification.Builder combined = Classification.builder(StatementKind.READ).multiStatement(true).hints(hints);
    boolean cacheable = true;
    boolean attempted = false;
    boolean allParsed = true;
    boolean[] kinds = new boolean[StatementKind.values().length];
    for (List<SqlToken> statement : statements) {
      StatementAnalyzer.Analysis a = analyzer.analyze(new TokenView(statement, dialect), length);
      Classification c = a.builder.build();
      cacheable &= a.cacheable;
      attempted |= a.calciteAttempted;
      allParsed &= c.parsedByCalcite();
      kinds[c.kind().ordinal()] = true;
      combined
          .tablesRead(c.tablesRead())
          .tablesWritten(c.tablesWritten())
          .lockingRead(c.lockingRead())
          .sideEffectFunctions(c.sideEffectFunctions())
          .unverifiedFunctions(c.unverifiedFunctions())
          .userFunctions(c.userFunctions())
          .nodeSpecific(c.nodeSpecific())
          .pinReason(c.pinReason());
    }
    for (StatementKind k : SEVERITY) {
      if (kinds[k.ordinal()]) {
        combined.kind(k);
        break;
      }
    }
    return new Outcome(combined.parsedByCalcite(allParsed).build(), cacheable, attempted);
  }

  private static List<List<SqlToken>> split(List<SqlToken> tokens) {
    List<List<SqlToken>> statements = new ArrayList<>(1);
    int start = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      if (i == tokens.size() || tokens.get(i).type == TokenType.SEMICOLON) {
        if (i > start) {
          statements.add(tokens.subList(start, i));
        }
        start = i + 1;
      }
    }
    return statements;
  }
}
