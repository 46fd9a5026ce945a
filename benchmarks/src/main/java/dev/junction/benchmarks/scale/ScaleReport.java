package dev.junction.benchmarks.scale;

import dev.junction.benchmarks.scale.ReadScaleOutBenchmark.Candidate;
import dev.junction.benchmarks.scale.ReadScaleOutBenchmark.RunResult;
import dev.junction.cluster.PostgresCluster;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The markdown report of a {@link ReadScaleOutBenchmark} run. */
final class ScaleReport {
    private final ScaleOptions options;
    private final String cap;
    private final String commandLine;
    private final LocalDate date;
    private final PostgresCluster cluster;

    ScaleReport(ScaleOptions options, String cap, String commandLine, LocalDate date, PostgresCluster cluster) {
        this.options = options;
        this.cap = cap;
        this.commandLine = commandLine;
        this.date = date;
        this.cluster = cluster;
    }

    /** {@code rejected}: the configurations the driver refused, by name, with its message; listed under each table. */
    String markdown(
            List<Candidate> candidates,
            Map<String, String> rejected,
            Map<String, List<RunResult>> results,
            Map<String, Long> throttled) {
        StringBuilder md = new StringBuilder();
        md.append("# Read scale-out\n\n`java -cp benchmarks/target/junction-benchmarks.jar ")
                .append("dev.junction.benchmarks.scale.ReadScaleOutBenchmark ")
                .append(commandLine)
                .append("`, ")
                .append(date)
                .append(". PostgreSQL primary + 2 streaming standbys on loopback, each node capped to ")
                .append(cap)
                .append("; ")
                .append(options.seconds())
                .append(" s per run after ")
                .append(options.warmupSeconds())
                .append(" s of warm-up, ")
                .append(options.rounds())
                .append(" rounds, candidates in a new random order each round; `readConsistency=")
                .append(options.consistency())
                .append(
                        options.pin()
                                ? "`. Every server process on CPU 0, the client on CPU 1 (`taskset`). Nodes: "
                                : "`. The client shares the machine's CPUs with the servers (`--pin off`). Nodes: ")
                .append(cluster.nodes().stream()
                        .map(n -> n.name() + (n == cluster.primary() ? " (primary)" : ""))
                        .collect(Collectors.joining(", ")))
                .append(". Periods each node was throttled: ")
                .append(throttled)
                .append(".\n\n");
        for (String mix : options.mixes()) {
            for (int threads : options.threads()) {
                table(md, mix, threads, candidates, results);
                rejected.forEach((name, message) -> md.append(rejectedRow(name, message)));
                md.append('\n');
            }
        }
        return md.toString();
    }

    private void table(
            StringBuilder md,
            String mix,
            int threads,
            List<Candidate> candidates,
            Map<String, List<RunResult>> results) {
        md.append("## ").append(mix).append(", ").append(threads).append(" threads\n\n");
        md.append("| candidate | ops/s per round | median ops/s | / raw → primary | statements by node |\n");
        md.append("|---|---|---|---|---|\n");
        double raw = median(results.get(ReadScaleOutBenchmark.key(mix, threads, ReadScaleOutBenchmark.RAW)));
        for (Candidate c : candidates) {
            List<RunResult> runs = results.get(ReadScaleOutBenchmark.key(mix, threads, c.name()));
            double median = median(runs);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,.0f | %.2f | %s |%n",
                    c.name(),
                    runs.stream()
                            .map(r -> String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()))
                            .collect(Collectors.joining(" / ")),
                    median,
                    median / raw,
                    runs.get(runs.size() - 1).shares()));
        }
    }

    /** A table row for a configuration the driver refused: its message in the per-round column, on one line. */
    static String rejectedRow(String name, String message) {
        String cell = message.replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
        return "| " + name + " | rejected: " + cell + " | | | |\n";
    }

    static double median(List<RunResult> runs) {
        List<Double> values = new ArrayList<>();
        for (RunResult r : runs) {
            values.add(r.opsPerSecond());
        }
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
