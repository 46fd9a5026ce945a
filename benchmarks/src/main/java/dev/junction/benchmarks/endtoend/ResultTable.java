package dev.junction.benchmarks.endtoend;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Renders end-to-end results as a markdown table per database: each candidate's median and p99, its median
 * ratio and difference in µs against the raw driver to the primary, and, on read-only workloads, against the
 * raw driver to the standby (the baseline of reads served by a replica).
 */
final class ResultTable {
    private ResultTable() {
    }

    static String render(List<PairedRun.CandidateResult> results, boolean pinned, int rounds) {
        StringBuilder md = new StringBuilder();
        String database = null;
        for (PairedRun.CandidateResult r : results) {
            if (!r.database().equals(database)) {
                database = r.database();
                md.append("\n### ").append(database.equals("postgresql") ? "PostgreSQL (PgJDBC)" : "MariaDB (Connector/J)").append("\n\n");
                md.append("| workload | threads | candidate | median µs | p99 µs | vs raw primary | Δ µs | vs raw standby | Δ µs |\n");
                md.append("|---|---|---|---|---|---|---|---|---|\n");
            }
            PairedRun.CandidateResult primary = baseline(results, r, Candidate.Baseline.PRIMARY);
            PairedRun.CandidateResult standby = r.workload().writes() ? null : baseline(results, r, Candidate.Baseline.STANDBY);
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %s | %s | %s | %s |%n", r.workload().label(), r.threads(),
                    r.candidate(), r.medianMicros(), r.p99Micros(), ratio(r, primary), delta(r, primary), ratio(r, standby), delta(r, standby)));
        }
        md.append(String.format(Locale.ROOT, "%nMachine: %d CPUs, JDK %s, %s; %s; %d interleaved rounds per workload at 1 thread"
                        + " (rounds/threads per thread above); %s.%n",
                EndToEndBenchmark.MACHINE_CPUS, System.getProperty("java.version"), System.getProperty("os.name"),
                pinned ? "servers pinned to CPU 0, client to CPU 1" : "unpinned", rounds, LocalDate.now()));
        return md.toString();
    }

    /** The result of the {@code kind} baseline in the same database, workload and thread count, or null. */
    static PairedRun.CandidateResult baseline(List<PairedRun.CandidateResult> results, PairedRun.CandidateResult of, Candidate.Baseline kind) {
        for (PairedRun.CandidateResult r : results) {
            if (r.baseline() == kind && r.database().equals(of.database()) && r.workload() == of.workload() && r.threads() == of.threads()) {
                return r;
            }
        }
        return null;
    }

    private static String ratio(PairedRun.CandidateResult r, PairedRun.CandidateResult baseline) {
        return baseline == null ? "" : String.format(Locale.ROOT, "%.3f", r.medianMicros() / baseline.medianMicros());
    }

    private static String delta(PairedRun.CandidateResult r, PairedRun.CandidateResult baseline) {
        return baseline == null ? "" : String.format(Locale.ROOT, "%+.1f", r.medianMicros() - baseline.medianMicros());
    }
}
