package dev.junction.benchmarks.endtoend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes end-to-end results as JSON, one object per candidate and workload, for tools that compare runs. */
final class ResultJson {
    private ResultJson() {
    }

    static void write(List<PairedRun.CandidateResult> results, boolean pinned, Path file) throws IOException {
        String rows = results.stream().map(r -> String.format(Locale.ROOT,
                "    {\"database\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"candidate\": \"%s\", \"baseline\": \"%s\", \"samples\": %d, "
                        + "\"medianMicros\": %.2f, \"p90Micros\": %.2f, \"p99Micros\": %.2f}",
                r.database(), r.workload().label(), r.threads(), escape(r.candidate()), r.baseline().name().toLowerCase(Locale.ROOT), r.samples(), r.medianMicros(), r.p90Micros(), r.p99Micros()))
                .collect(Collectors.joining(",\n"));
        String json = String.format(Locale.ROOT, "{%n  \"cpus\": %d,%n  \"jdk\": \"%s\",%n  \"pinned\": %b,%n  \"results\": [%n%s%n  ]%n}%n",
                EndToEndBenchmark.MACHINE_CPUS, escape(System.getProperty("java.version")), pinned, rows);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, json);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
