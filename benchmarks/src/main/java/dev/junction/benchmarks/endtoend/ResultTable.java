package dev.junction.benchmarks.endtoend;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Renders end-to-end results as a markdown table per database. With {@code --method pairs}, each candidate's
 * median and p99 next to the median of the baseline it alternated with, their ratio with its 95 % confidence
 * interval ({@link Comparison#ratioInterval()}) and difference in µs. With {@code --method all}, each candidate's
 * median ratio with its interval and difference against the raw driver to the primary and, on read-only
 * workloads, against the raw driver to the standby (the baseline of reads served by a replica).
 */
final class ResultTable {
    private ResultTable() {}

    /** @param segments how many segments each thread ran ({@code --segments}), which the intervals are over */
    static String render(List<Comparison> results, Interleaving method, boolean pinned, int rounds, int segments) {
        StringBuilder md = new StringBuilder();
        String database = null;
        for (Comparison comparison : results) {
            PairedRun.CandidateResult r = comparison.candidate();
            if (!r.database().equals(database)) {
                database = r.database();
                md.append("\n### ")
                        .append(database.equals("postgresql") ? "PostgreSQL (PgJDBC)" : "MariaDB (Connector/J)")
                        .append("\n\n");
                md.append(
                        method == Interleaving.PAIRS
                                ? "| workload | threads | candidate | median µs | p99 µs | compared with | its median µs | ratio | 95 % CI | Δ µs |\n"
                                        + "|---|---|---|---|---|---|---|---|---|---|\n"
                                : "| workload | threads | candidate | median µs | p99 µs | vs raw primary | 95 % CI | Δ µs | vs raw standby | Δ µs |\n"
                                        + "|---|---|---|---|---|---|---|---|---|---|\n");
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %.1f | %.1f | ",
                    r.workload().label(),
                    r.threads(),
                    r.candidate(),
                    r.medianMicros(),
                    r.p99Micros()));
            if (method == Interleaving.PAIRS) {
                md.append(String.format(
                        Locale.ROOT,
                        "%s | %.1f | %s | %s | %s |%n",
                        comparison.baseline().candidate(),
                        comparison.baseline().medianMicros(),
                        ratio(comparison),
                        interval(comparison),
                        delta(comparison)));
            } else {
                Comparison standby = r.workload().writes() ? null : againstStandby(results, comparison);
                md.append(String.format(
                        Locale.ROOT,
                        "%s | %s | %s | %s | %s |%n",
                        ratio(comparison),
                        interval(comparison),
                        delta(comparison),
                        ratio(standby),
                        delta(standby)));
            }
        }
        String machine = String.format(
                Locale.ROOT,
                "Machine: %d CPUs, JDK %s, %s; %s",
                EndToEndBenchmark.MACHINE_CPUS,
                System.getProperty("java.version"),
                System.getProperty("os.name"),
                pinned ? "servers pinned to CPU 0, client to CPU 1" : "unpinned");
        String intervalNote = String.format(
                Locale.ROOT,
                "95 %% CI: Student t over the logarithms of the per-segment ratios of medians (each segment opens"
                        + " fresh connections; %d segments per thread); it covers the noise within this run, not between runs.",
                segments);
        if (method == Interleaving.PAIRS) {
            md.append(String.format(
                    Locale.ROOT,
                    "%nMethod: each candidate timed in alternation with its baseline, A B A B in random"
                            + " order per round, %d rounds per pair and workload at 1 thread (rounds/threads per thread above). %s%n%n%s; %s.%n",
                    rounds,
                    intervalNote,
                    machine,
                    LocalDate.now()));
        } else {
            md.append(String.format(
                    Locale.ROOT,
                    "%n%s; %d interleaved rounds per workload at 1 thread (rounds/threads per thread above); %s.%n%n%s%n",
                    machine,
                    rounds,
                    LocalDate.now(),
                    intervalNote));
        }
        return md.toString();
    }

    /**
     * {@code of}'s candidate against the raw driver to the standby of the same run ({@code --method all}), or
     * null when the run has none.
     */
    private static Comparison againstStandby(List<Comparison> results, Comparison of) {
        PairedRun.CandidateResult r = of.candidate();
        for (Comparison other : results) {
            PairedRun.CandidateResult standby = other.candidate();
            if (standby.baseline() == Candidate.Baseline.STANDBY
                    && standby.database().equals(r.database())
                    && standby.workload() == r.workload()
                    && standby.threads() == r.threads()) {
                return new Comparison(r, standby);
            }
        }
        return null;
    }

    private static String ratio(Comparison comparison) {
        return comparison == null ? "" : String.format(Locale.ROOT, "%.3f", comparison.ratio());
    }

    private static String interval(Comparison comparison) {
        if (comparison.candidate() == comparison.baseline()) {
            return ""; // the baseline's own row in --method all: 1.000–1.000 would say nothing
        }
        return comparison.ratioInterval().map(Comparison.Interval::label).orElse("");
    }

    private static String delta(Comparison comparison) {
        return comparison == null ? "" : String.format(Locale.ROOT, "%+.1f", comparison.deltaMicros());
    }
}
