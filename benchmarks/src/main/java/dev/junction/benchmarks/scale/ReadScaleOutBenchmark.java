package dev.junction.benchmarks.scale;

import dev.junction.benchmarks.CpuPinning;
import dev.junction.cluster.CpuCap;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Read throughput when the servers are the bottleneck: a PostgreSQL primary and two streaming standbys on loopback,
 * each node's processes capped to the same share of one CPU ({@link CpuCap}), client threads each on a connection of
 * their own running primary-key SELECTs (and, in the 90/10 mix, single-row UPDATEs) in auto-commit as fast as the
 * servers answer. The raw driver on the primary is the baseline; Junction runs over all three nodes with each
 * configuration of {@code --junction} ({@code loadBalance} and any other properties).
 *
 * <p>Method: {@code --rounds} rounds; in each, every mix × threads × candidate runs once for {@code --seconds} after
 * {@code --warmup} uncounted seconds, candidates in a new random order per round (seeded). A candidate's figure is
 * its median over rounds; its ratio is that median over the raw driver's. Where each run's statements went is read
 * from the servers ({@code xact_commit} of {@code pg_stat_database} on each node, before and after, probes included).
 * With {@code --pin on} (the default) every server process runs on CPU 0 and this JVM on CPU 1, so that the servers'
 * caps, not the client's share of the CPUs, bound the throughput; the caps leave CPU 0 room to spare (three nodes at
 * 20 % each). A configuration the driver refuses as invalid is reported as rejected and the others still run. The cgroups are
 * released (processes moved back, groups removed) on the way out, by a shutdown hook on Ctrl-C.
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests}, then (as root) {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.scale.ReadScaleOutBenchmark [--cap 0.2]
 * [--period-us 100000] [--threads 8,32] [--mixes read-only,90/10] [--seconds 10] [--rounds 3] [--pin on|off] [--out
 * docs/scale-out.md]}.
 */
public final class ReadScaleOutBenchmark {
    static final String RAW = "raw driver → primary";
    /** The SQLState of Junction's property and URL validation errors. */
    private static final String INVALID_PARAMETER = "22023";

    private final ScaleOptions options;
    private final Random order = new Random(42);

    private ReadScaleOutBenchmark(ScaleOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        ScaleOptions options = ScaleOptions.parse(args);
        new ReadScaleOutBenchmark(options).run(String.join(" ", args));
    }

