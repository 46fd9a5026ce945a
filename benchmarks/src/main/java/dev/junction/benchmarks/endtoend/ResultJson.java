package dev.junction.benchmarks.endtoend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes end-to-end results as JSON, one object per candidate and workload, for tools that compare runs. Each
 * object also names the baseline its ratio divides by (with {@code --method pairs} the one the candidate
 * alternated with, with {@code --method all} the raw driver to the primary), that baseline's median and p99, the
 * ratio and its 95 % confidence interval ({@link Comparison#ratioInterval()}; null with a single segment).
 */
final class ResultJson {
    private ResultJson() {}

    static void write(List<Comparison> results, Interleaving method, boolean pinned, Path file) throws IOException {
        String rows = results.stream().map(ResultJson::row).collect(Collectors.joining(",\n"));
        String json = String.format(
                Locale.ROOT,
                "{%n  \"method\": \"%s\",%n  \"cpus\": %d,%n  \"jdk\": \"%s\",%n  \"pinned\": %b,%n"
                        + "  \"results\": [%n%s%n  ]%n}%n",
                method.label(),
                EndToEndBenchmark.MACHINE_CPUS,
                escape(System.getProperty("java.version")),
                pinned,
                rows);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, json);
    }

    private static String row(Comparison comparison) {
        PairedRun.CandidateResult r = comparison.candidate();
        PairedRun.CandidateResult baseline = comparison.baseline();
        Optional<Comparison.Interval> interval = comparison.ratioInterval();
        return String.format(
                Locale.ROOT,
                "    {\"database\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"candidate\": \"%s\", \"baseline\": \"%s\", \"samples\": %d, "
                        + "\"medianMicros\": %.2f, \"p90Micros\": %.2f, \"p99Micros\": %.2f, \"comparedWith\": \"%s\", \"comparedWithMedianMicros\": %.2f, "
                        + "\"comparedWithP99Micros\": %.2f, \"ratio\": %.4f, \"ratioCiLow\": %s, \"ratioCiHigh\": %s}",
                r.database(),
                r.workload().label(),
                r.threads(),
                escape(r.candidate()),
                r.baseline().name().toLowerCase(Locale.ROOT),
                r.samples(),
                r.medianMicros(),
                r.p90Micros(),
                r.p99Micros(),
                escape(baseline.candidate()),
                baseline.medianMicros(),
                baseline.p99Micros(),
                comparison.ratio(),
                number(interval.map(Comparison.Interval::low)),
                number(interval.map(Comparison.Interval::high)));
    }

    private static String number(Optional<Double> value) {
        return value.map(v -> String.format(Locale.ROOT, "%.4f", v)).orElse("null");
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
