package dev.junction.router;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.router.internal.ClassificationEngine;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Classifies SQL text for one dialect, with a bounded cache in front of the pipeline. Thread-safe;
 * one instance per data source.
 *
 * <h2>Pipeline (design §3)</h2>
 *
 * <ol>
 *   <li>A token scan that understands comments, strings, dollar-quoting, quoted identifiers and
 *       MySQL {@code #} / {@code /*! ... * /} comments; hints are read from the leading comments.
 *       A MySQL text with one version-gated ({@code /*!50001 ... * /}) or MariaDB-only ({@code
 *       /*M! ... * /}) comment is classified in both server readings, with and without the
 *       comment's content, and the results combined; several such comments make it {@link
 *       Classification#primaryOnly()}.
 *   <li>A keyword gate: DDL, transaction control, SET/USE/LISTEN/PREPARE, SHOW, EXPLAIN, COPY,
 *       LOCK, VACUUM... are classified from keywords alone.
 *   <li>For queries and DML, a dialect pre-lexer strips or rewrites what Calcite cannot parse
 *       (locking clauses, RETURNING, ON CONFLICT, ON DUPLICATE KEY UPDATE, {@code $n}, {@code ::}
 *       casts, JSON operators...), recording the facts it removed.
 *   <li>Calcite's Babel parser, then a tree walk for tables and function calls.
 *   <li>When Calcite fails, a conservative token-based classification: a statement is a plain read
 *       only if the tokens prove it is a single SELECT with no write keyword, no locking clause, no
 *       INTO and no call to anything but a known read-only built-in.
 * </ol>
 *
 * Safety facts (write keywords, locking clauses, INTO, MySQL {@code :=}, node-specific variables,
 * PostgreSQL operators that are not built in and attribute notation {@code (expr).name}) always come
 * from the token scan, whether or not Calcite parses the statement; Calcite adds precise table and
 * function lists. MySQL statements also report whether they commit the open transaction ({@link
 * Classification#implicitCommit()}). An unterminated string or comment, or unbalanced parentheses, make the
 * statement {@link StatementKind#UNKNOWN}.
 *
 * <h2>Cache</h2>
 *
 * Results, failures included, are cached by SQL text in a Caffeine cache bounded by weight: a
 * statement weighs one unit plus one per KiB of text, so {@code cacheSize} is the number of
 * ordinary statements kept while a few huge generated statements cannot hold much memory. Hints are
 * part of the text and so part of the cached result. A hit costs a hash lookup (about 0.1 µs). The
 * only results not cached are those that depend on a {@link FunctionCatalog} lookup that returned
 * {@code UNKNOWN}, so a transient catalog failure is retried. Cache maintenance runs on the calling
 * thread: the classifier starts no threads.
 *
 * <p>Behind it, a second cache of the same bound keeps Calcite's verdict (tables, functions, or
 * rejection) per statement <em>shape</em>, the text with literals replaced: an application that
 * inlines values ({@code where id = 42}) misses the first cache on every new value but parses each
 * shape once; such a miss costs a few microseconds of tokenizing instead of a Calcite parse.
 *
 * <h2>Start-up</h2>
 *
 * The first Calcite parse in a JVM spends about 0.4 s loading classes; call {@link #warmUp()} on a
 * background thread when the driver loads.
 */
public final class StatementClassifier {

    /** Default cache size: distinct statements of an application rarely exceed a few thousand. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    private final Dialect dialect;
    private final ClassificationEngine engine;
    private final Cache<String, Classification> cache;
    private final LongAdder classified = new LongAdder();
    private final LongAdder calciteAttempted = new LongAdder();
    private final LongAdder calciteParsed = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private final LongAdder uncacheable = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder parseFailures = new LongAdder();

    private StatementClassifier(Builder b) {
        this.dialect = b.dialect;
        this.engine = new ClassificationEngine(b.dialect, b.catalog, b.cacheSize);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(b.cacheSize)
                .weigher((String sql, Classification c) -> 1 + sql.length() / 1024)
                .executor(Runnable::run)
                .build();
    }

    /** Starts building a classifier for a dialect. */
    public static Builder builder(Dialect dialect) {
        return new Builder(dialect);
    }

    /** A classifier with the default cache and no function catalog. */
    public static StatementClassifier create(Dialect dialect) {
        return builder(dialect).build();
    }

    /**
     * Classifies a SQL string (one statement, or several separated by semicolons). Never throws for
     * any input: what cannot be classified is {@link StatementKind#UNKNOWN}.
     */
    public Classification classify(String sql) {
        Classification cached = cache.getIfPresent(sql);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        // Computed outside Caffeine's compute lock: a catalog lookup may query the database, and a
        // slow one must not block other keys. Two threads missing the same key both compute it, which
        // is harmless: the results are equal.
        ClassificationEngine.Outcome outcome = engine.classify(sql);
        Classification c = outcome.classification();
        classified.increment();
        if (outcome.calciteAttempted()) {
            calciteAttempted.increment();
        }
        if (c.parsedByCalcite()) {
            calciteParsed.increment();
        } else if (outcome.calciteAttempted()) {
            parseFailures.increment(); // classified by the conservative token fallback
        }
        if (c.kind() == StatementKind.UNKNOWN) {
            unknown.increment();
        }
        if (outcome.cacheable()) {
            cache.put(sql, c);
        } else {
            uncacheable.increment();
        }
        return c;
    }

    /**
     * Forgets the function catalog's answers and every cached classification that called a user
     * function, e.g. after {@code CREATE OR REPLACE FUNCTION} changed a function's volatility.
     */
    public void forgetFunctionAnswers() {
        engine.forgetFunctionAnswers();
        cache.asMap().values().removeIf(c -> !c.userFunctions().isEmpty());
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Counters since creation; cheap, for metrics. */
    public Statistics statistics() {
        return new Statistics(
                classified.sum(),
                calciteAttempted.sum(),
                calciteParsed.sum(),
                unknown.sum(),
                uncacheable.sum(),
                cache.estimatedSize(),
                hits.sum(),
                parseFailures.sum());
    }

    /**
     * Loads and exercises the tokenizer, the pre-lexer, Calcite's Babel parser and the tree walker
     * for both dialects, so that the first real statement does not pay for class loading (about
     * 0.4 s). Safe to call from any thread, any number of times.
     */
    public static void warmUp() {
        for (Dialect d : Dialect.values()) {
            ClassificationEngine e = new ClassificationEngine(d, FunctionCatalog.NONE, 16);
            e.classify(
                    "select a.id, count(*) from t a join u b on a.id = b.id where a.x = ? group by a.id order by 2 desc limit 10");
            e.classify("with c as (select id from t where y in (select y from u)) select coalesce(max(id), 0) from c");
            e.classify("insert into t (a, b) values (?, ?)");
            e.classify("update t set a = ? where id = ? and version = ?");
            e.classify("select * from t where id = ? for update");
            e.classify("select not parseable by calcite ((");
        }
    }

    /**
     * Classification counters.
     *
     * @param classified statements classified (cache misses)
     * @param calciteAttempted of those, how many ran Calcite's parser (a statement shape not seen before)
     * @param calciteParsed of those, how many were classified from a Calcite parse tree (this time or
     *     for an earlier statement of the same shape)
     * @param unknown how many could not be classified (they run on the primary)
     * @param uncacheable results not cached because a catalog lookup failed
     * @param cachedEntries current number of cached results (estimate)
     * @param cacheHits statements answered from the cache
     * @param parseFailures statements Calcite was asked to parse and rejected: classified by the conservative
     *     token-based fallback
     */
    public record Statistics(
            long classified,
            long calciteAttempted,
            long calciteParsed,
            long unknown,
            long uncacheable,
            long cachedEntries,
            long cacheHits,
            long parseFailures) {}

    /** Builds a {@link StatementClassifier}. */
    public static final class Builder {
        private final Dialect dialect;
        private long cacheSize = DEFAULT_CACHE_SIZE;
        private FunctionCatalog catalog = FunctionCatalog.NONE;

        private Builder(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
        }

        /** Maximum cached statements (of up to 1 KiB each; longer ones count more). Zero disables caching. */
        public Builder cacheSize(long size) {
            if (size < 0) {
                throw new IllegalArgumentException("Invalid cache size " + size + ": expected zero or more.");
            }
            this.cacheSize = size;
            return this;
        }

        /** Where to look up user functions; without one, every user function counts as possibly writing. */
        public Builder functionCatalog(FunctionCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        public StatementClassifier build() {
            return new StatementClassifier(this);
        }
    }
}
