package dev.junction.benchmarks.endtoend;

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
 * End-to-end latency of single statements and small transactions over loopback, each candidate timed
 * interleaved with the others in one run (see {@link PairedRun}), with the database servers pinned to CPU 0
 * and this JVM to CPU 1. Per database, the first candidate is the baseline (the raw driver to the primary); a
 * second raw connection to the primary is the control that shows how far two identical candidates differ
 * here, and a raw connection to the standby is the baseline of replica reads.
 *
 * <ul>
 *   <li>PostgreSQL (primary + 1 standby): raw PgJDBC to the primary, the control, raw PgJDBC to the standby,
 *       Junction (replicas with {@code global} and {@code eventual}, and {@code strong}), the AWS Advanced JDBC
 *       Wrapper 3.2.0 (no plugins; {@code srw} reading from the standby) and Pgpool-II when installed.
 *   <li>MariaDB (primary + 1 replica): the same with Connector/J; no peer.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/junction-benchmarks.jar
 * dev.junction.benchmarks.endtoend.EndToEndBenchmark [--database postgresql|mariadb|both] [--rounds 20000]
 * [--threads 1,8] [--segments 10] [--workloads point-select,point-update,read-write-transaction,prepared-loop]
 * [--candidates control,strong,...] [--out docs/benchmarks.md]}. {@code --candidates} keeps the baselines and the
 * candidates whose name contains one of the texts (case-insensitive), for a quick look at a few of them. {@code --rounds} is per workload at 1 thread; at N
 * threads each thread runs rounds/N (at least 1000). Each thread opens fresh connections {@code --segments} times
 * (see {@link PairedRun}).
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
    private boolean pinned = true;

    private EndToEndBenchmark(int rounds, List<Integer> threadCounts, int segments, List<Workload> workloads,
                              List<String> candidateFilter) {
        this.rounds = rounds;
        this.threadCounts = threadCounts;
        this.segments = segments;
        this.workloads = workloads;
        this.candidateFilter = candidateFilter;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20_000;
        List<Integer> threadCounts = List.of(1, 8);
        String database = "both";
        int segments = 10;
        Path out = null;
        List<Workload> workloads = List.of(Workload.values());
        List<String> candidateFilter = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = parseInts(args[++i]);
                case "--database" -> database = args[++i];
                case "--segments" -> segments = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--workloads" -> workloads = Workload.parseList(args[++i]);
                case "--candidates" -> candidateFilter = List.of(args[++i].toLowerCase(Locale.ROOT).split(","));
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; expected --database postgresql|mariadb|both, --rounds N, --threads 1,8, --segments N,"
                        + " --workloads point-select,..., --candidates TEXT,... or --out FILE");
            }
        }
        if (!List.of(POSTGRESQL, MARIADB, "both").contains(database)) {
            throw new IllegalArgumentException("Invalid --database " + database + ": expected postgresql, mariadb or both");
        }
        EndToEndBenchmark benchmark = new EndToEndBenchmark(rounds, threadCounts, segments, workloads, candidateFilter);
        List<PairedRun.CandidateResult> results = new ArrayList<>();
        if (!database.equals(MARIADB)) {
            results.addAll(benchmark.postgres());
        }
        if (!database.equals(POSTGRESQL)) {
            results.addAll(benchmark.mariaDb());
        }
        String report = ResultTable.render(results, benchmark.pinned, rounds);
        System.out.println(report);
        if (out != null) {
            write(out, report);
            Path base = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", ""));
            ResultJson.write(results, benchmark.pinned, Path.of(base + ".json"));
            ResultChart.write(results, Path.of(base + ".png"));
            System.out.println("Wrote " + base + ".json and " + base + ".png");
        }
    }

    private List<PairedRun.CandidateResult> postgres() throws Exception {
        // 8 threads × (raw, Junction, peers) connections exceed the default 100
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).setting("max_connections = 300").start()) {
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
            List<Candidate> candidates = new ArrayList<>(List.of(
                    new Candidate("raw PgJDBC, primary", true, Candidate.Baseline.PRIMARY, () -> DriverManager.getConnection(primaryUrl, "postgres", "")),
                    Candidate.of("raw PgJDBC, primary (control)", true, () -> DriverManager.getConnection(primaryUrl, "postgres", "")),
                    new Candidate("raw PgJDBC, standby", false, Candidate.Baseline.STANDBY,
                            () -> DriverManager.getConnection(standby.jdbcUrl("postgres"), "postgres", ""))));
            List<Candidate> junction = JunctionCandidates.postgres(primary, standby);
            // inet_server_port() is node-specific, so Junction sends it to the primary; a read of a view is a plain read
            reportServingNodes(junction, "select setting from pg_settings where name = 'port'", primary.port(), standby.port());
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
                return runAll(POSTGRESQL, candidates);
            } finally {
                if (pgpool != null) {
                    pgpool.close();
                }
            }
        }
    }

    private List<PairedRun.CandidateResult> mariaDb() throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.primaryReplica().replicas(1).start()) {
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
            List<Candidate> candidates = new ArrayList<>(List.of(
                    new Candidate("raw Connector/J, primary", true, Candidate.Baseline.PRIMARY, () -> DriverManager.getConnection(primaryUrl, properties)),
                    Candidate.of("raw Connector/J, primary (control)", true, () -> DriverManager.getConnection(primaryUrl, properties)),
                    new Candidate("raw Connector/J, replica", false, Candidate.Baseline.STANDBY,
                            () -> DriverManager.getConnection("jdbc:mysql://" + replica.address() + "/" + MariaDbNode.DATABASE, properties))));
            List<Candidate> junction = JunctionCandidates.mariaDb(cluster);
            reportServingNodes(junction, "select @@port", primary.port(), replica.port());
            candidates.addAll(junction);
            return runAll(MARIADB, candidates);
        }
    }

    private List<PairedRun.CandidateResult> runAll(String database, List<Candidate> all) throws Exception {
        List<PairedRun.CandidateResult> results = new ArrayList<>();
        List<Candidate> candidates = selected(all);
        for (int threads : threadCounts) {
            for (Workload workload : workloads) {
                List<Candidate> eligible = candidates.stream().filter(c -> c.canWrite() || !workload.writes()).toList();
                int perThread = Math.max(1000, rounds / threads);
                List<PairedRun.CandidateResult> run = new PairedRun(database, workload, eligible, threads, perThread / 5, perThread, segments).run();
                results.addAll(run);
                print(run);
            }
        }
        return results;
    }

    /**
     * The baselines (always: every ratio is against them) and the candidates whose name contains one of the
     * {@code --candidates} texts; all of them without a filter.
     */
    private List<Candidate> selected(List<Candidate> all) {
        if (candidateFilter.isEmpty()) {
            return all;
        }
        return all.stream().filter(c -> c.baseline() != Candidate.Baseline.NONE
                || candidateFilter.stream().anyMatch(text -> c.name().toLowerCase(Locale.ROOT).contains(text))).toList();
    }

    /** Prints which node answers a read through each Junction candidate, so the report can say where reads went. */
    private static void reportServingNodes(List<Candidate> junction, String portQuery, int primaryPort, int replicaPort) throws SQLException {
        for (Candidate candidate : junction) {
            try (Connection connection = candidate.connector().open();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(portQuery)) {
                rows.next();
                int port = Integer.parseInt(rows.getString(1));
                System.out.printf(Locale.ROOT, "%-40s reads served by %s (port %d)%n", candidate.name(),
                        port == primaryPort ? "the primary" : port == replicaPort ? "the replica" : "?", port);
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
        System.out.println(ok ? "Servers pinned to CPU 0, benchmark JVM to CPU 1." : "Pinning failed; results are unpinned.");
    }

    private static void print(List<PairedRun.CandidateResult> run) {
        double baseline = run.get(0).medianMicros();
        for (PairedRun.CandidateResult r : run) {
            System.out.printf(Locale.ROOT, "%-10s %-24s %2d threads  %-42s median %8.1f µs  p99 %8.1f µs  ratio %.3f%n",
                    r.database(), r.workload().label(), r.threads(), r.candidate(), r.medianMicros(), r.p99Micros(),
                    r.medianMicros() / baseline);
        }
    }

    private static void write(Path out, String report) throws IOException {
        String png = out.getFileName().toString().replaceFirst("\\.md$", ".png");
        ReportFile.replaceSection(out, ReportFile.END_TO_END,
                "## End to end\n\n![median latency ratios](" + png + ")\n" + report);
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
