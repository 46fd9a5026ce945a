package dev.junction.benchmarks;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.StatementClassifier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What statement classification costs on the driver's hot path, per dialect.
 *
 * <ul>
 *   <li>{@code hit}: {@link StatementClassifier#classify} of a statement already cached, passing the
 *       same {@code String} instance each time (a prepared statement's SQL; its hash is cached).
 *       Baseline in the same run: {@code hitBaselineMapGet}, a {@link ConcurrentHashMap#get} of the
 *       same key. Target: at most 0.3 µs.
 *   <li>{@code hitFreshString}: a hit with a new, equal {@code String} built for every call (SQL the
 *       application concatenates each time), so the lookup also hashes and compares the text.
 *   <li>{@code miss}: a statement never seen before, of a shape never seen before (a column alias
 *       varies per call), through the whole pipeline: tokens, pre-lexer, Calcite Babel parse, tree
 *       walk, cache inserts (the caches are bounded, so they keep evicting). Sample mode gives the
 *       median and p99. Baseline in the same run: {@code missBaselineCalciteParse}, Calcite's Babel
 *       parser alone on the same text. Target: median at most 100 µs.
 *   <li>{@code missNewLiteral}: a new text whose shape is known (only a literal differs, as with
 *       SQL that inlines values): everything but the Calcite parse, which the shape cache answers.
 *   <li>{@code missCalciteRejects}: a miss on a read of a new shape that Calcite tries and rejects,
 *       then classified from tokens: the worst case, paid once per shape.
 *   <li>{@code missTokensOnly}: a miss on a shape the pre-lexer knows Calcite rejects (PostgreSQL
 *       {@code UPDATE ... FROM}, MySQL multi-table {@code UPDATE}), classified from tokens alone.
 * </ul>
 *
 * Run: {@code java -jar benchmarks/target/junction-benchmarks.jar ClassificationBenchmark}
 * (quicker: add {@code -f 1 -wi 10 -i 5 -w 1s -r 1s}). Calcite's generated parser needs about ten
 * seconds of JIT warm-up before the miss numbers settle (318 µs per miss in the first second, 90 µs
 * after ten), hence the long warm-up; shorter ones measure the JIT, not the classifier.
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClassificationBenchmark {

    /**
     * Statement shapes per dialect. The read is head + " as c" + shape + middle + literal + tail; the
     * rejected read is rejectedHead + " as c" + shape + rejectedTail + literal.
     */
    private static final class Shapes {
        final String head;
        final String middle;
        final String tail;
        final String rejectedHead;
        final String rejectedTail;
        final String tokensOnlyHead;

        Shapes(String head, String tail, String rejectedHead, String rejectedTail, String tokensOnlyHead) {
            this.head = head.substring(0, head.indexOf(",o1_0.total"));
            this.middle = head.substring(head.indexOf(",o1_0.total"));
            this.tail = tail;
            this.rejectedHead = rejectedHead;
            this.rejectedTail = rejectedTail;
            this.tokensOnlyHead = tokensOnlyHead;
        }
    }

    private static final Shapes POSTGRES = new Shapes(
            "select o1_0.id,o1_0.total,c1_0.name from orders o1_0 join customers c1_0 on c1_0.id=o1_0.customer_id"
                    + " where o1_0.tenant_id=",
            " and o1_0.status=$1 and o1_0.created_at>now()-interval '1 day' order by o1_0.id desc limit 50",
            "select row(o1_0.id,o1_0.total)",
            " from orders o1_0 where o1_0.tenant_id=",
            "update orders set total=s.total from staging s where s.id=orders.id and s.batch=");

    private static final Shapes MYSQL = new Shapes(
            "select o1_0.id,o1_0.total,c1_0.name from orders o1_0 join customers c1_0 on c1_0.id=o1_0.customer_id"
                    + " where o1_0.tenant_id=",
            " and o1_0.status=? and o1_0.created_at>now()-interval 1 day order by o1_0.id desc limit 50",
            "select uuid()",
            ",o1_0.id from orders o1_0 where o1_0.tenant_id=",
            "update orders o join staging s on s.id=o.id set o.total=s.total where s.batch=");

    @Param({"POSTGRESQL", "MYSQL"})
    public Dialect dialect;

    private StatementClassifier classifier;
    private Shapes shapes;
    private String sql;
    private char[] sqlChars;
    private final ConcurrentHashMap<String, Classification> baselineMap = new ConcurrentHashMap<>();
    private SqlParser.Config calciteConfig;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        StatementClassifier.warmUp();
        // Small bound so that misses keep evicting, as in a long-running application.
        classifier = StatementClassifier.builder(dialect).cacheSize(1024).build();
        shapes = dialect == Dialect.POSTGRESQL ? POSTGRES : MYSQL;
        sql = statement(0, 42);
        sqlChars = sql.toCharArray();
        require(classifier.classify(sql), true, true);
        require(classifier.classify(rejected(1)), true, false);
        require(classifier.classify(shapes.tokensOnlyHead + 1), false, false);
        baselineMap.put(sql, classifier.classify(sql));
        calciteConfig = dialect == Dialect.POSTGRESQL
                ? SqlParser.config()
                        .withParserFactory(SqlBabelParserImpl.FACTORY)
                        .withQuoting(Quoting.DOUBLE_QUOTE)
                        .withUnquotedCasing(Casing.TO_LOWER)
                        .withConformance(SqlConformanceEnum.BABEL)
                : SqlParser.config()
                        .withParserFactory(SqlBabelParserImpl.FACTORY)
                        .withLex(Lex.MYSQL)
                        .withConformance(SqlConformanceEnum.BABEL);
    }

    /** A statement whose shape is {@code shape} (a column alias) and whose literal is {@code value}. */
    private String statement(long shape, long value) {
        return shapes.head + " as c" + shape + shapes.middle + value + shapes.tail;
    }

    /** A read Calcite rejects, of a new shape for each {@code n}. */
    private String rejected(long n) {
        return shapes.rejectedHead + " as c" + n + shapes.rejectedTail + n;
    }

    private static void require(Classification c, boolean eligible, boolean parsed) {
        if (c.replicaEligible() != eligible || c.parsedByCalcite() != parsed) {
            throw new IllegalStateException("benchmark statement not classified as intended: " + c);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification hit() {
        return classifier.classify(sql);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification hitBaselineMapGet() {
        return baselineMap.get(sql);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Classification hitFreshString() {
        // new String(char[]) copies the text and starts without a cached hash, like concatenated SQL.
        return classifier.classify(new String(sqlChars));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Classification miss() {
        long n = counter++;
        return classifier.classify(statement(n, n));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Classification missNewLiteral() {
        return classifier.classify(statement(0, counter++));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public SqlNode missBaselineCalciteParse() throws SqlParseException {
        // The same text the classifier's miss sees, with the two rewrites its pre-lexer makes for Babel.
        long n = counter++;
        String text = statement(n, n).replace("$1", "?").replace("interval '1 day'", "'1 day'");
        return SqlParser.create(text, calciteConfig).parseStmt();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Classification missCalciteRejects() {
        return classifier.classify(rejected(counter++));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Classification missTokensOnly() {
        return classifier.classify(shapes.tokensOnlyHead + (counter++));
    }
}