    private void run(String commandLine) throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder()
                .standbys(2)
                .setting("max_connections = 400")
                .start()) {
            prepare(cluster);
            CpuCap cap = CpuCap.create(
                    "junction-scale-" + ProcessHandle.current().pid(),
                    options.cap(),
                    Duration.ofNanos(options.periodMicros() * 1000));
            Thread release = new Thread(cap::close, "junction-scale-release-cgroups");
            Runtime.getRuntime().addShutdownHook(release);
            try {
                for (PostgresNode node : cluster.nodes()) {
                    cap.add(node.name(), node.process().pid());
                }
                if (options.pin()
                        && !CpuPinning.serversApartFromThisJvm(cluster.nodes().stream()
                                .map(n -> n.process().pid())
                                .toList())) {
                    throw new IllegalStateException(
                            "--pin on: taskset failed or this machine has fewer than 2 CPUs; run with --pin off");
                }
                Map<String, String> rejected = new LinkedHashMap<>();
                List<Candidate> candidates = accepted(candidates(cluster), rejected);
                Map<String, List<RunResult>> results = measure(cluster, candidates);
                String report = new ScaleReport(options, cap.describe(), commandLine, LocalDate.now(), cluster)
                        .markdown(candidates, rejected, results, cap.throttledPeriods());
                write(report, candidates, results, cap.describe());
                System.out.println(report);
            } finally {
                if (forget(release)) {
                    cap.close();
                }
            }
        }
    }

    /**
     * Whether the shutdown hook was removed, so this thread must release the cgroups itself; false while the JVM is
     * shutting down (Ctrl-C), when the hook is already releasing them.
     */
    private static boolean forget(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** Every round: each mix × threads × candidate once, candidates in a new order each time. */
    private Map<String, List<RunResult>> measure(PostgresCluster cluster, List<Candidate> candidates) throws Exception {
        Map<String, List<RunResult>> results = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (String mix : options.mixes()) {
                for (int threads : options.threads()) {
                    List<Candidate> shuffled = new ArrayList<>(candidates);
                    Collections.shuffle(shuffled, order);
                    for (Candidate candidate : shuffled) {
                        RunResult r = runOnce(cluster, candidate, mix, threads);
                        System.out.printf(
                                Locale.ROOT,
                                "round %d %s %d threads %s: %.0f ops/s %s%n",
                                round,
                                mix,
                                threads,
                                candidate.name(),
                                r.opsPerSecond(),
                                r.shares());
                        results.computeIfAbsent(key(mix, threads, candidate.name()), k -> new ArrayList<>())
                                .add(r);
                    }
                }
            }
        }
        return results;
    }

    private void write(String report, List<Candidate> candidates, Map<String, List<RunResult>> results, String cap)
            throws IOException {
        Path out = Path.of(options.out());
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        ScaleChart.write(Path.of(options.out().replaceAll("\\.md$", "") + ".png"), options, candidates, results, cap);
    }

    static String key(String mix, int threads, String candidate) {
        return mix + "|" + threads + "|" + candidate;
    }

    private void prepare(PostgresCluster cluster) {
        cluster.primary()
                .execute(
                        "create table kv(id int primary key, v text)",
                        "insert into kv select g, md5(g::text) from generate_series(1, " + options.rows() + ") g",
                        "analyze kv");
        cluster.awaitReplication();
    }

    /** One candidate: a name and the URL its connections open. */
    record Candidate(String name, String url) {}

    private List<Candidate> candidates(PostgresCluster cluster) {
        List<Candidate> list = new ArrayList<>();
        list.add(new Candidate(RAW, cluster.primary().jdbcUrl("postgres")));
        String hosts = cluster.nodes().stream().map(PostgresNode::address).collect(Collectors.joining(","));
        for (String config : options.junction()) {
            list.add(new Candidate(
                    "Junction " + config,
                    "jdbc:junction:postgresql://" + hosts + "/postgres?readConsistency=" + options.consistency() + "&"
                            + ScaleOptions.urlParameters(config)));
        }
        return list;
    }

    /**
     * The candidates whose URL the driver accepts. A Junction configuration it refuses as invalid (SQLState 22023: a
     * property or value this build does not know, such as a {@code primaryReads} before it existed) is put in {@code
     * rejected} with the driver's message, so that the other configurations are still measured; the raw driver, and
     * any other failure to connect, fail the benchmark.
     */
    private static List<Candidate> accepted(List<Candidate> candidates, Map<String, String> rejected)
            throws SQLException {
        List<Candidate> accepted = new ArrayList<>();
        for (Candidate candidate : candidates) {
            try {
                DriverManager.getConnection(candidate.url(), login()).close();
                accepted.add(candidate);
            } catch (SQLException e) {
                if (candidate.name().equals(RAW) || !INVALID_PARAMETER.equals(e.getSQLState())) {
                    throw e;
                }
                System.out.println(candidate.name() + " rejected: " + e.getMessage());
                rejected.put(candidate.name(), e.getMessage());
            }
        }
        return accepted;
    }

    private static Properties login() {
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        return login;
    }

    /** The statements each node has committed, probes and the benchmark's reads of these counters included. */
    private static Map<String, Long> commits(PostgresCluster cluster) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (PostgresNode node : cluster.nodes()) {
            counts.put(node.name(), Long.parseLong(node.queryString("select sum(xact_commit) from pg_stat_database")));
        }
        return counts;
    }

    private RunResult runOnce(PostgresCluster cluster, Candidate candidate, String mix, int threads) throws Exception {
        Properties login = login();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                connections.add(DriverManager.getConnection(candidate.url(), login));
            }
            Map<String, Long> before = commits(cluster);
            long warmupEnd = System.nanoTime() + options.warmupSeconds() * 1_000_000_000L;
            long end = warmupEnd + options.seconds() * 1_000_000_000L;
            List<Worker> workers = new ArrayList<>();
            for (Connection c : connections) {
                Worker w = new Worker(c, mix.equals("90/10"), options.rows(), warmupEnd, end);
                workers.add(w);
                w.start();
            }
            long ops = 0;
            for (Worker w : workers) {
                w.join();
                if (w.failure != null) {
                    throw new IllegalStateException(candidate.name() + " failed: " + w.failure, w.failure);
                }
                ops += w.counted;
            }
            for (Connection c : connections) {
                c.close(); // backends flush their statistics as they exit
            }
            connections.clear();
            Thread.sleep(1200); // and at most once a second while idle
            Map<String, Long> after = commits(cluster);
            Map<String, Long> served = new LinkedHashMap<>();
            before.forEach((node, count) -> served.put(node, after.get(node) - count));
            return new RunResult(ops / (double) options.seconds(), served);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** What one run achieved: operations per counted second, and statements committed by each node. */
    record RunResult(double opsPerSecond, Map<String, Long> served) {
        String shares() {
            long total = served.values().stream().mapToLong(Long::longValue).sum();
            return served.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.0f %%", e.getKey(), 100.0 * e.getValue() / total))
                    .collect(Collectors.joining(", "));
        }
    }

    /** One client thread: its own connection, reads and (90/10) writes until the end, counted after the warm-up. */
    private static final class Worker extends Thread {
        private final Connection connection;
        private final boolean writes;
        private final int rows;
        private final long countFrom;
        private final long end;
        long counted;
        Exception failure;

        Worker(Connection connection, boolean writes, int rows, long countFrom, long end) {
            this.connection = connection;
            this.writes = writes;
            this.rows = rows;
            this.countFrom = countFrom;
            this.end = end;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (PreparedStatement read = connection.prepareStatement("select v from kv where id = ?");
                    PreparedStatement write = connection.prepareStatement("update kv set v = ? where id = ?")) {
                long now;
                while ((now = System.nanoTime()) < end) {
                    int id = 1 + random.nextInt(rows);
                    if (writes && random.nextInt(10) == 0) {
                        write.setString(1, Long.toHexString(random.nextLong()));
                        write.setInt(2, id);
                        write.executeUpdate();
                    } else {
                        read.setInt(1, id);
                        try (ResultSet r = read.executeQuery()) {
                            r.next();
                        }
                    }
                    if (now >= countFrom) {
                        counted++;
                    }
                }
            } catch (SQLException e) {
                failure = e;
            }
        }
    }
}
