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
                "    {\"workload\": \"%s\", \"threads\": %d, \"candidate\": \"%s\", \"samples\": %d, "
                        + "\"medianMicros\": %.2f, \"p90Micros\": %.2f, \"p99Micros\": %.2f}",
                r.workload().label(), r.threads(), escape(r.candidate()), r.samples(), r.medianMicros(), r.p90Micros(), r.p99Micros()))
                .collect(Collectors.joining(",\n"));
        String json = String.format(Locale.ROOT, "{%n  \"cpus\": %d,%n  \"jdk\": \"%s\",%n  \"pinned\": %b,%n  \"results\": [%n%s%n  ]%n}%n",
                Runtime.getRuntime().availableProcessors(), escape(System.getProperty("java.version")), pinned, rows);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, json);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
