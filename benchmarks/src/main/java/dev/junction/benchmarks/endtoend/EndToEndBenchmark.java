package dev.junction.benchmarks.endtoend;

import dev.junction.benchmarks.CpuPinning;
import dev.junction.benchmarks.ReportFile;
import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PgpoolProxy;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * End-to-end latency of single statements and small transactions over loopback, with the database servers pinned
 * to CPU 0 and this JVM to CPU 1. Every ratio divides medians of samples taken interleaved in one run (see
 * {@link PairedRun}), by one of two methods, {@code --method}:
 *
 * <ul>
 *   <li>{@code pairs} (the default): each candidate alternates with its own raw baseline, A B A B in a random
 *       order per round, tens of thousands of samples, and is compared with it by median: the A/B method the
 *       issue prescribes, which measures what a candidate adds to one statement. The baseline is the raw driver
 *       to the standby on a read workload whose reads the candidate sends to a replica, else the raw driver to
 *       the primary ({@link Candidate#pairedBaseline}).
 *   <li>{@code all}: every candidate of a database in one run, each round one operation per candidate. Between
 *       two statements of one candidate the others' statements run and evict more of its code and data from
 *       the CPU caches, so this measures a harsher, different setting; its ratios are against the raw driver to
 *       the primary and, on read workloads, to the standby.
 * </ul>
 *
 * <p>Per database, a second raw connection to the primary is the control that shows how far two identical
 * candidates differ here; with {@code pairs}, a second raw connection to the standby is the control of the
 * replica reads, which are compared with the standby. It is left out of {@code all}, where it would add a
 * statement to every round and so change what earlier runs of that method measured.
 *
 * <ul>
 *   <li>PostgreSQL (primary + 1 standby): raw PgJDBC to the primary and to the standby, the controls, Junction
 *       (replicas with {@code global} and {@code eventual}, and {@code strong}), the AWS Advanced JDBC Wrapper
 *       3.2.0 (no plugins; {@code srw} reading from the standby) and Pgpool-II when installed.
 *   <li>MariaDB (primary + 1 replica): the same with Connector/J; no peer.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/junction-benchmarks.jar
 * dev.junction.benchmarks.endtoend.EndToEndBenchmark [--database postgresql|mariadb|both] [--method pairs|all]
 * [--rounds 20000] [--threads 1,8] [--segments 10]
 * [--workloads point-select,point-update,read-write-transaction,prepared-loop] [--candidates control,strong,...]
 * [--against TEXT]
 * [--out docs/benchmarks.md]}. {@code --candidates} keeps the baselines and the candidates whose name contains
 * one of the texts (case-insensitive), for a quick look at a few of them. {@code --rounds} is per workload (with
 * {@code pairs}, per pair) at 1 thread; at N threads each thread runs rounds/N (at least 1000). Each thread opens
 * fresh connections {@code --segments} times (see {@link PairedRun}). {@code --against TEXT} (pairs only) pairs
 * every selected candidate with the one whose name contains TEXT instead of with a raw baseline: a head-to-head
 * comparison, e.g. {@code --candidates strong --against "no plugins"}.
 */
public final class EndToEndBenchmark {
    private static final String POSTGRESQL = "postgresql";
    private static final String MARIADB = "mariadb";
    /** Taken before this JVM pins itself to one CPU, after which the JVM sees only that one. */
    static final int MACHINE_CPUS = Runtime.getRuntime().availableProcessors();

    private static final boolean PINNING_AVAILABLE = CpuPinning.available();

    private final int rounds;
    private final List<Integer> threadCounts;
    private final int segments;
    private final List<Workload> workloads;
    private final List<String> candidateFilter;
    private final Interleaving method;
    /** With {@code --against}: the name fragment of the candidate every other one is paired with, else null. */
    private final String against;

    private boolean pinned = true;

    private EndToEndBenchmark(
            int rounds,
            List<Integer> threadCounts,
            int segments,
            List<Workload> workloads,
            List<String> candidateFilter,
            Interleaving method,
            String against) {
        this.rounds = rounds;
        this.threadCounts = threadCounts;
        this.segments = segments;
        this.workloads = workloads;
        this.candidateFilter = candidateFilter;
        this.method = method;
        this.against = against;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20_000;
        List<Integer> threadCounts = List.of(1, 8);
        String database = "both";
        int segments = 10;
        Path out = null;
        List<Workload> workloads = List.of(Workload.values());
        List<String> candidateFilter = List.of();
        Interleaving method = Interleaving.PAIRS;
        String against = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = parseInts(args[++i]);
                case "--database" -> database = args[++i];
                case "--segments" -> segments = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--workloads" -> workloads = Workload.parseList(args[++i]);
                case "--candidates" ->
                    candidateFilter = List.of(args[++i].toLowerCase(Locale.ROOT).split(","));
                case "--method" -> method = Interleaving.parse(args[++i]);
                case "--against" -> against = args[++i].toLowerCase(Locale.ROOT);
                default ->
                    throw new IllegalArgumentException(
                            "Unknown option " + args[i]
                                    + "; expected --database postgresql|mariadb|both, --method pairs|all, --rounds N, --threads 1,8,"
                                    + " --segments N, --workloads point-select,..., --candidates TEXT,..., --against TEXT or --out FILE");
            }
        }
        if (!List.of(POSTGRESQL, MARIADB, "both").contains(database)) {
            throw new IllegalArgumentException(
                    "Invalid --database " + database + ": expected postgresql, mariadb or both");
        }
        if (against != null && method != Interleaving.PAIRS) {
            throw new IllegalArgumentException("--against " + against
                    + " pairs candidates with each other: it needs --method pairs, not " + method.label());
        }
        EndToEndBenchmark benchmark =
                new EndToEndBenchmark(rounds, threadCounts, segments, workloads, candidateFilter, method, against);
        List<Comparison> results = new ArrayList<>();
        if (!database.equals(MARIADB)) {
            results.addAll(benchmark.postgres());
        }
        if (!database.equals(POSTGRESQL)) {
            results.addAll(benchmark.mariaDb());
        }
        String report = ResultTable.render(results, method, benchmark.pinned, rounds, segments);
        System.out.println(report);
        if (out != null) {
            write(out, report);
            Path base = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", ""));
            ResultJson.write(results, method, benchmark.pinned, Path.of(base + ".json"));
            ResultChart.write(results, method, Path.of(base + ".png"));
            System.out.println("Wrote " + base + ".json and " + base + ".png");
        }
    }

    private List<Comparison> postgres() throws Exception {
        // 8 threads × (raw, Junction, peers) connections exceed the default 100
        try (PostgresCluster cluster = PostgresCluster.builder()
                .standbys(1)
                .setting("max_connections = 300")
                .start()) {
            List<Long> pids = new ArrayList<>();
            cluster.nodes().forEach(node -> pids.add(node.process().pid()));
            pin(pids);
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standbys().get(0);
            try (Connection setup = primary.connect()) {
                Workload.createSchema(setup);
            }
            cluster.awaitReplication();
            String primaryUrl = primary.jdbcUrl("postgres");
            String standbyUrl = standby.jdbcUrl("postgres");
            List<Candidate> candidates = new ArrayList<>(rawCandidates(
                    "raw PgJDBC",
                    "standby",
                    () -> DriverManager.getConnection(primaryUrl, "postgres", ""),
                    () -> DriverManager.getConnection(standbyUrl, "postgres", "")));
            List<Candidate> junction = JunctionCandidates.postgres(primary, standby);
            // inet_server_port() is node-specific, so Junction sends it to the primary; a read of a view is a plain
            // read
            reportServingNodes(
                    junction, "select setting from pg_settings where name = 'port'", primary.port(), standby.port());
            candidates.addAll(junction);
            candidates.addAll(PeerCandidates.awsWrapper(primary, standby));
            PgpoolProxy pgpool = PgpoolProxy.installed() ? PgpoolProxy.start(cluster) : null;
            try {
                if (pgpool != null) {
                    CpuPinning.pin(pgpool.process().pid(), "0");
                    candidates.add(PeerCandidates.pgpool(pgpool));
                } else {
                    System.out.println("Pgpool-II is not installed (apt-get install pgpool2): left out of this run.");
                }
                return run(POSTGRESQL, candidates, cluster::awaitReplication);
            } finally {
                if (pgpool != null) {
                    pgpool.close();
                }
            }
        }
    }

    private List<Comparison> mariaDb() throws Exception {
        try (MariaDbCluster cluster =
                MariaDbCluster.primaryReplica().replicas(1).start()) {
            List<Long> pids = new ArrayList<>();
            cluster.nodes().forEach(node -> pids.add(node.process().pid()));
            pin(pids);
            MariaDbNode primary = cluster.primary();
            MariaDbNode replica = cluster.replicas().get(0);
            try (Connection setup = primary.connect()) {
                Workload.createSchema(setup);
            }
            cluster.awaitReplication();
            Properties properties = JunctionCandidates.mariaDbProperties();
            String primaryUrl = "jdbc:mysql://" + primary.address() + "/" + MariaDbNode.DATABASE;
            String replicaUrl = "jdbc:mysql://" + replica.address() + "/" + MariaDbNode.DATABASE;
            List<Candidate> candidates = new ArrayList<>(rawCandidates(
                    "raw Connector/J",
                    "replica",
                    () -> DriverManager.getConnection(primaryUrl, properties),
                    () -> DriverManager.getConnection(replicaUrl, properties)));
            List<Candidate> junction = JunctionCandidates.mariaDb(cluster);
            reportServingNodes(junction, "select @@port", primary.port(), replica.port());
            candidates.addAll(junction);
            return run(MARIADB, candidates, cluster::awaitReplication);
        }
    }

    /**
     * The raw driver to the primary and to the standby (the baselines) and the control of the primary; with
     * {@code pairs} also the control of the standby, paired with the standby on the read workloads.
     */
    private List<Candidate> rawCandidates(
            String driver, String standbyName, Candidate.Connector primary, Candidate.Connector standby) {
        List<Candidate> raw = new ArrayList<>(List.of(
                Candidate.primaryBaseline(driver + ", primary", primary),
                Candidate.of(driver + ", primary (control)", true, Candidate.ReadsFrom.PRIMARY, primary),
                Candidate.standbyBaseline(driver + ", " + standbyName, standby)));
        if (method == Interleaving.PAIRS) {
            raw.add(Candidate.of(
                    driver + ", " + standbyName + " (control)", false, Candidate.ReadsFrom.STANDBY, standby));
        }
        return raw;
    }

    /** @param awaitReplication waits until every standby has replayed what the primary has written */
    private List<Comparison> run(String database, List<Candidate> all, Runnable awaitReplication) throws Exception {
        List<Comparison> results = new ArrayList<>();
        List<Candidate> candidates = selected(all);
        for (int threads : threadCounts) {
            for (Workload workload : workloads) {
                List<Candidate> eligible = candidates.stream()
                        .filter(c -> c.canWrite() || !workload.writes())
                        .toList();
                int perThread = Math.max(1000, rounds / threads);
                results.addAll(
                        method == Interleaving.PAIRS
                                ? runInPairs(database, workload, eligible, threads, perThread, awaitReplication)
                                : runAllTogether(database, workload, eligible, threads, perThread, awaitReplication));
            }
        }
        return results;
    }

    /**
     * {@code --method pairs}: one run per candidate, alternating it with its own baseline, or with the
     * {@code --against} candidate: two candidates compared head to head, not each through its own run with a raw
     * baseline, whose two intervals cannot tell a difference smaller than either.
     */
    private List<Comparison> runInPairs(
            String database,
            Workload workload,
            List<Candidate> eligible,
            int threads,
            int perThread,
            Runnable awaitReplication)
            throws Exception {
        List<Comparison> results = new ArrayList<>();
        Candidate opponent = against == null
                ? null
                : eligible.stream().filter(c -> matches(c, against)).findFirst().orElse(null);
        if (against != null && opponent == null) {
            System.out.println(
                    "No candidate named like '" + against + "' runs " + workload.label() + ": no pair for it.");
            return results;
        }
        for (Candidate candidate : eligible) {
            if (candidate.baseline() != Candidate.Baseline.NONE || candidate == opponent) {
                continue;
            }
            Candidate.Baseline kind = candidate.pairedBaseline(workload);
            Candidate baseline = opponent != null
                    ? opponent
                    : eligible.stream()
                            .filter(c -> c.baseline() == kind)
                            .findFirst()
                            .orElseThrow(() ->
                                    new IllegalStateException("No " + kind + " baseline for " + candidate.name()));
            settle(awaitReplication);
            List<PairedRun.CandidateResult> run = new PairedRun(
                            database,
                            workload,
                            List.of(baseline, candidate),
                            threads,
                            perThread / 5,
                            perThread,
                            segments)
                    .run();
            Comparison comparison = new Comparison(run.get(1), run.get(0));
            print(comparison);
            results.add(comparison);
        }
        return results;
    }

    /** {@code --method all}: every eligible candidate in one run, each compared with the raw primary of that run. */
    private List<Comparison> runAllTogether(
            String database,
            Workload workload,
            List<Candidate> eligible,
            int threads,
            int perThread,
            Runnable awaitReplication)
            throws Exception {
        settle(awaitReplication);
        List<PairedRun.CandidateResult> run =
                new PairedRun(database, workload, eligible, threads, perThread / 5, perThread, segments).run();
        PairedRun.CandidateResult primary = run.stream()
                .filter(r -> r.baseline() == Candidate.Baseline.PRIMARY)
                .findFirst()
                .orElseThrow();
        List<Comparison> results =
                run.stream().map(r -> new Comparison(r, primary)).toList();
        results.forEach(EndToEndBenchmark::print);
        return results;
    }

    /**
     * Lets the standby replay what the runs before wrote, before the next run starts. Eight threads of UPDATEs leave
     * a MariaDB replica seconds behind; a Junction read that must see this JVM's commits then runs on the primary
     * (read-your-writes, as it should) while the raw driver reads the stale replica, so the run measured the lag,
     * not the driver: a MariaDB {@code global} prepared loop at 8 threads was 1.06× the replica that way, which is
     * what the primary costs there.
     */
    private static void settle(Runnable awaitReplication) {
        long start = System.nanoTime();
        awaitReplication.run();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        if (waitedMillis >= 100) {
            System.out.printf(
                    Locale.ROOT, "Waited %d ms for the standby to replay what the runs before wrote.%n", waitedMillis);
        }
    }

    /**
     * The baselines (always: every ratio is against them), the {@code --against} candidate and the candidates whose
     * name contains one of the {@code --candidates} texts; all of them without a filter.
     */
    private List<Candidate> selected(List<Candidate> all) {
        if (candidateFilter.isEmpty()) {
            return all;
        }
        return all.stream()
                .filter(c -> c.baseline() != Candidate.Baseline.NONE
                        || (against != null && matches(c, against))
                        || candidateFilter.stream().anyMatch(text -> matches(c, text)))
                .toList();
    }

    private static boolean matches(Candidate candidate, String lowerCaseText) {
        return candidate.name().toLowerCase(Locale.ROOT).contains(lowerCaseText);
    }

    /** Prints which node answers a read through each Junction candidate, so the report can say where reads went. */
    private static void reportServingNodes(List<Candidate> junction, String portQuery, int primaryPort, int replicaPort)
            throws SQLException {
        for (Candidate candidate : junction) {
            try (Connection connection = candidate.connector().open();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(portQuery)) {
                rows.next();
                int port = Integer.parseInt(rows.getString(1));
                System.out.printf(
                        Locale.ROOT,
                        "%-40s reads served by %s (port %d)%n",
                        candidate.name(),
                        port == primaryPort ? "the primary" : port == replicaPort ? "the replica" : "?",
                        port);
            }
        }
    }

    private void pin(List<Long> serverPids) {
        if (!PINNING_AVAILABLE) {
            System.out.println("taskset unavailable or fewer than 2 CPUs: running unpinned; ratios will be noisy.");
            pinned = false;
            return;
        }
        boolean ok = true;
        for (long pid : serverPids) {
            ok &= CpuPinning.pin(pid, "0");
        }
        ok &= CpuPinning.pinThisJvm("1");
        pinned &= ok;
        System.out.println(
                ok ? "Servers pinned to CPU 0, benchmark JVM to CPU 1." : "Pinning failed; results are unpinned.");
    }

    private static void print(Comparison comparison) {
        PairedRun.CandidateResult r = comparison.candidate();
        System.out.printf(
                Locale.ROOT,
                "%-10s %-24s %2d threads  %-42s median %8.1f µs  p99 %8.1f µs  ratio %.3f (95 %% CI %s) vs %s (median %.1f µs)%n",
                r.database(),
                r.workload().label(),
                r.threads(),
                r.candidate(),
                r.medianMicros(),
                r.p99Micros(),
                comparison.ratio(),
                comparison.ratioInterval().map(Comparison.Interval::label).orElse("none"),
                comparison.baseline().candidate(),
                comparison.baseline().medianMicros());
    }

    private static void write(Path out, String report) throws IOException {
        String png = out.getFileName().toString().replaceFirst("\\.md$", ".png");
        ReportFile.replaceSection(
                out, ReportFile.END_TO_END, "## End to end\n\n![median latency ratios](" + png + ")\n" + report);
        System.out.println("Wrote " + out);
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String part : csv.split(",")) {
            values.add(Integer.parseInt(part.trim()));
        }
        return values;
    }
}
