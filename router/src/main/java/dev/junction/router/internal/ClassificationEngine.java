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
 *
 * <p>MySQL text with a version-gated ({@code /*!NNNNN ... * /}) or MariaDB-only ({@code /*M! ... *
 * /}) comment is two statements, one per server reading: with the comment's content as code, and
 * without it. The result covers both (the more consequential kind, every table, function and flag
 * of either), so that neither reading can hide a write from the other. With several such comments
 * the readings multiply; the result is then that of the all-code reading, marked {@link
 * Classification#primaryOnly()}.
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
            return new Outcome(
                    Classification.builder(StatementKind.UNKNOWN).hints(hints).build(), true, false);
        }
        Outcome all = classify(tokenized.tokens(), hints, sql.length());
        if (tokenized.gatedComments() == 0) {
            return all;
        }
        if (tokenized.gatedComments() > 1) {
            // which statements run depends on the server: none of the text's drops can be relied on
            Classification c = all.classification().toBuilder()
                    .primaryOnly(true)
                    .retainTablesDropped(List.of())
                    .build();
            return new Outcome(c, all.cacheable(), all.calciteAttempted());
        }
        List<SqlToken> ungated = new ArrayList<>(tokenized.tokens().size());
        boolean significant = false;
        for (SqlToken t : tokenized.tokens()) {
            if (t.gate == 0) {
                ungated.add(t);
                significant |= t.type != TokenType.SEMICOLON;
            }
        }
        if (!significant) {
            return all; // a server that skips the comment gets an empty query and runs nothing
        }
        Outcome skipped = classify(ungated, hints, sql.length());
        return new Outcome(
                either(all.classification(), skipped.classification()),
                all.cacheable() && skipped.cacheable(),
                all.calciteAttempted() || skipped.calciteAttempted());
    }

    /** Forgets cached function-catalog answers. */
    public void forgetFunctionAnswers() {
        functions.forget();
    }

    private Outcome classify(List<SqlToken> tokens, Hints hints, int length) {
        List<List<SqlToken>> statements = split(tokens);
        if (statements.isEmpty()) {
            return new Outcome(
                    Classification.builder(StatementKind.UNKNOWN).hints(hints).build(), true, false);
        }
        if (statements.size() == 1) {
            StatementAnalysis a = analyzer.analyzeTopLevel(new TokenView(statements.get(0), dialect), length);
            return new Outcome(a.builder.hints(hints).build(), a.cacheable, a.calciteAttempted);
        }
        return combine(statements, hints, length);
    }

    private Outcome combine(List<List<SqlToken>> statements, Hints hints, int length) {
        Classification.Builder combined =
                Classification.builder(StatementKind.READ).multiStatement(true).hints(hints);
        boolean cacheable = true;
        boolean attempted = false;
        boolean allParsed = true;
        boolean commits = false;
        StatementKind kind = null;
        for (List<SqlToken> statement : statements) {
            StatementAnalysis a = analyzer.analyzeTopLevel(new TokenView(statement, dialect), length);
            Classification c = a.builder.build();
            cacheable &= a.cacheable;
            attempted |= a.calciteAttempted;
            allParsed &= c.parsedByCalcite();
            commits |= c.implicitCommit();
            kind = kind == null ? c.kind() : moreConsequential(kind, c.kind());
            StatementAnalysis.absorbFacts(combined, c);
            combined.tablesDropped(c.tablesDropped());
        }
        combined.kind(kind).implicitCommit(commits);
        return new Outcome(combined.parsedByCalcite(allParsed).build(), cacheable, attempted);
    }

    /** A classification that covers both readings of a text with a gated executable comment. */
    private static Classification either(Classification a, Classification b) {
        StatementKind kind = moreConsequential(a.kind(), b.kind());
        Classification.Builder m = a.toBuilder().kind(kind);
        StatementAnalysis.absorbFacts(m, b);
        m.retainTablesDropped(b.tablesDropped()) // dropped whichever reading the server takes
                .multiStatement(b.multiStatement())
                .implicitCommit(a.implicitCommit() || b.implicitCommit())
                .parsedByCalcite(a.parsedByCalcite() && b.parsedByCalcite());
        if (kind != a.kind()) {
            m.sessionEffect(b.sessionEffect());
        }
        return m.build();
    }

    private static StatementKind moreConsequential(StatementKind a, StatementKind b) {
        for (StatementKind k : SEVERITY) {
            if (k == a || k == b) {
                return k;
            }
        }
        throw new AssertionError(a + " " + b);
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
