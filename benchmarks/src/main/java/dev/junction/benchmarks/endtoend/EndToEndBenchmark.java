package dev.junction.benchmarks.endtoend;

import dev.junction.cluster.PgpoolProxy;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end latency of single statements and small transactions over loopback, each candidate timed
 * interleaved with the others in one run (see {@link PairedRun}), with the database servers pinned to CPU 0
 * and this JVM to CPU 1. The first candidate is the baseline (raw PgJDBC to the primary); a second raw
 * connection to the primary is the control that shows how far two identical candidates differ here.
 *
 * <p>Run: {@code java -cp benchmarks/target/junction-benchmarks.jar
 * dev.junction.benchmarks.endtoend.EndToEndBenchmark [--rounds 20000] [--threads 1,8] [--out docs/benchmarks.md]}
 */
public final class EndToEndBenchmark {
    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20_000;
        List<Integer> threadCounts = List.of(1, 8);
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = parseInts(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; expected --rounds N, --threads 1,8 or --out FILE");
            }
        }
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            boolean pinned = pin(cluster);
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standbys().get(0);
            try (Connection setup = primary.connect()) {
                Workload.createSchema(setup);
            }
            cluster.awaitReplication();
            List<Candidate> candidates = new ArrayList<>(List.of(
                    new Candidate("raw PgJDBC, primary", true, () -> DriverManager.getConnection(primary.jdbcUrl("postgres"), "postgres", "")),
                    new Candidate("raw PgJDBC, primary (control)", true, () -> DriverManager.getConnection(primary.jdbcUrl("postgres"), "postgres", "")),
                    new Candidate("raw PgJDBC, standby", false, () -> DriverManager.getConnection(standby.jdbcUrl("postgres"), "postgres", ""))));
            candidates.addAll(PeerCandidates.awsWrapper(primary, standby));
            PgpoolProxy pgpool = PgpoolProxy.installed() ? PgpoolProxy.start(cluster) : null;
            if (pgpool != null) {
                CpuPinning.pin(pgpool.process().pid(), "0");
                candidates.add(PeerCandidates.pgpool(pgpool));
            } else {
                System.out.println("Pgpool-II is not installed (apt-get install pgpool2): left out of this run.");
            }
            List<PairedRun.CandidateResult> results = new ArrayList<>();
            for (int threads : threadCounts) {
                for (Workload workload : Workload.values()) {
                    List<Candidate> eligible = candidates.stream().filter(c -> c.canWrite() || !workload.writes()).toList();
                    int perThread = Math.max(1000, rounds / threads);
                    List<PairedRun.CandidateResult> run = new PairedRun(workload, eligible, threads, perThread / 5, perThread).run();
                    results.addAll(run);
                    print(run);
                }
            }
            if (pgpool != null) {
                pgpool.close();
            }
            String report = render(results, pinned, rounds);
            if (out != null) {
                write(out, report);
                Path base = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", ""));
                ResultJson.write(results, pinned, Path.of(base + ".json"));
                ResultChart.write(results, Path.of(base + ".png"));
                System.out.println("Wrote " + base + ".json and " + base + ".png");
            }
        }
    }

    private static boolean pin(PostgresCluster cluster) {
        if (!CpuPinning.available()) {
            System.out.println("taskset unavailable or fewer than 2 CPUs: running unpinned; ratios will be noisy.");
            return false;
        }
        boolean ok = true;
        for (PostgresNode node : cluster.nodes()) {
            ok &= CpuPinning.pin(node.process().pid(), "0");
        }
        ok &= CpuPinning.pinThisJvm("1");
        System.out.println(ok ? "Servers pinned to CPU 0, benchmark JVM to CPU 1." : "Pinning failed; results are unpinned.");
        return ok;
    }

    private static void print(List<PairedRun.CandidateResult> run) {
        double baseline = run.get(0).medianMicros();
        for (PairedRun.CandidateResult r : run) {
            System.out.printf(Locale.ROOT, "%-24s %2d threads  %-36s median %8.1f µs  p99 %8.1f µs  ratio %.3f%n",
                    r.workload().label(), r.threads(), r.candidate(), r.medianMicros(), r.p99Micros(), r.medianMicros() / baseline);
        }
    }

    static String render(List<PairedRun.CandidateResult> results, boolean pinned, int rounds) {
        StringBuilder md = new StringBuilder();
        md.append("| workload | threads | candidate | median µs | p99 µs | median ratio vs raw primary | Δ median µs |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        double baseline = 0;
        for (PairedRun.CandidateResult r : results) {
            if (r.candidate().equals("raw PgJDBC, primary")) {
                baseline = r.medianMicros();
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %.3f | %+.1f |%n", r.workload().label(), r.threads(),
                    r.candidate(), r.medianMicros(), r.p99Micros(), r.medianMicros() / baseline, r.medianMicros() - baseline));
        }
        md.append(String.format(Locale.ROOT, "%nMachine: %d CPUs, JDK %s, %s; %s; %d interleaved rounds per workload; %s.%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"),
                pinned ? "servers pinned to CPU 0, client to CPU 1" : "unpinned", rounds, LocalDate.now()));
        return md.toString();
    }

    private static void write(Path out, String report) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        String png = out.getFileName().toString().replaceFirst("\\.md$", ".png");
        Files.writeString(out, "# End-to-end benchmark results\n\n![median latency ratios](" + png + ")\n\n" + report);
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
