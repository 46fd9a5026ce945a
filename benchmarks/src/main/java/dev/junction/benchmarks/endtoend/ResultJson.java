package dev.junction.benchmarks.endtoend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes end-to-end results as JSON, one object per candidate and workload, for tools that compare runs. With
 * {@code --method pairs} each object also names the baseline the candidate alternated with, its median and
 * their ratio; with {@code --method all} the baselines are objects of their own.
 */
final class ResultJson {
    private ResultJson() {
    }

    static void write(List<Comparison> results, Interleaving method, boolean pinned, Path file) throws IOException {
        String rows = results.stream().map(comparison -> row(comparison, method)).collect(Collectors.joining(",\n"));
        String json = String.format(Locale.ROOT, "{%n  \"method\": \"%s\",%n  \"cpus\": %d,%n  \"jdk\": \"%s\",%n  \"pinned\": %b,%n"
                        + "  \"results\": [%n%s%n  ]%n}%n",
                method.label(), EndToEndBenchmark.MACHINE_CPUS, escape(System.getProperty("java.version")), pinned, rows);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, json);
    }

    private static String row(Comparison comparison, Interleaving method) {
        PairedRun.CandidateResult r = comparison.candidate();
        String pair = method == Interleaving.PAIRS
                ? String.format(Locale.ROOT, ", \"comparedWith\": \"%s\", \"comparedWithMedianMicros\": %.2f, \"comparedWithP99Micros\": %.2f,"
                        + " \"ratio\": %.4f", escape(comparison.baseline().candidate()), comparison.baseline().medianMicros(),
                        comparison.baseline().p99Micros(), comparison.ratio())
                : "";
        return String.format(Locale.ROOT,
                "    {\"database\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"candidate\": \"%s\", \"baseline\": \"%s\", \"samples\": %d, "
                        + "\"medianMicros\": %.2f, \"p90Micros\": %.2f, \"p99Micros\": %.2f%s}",
                r.database(), r.workload().label(), r.threads(), escape(r.candidate()), r.baseline().name().toLowerCase(Locale.ROOT),
                r.samples(), r.medianMicros(), r.p90Micros(), r.p99Micros(), pair);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
