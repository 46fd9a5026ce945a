package dev.junction.benchmarks;

import dev.junction.benchmarks.stub.StubDriver;
import dev.junction.driver.JunctionDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Junction's JDBC wrappers and routing cost per statement, with the network taken out: both sides talk
 * to the in-memory {@link StubDriver}, whose connections answer every query with one canned row. The
 * {@code raw*} methods use a stub connection directly (the baseline); the {@code junction*} methods do the same
 * through a Junction connection whose backend driver is that stub ({@link JunctionDataSource#setBackendDriver}),
 * over a two-node cluster (a primary and a replica). The difference per pair is Junction's overhead on a
 * classification cache hit: wrapping, the session bookkeeping, classification (cached), the routing decision
 * and the result-set wrapper. Target: at most 0.5 µs per statement.
 *
 * <ul>
 *   <li>{@code *StatementQuery}: {@code Statement.executeQuery} of a point SELECT, {@code next()},
 *       {@code getString(1)}, {@code close()}.
 *   <li>{@code *PreparedQuery}: the same through a {@code PreparedStatement} prepared once, with
 *       {@code setInt} before each execution.
 *   <li>{@code *PreparedUpdate}: {@code setString}, {@code setInt}, {@code executeUpdate} of a single-row UPDATE.
 * </ul>
 * {@code readConsistency} is a parameter: {@code global} (the default; reads go to the replica) and
 * {@code strong} (everything to the primary). {@code metrics} is one too: {@code on} (the default: one
 * {@code LongAdder} increment per statement, and the MBean registered) against {@code off}, so that the counters'
 * cost reads as the difference between the two {@code junction*} results of one consistency. Only metrics:
 * {@code ... WrapperOverheadBenchmark.junction -p readConsistency=global}.
 *
 * <p>Run: {@code java -jar benchmarks/target/junction-benchmarks.jar WrapperOverheadBenchmark -f 1 -wi 5 -i 5 -w 1s -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class WrapperOverheadBenchmark {
    private static final String SELECT = "select v from bench_kv where id = 42";
    private static final String SELECT_BY_ID = "select v from bench_kv where id = ?";
    private static final String UPDATE = "update bench_kv set v = ? where id = ?";

    @Param({"global", "strong"})
    public String readConsistency;

    /** The {@code metrics} property: {@code on} counts every statement, {@code off} counts nothing. */
    @Param({"on", "off"})
    public String metrics;

    /**
     * The {@code loadBalance} property. Only the default runs in the suite; {@code -p
     * loadBalance=least-busy,round-robin} shows what counting each statement in its node's load costs.
     */
    @Param({"least-busy"})
    public String loadBalance;

    private Connection raw;
    private Statement rawStatement;
    private PreparedStatement rawSelect;
    private PreparedStatement rawUpdate;
    private Connection junction;
    private Statement junctionStatement;
    private PreparedStatement junctionSelect;
    private PreparedStatement junctionUpdate;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        StubDriver stub = new StubDriver();
        raw = stub.connect("jdbc:postgresql://primary:5432/bench", new java.util.Properties());
        rawStatement = raw.createStatement();
        rawSelect = raw.prepareStatement(SELECT_BY_ID);
        rawUpdate = raw.prepareStatement(UPDATE);

        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl("jdbc:junction:postgresql://primary:5432,replica:5432/bench");
        dataSource.setUser("bench");
        dataSource.setPassword("");
        dataSource.setReadConsistency(readConsistency);
        dataSource.setMetrics(metrics);
        dataSource.setLoadBalance(loadBalance);
        dataSource.setBackendDriver(stub);
        junction = dataSource.getConnection();
        junctionStatement = junction.createStatement();
        junctionSelect = junction.prepareStatement(SELECT_BY_ID);
        junctionUpdate = junction.prepareStatement(UPDATE);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        junction.close();
        raw.close();
    }

    @Benchmark
    public String rawStatementQuery() throws SQLException {
        return query(rawStatement);
    }

    @Benchmark
    public String junctionStatementQuery() throws SQLException {
        return query(junctionStatement);
    }

    @Benchmark
    public String rawPreparedQuery() throws SQLException {
        return query(rawSelect);
    }

    @Benchmark
    public String junctionPreparedQuery() throws SQLException {
        return query(junctionSelect);
    }

    @Benchmark
    public int rawPreparedUpdate() throws SQLException {
        return update(rawUpdate);
    }

    @Benchmark
    public int junctionPreparedUpdate() throws SQLException {
        return update(junctionUpdate);
    }

    private static String query(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(SELECT)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String query(PreparedStatement select) throws SQLException {
        select.setInt(1, 42);
        try (ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static int update(PreparedStatement update) throws SQLException {
        update.setString(1, "v");
        update.setInt(2, 42);
        return update.executeUpdate();
    }
}
