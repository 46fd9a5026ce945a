package dev.junction.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times one workload across several candidates by interleaving them: each round runs one operation per
 * candidate, in a new random order each round. {@link EndToEndBenchmark} uses it two ways: with two candidates,
 * a candidate and its raw baseline (A B, B A … at random, {@code --method pairs}, the default), or with all the
 * candidates of a database at once ({@code --method all}), where the other candidates' statements between two of
 * one candidate's evict more of its caches and so make a harsher, different setting than the A/B comparison.
 *
 * <p>A fixed rotation (A B C, B C A …) is not enough: each candidate then always follows the same other one,
 * and an operation after a slow one (Pgpool-II wakes processes on the servers' CPU) looked slower, the likely
 * cause of a 2-3 % bias against the baseline seen that way. On a 2-vCPU machine whose speed drifts, only
 * interleaved samples compared by their medians give ratios that hold; timing one candidate after the other
 * does not (raw-vs-raw swings from 0.6 to 2.0 that way).
 */
public final class PairedRun {
    private final String database;
    private final Workload workload;
    private final List<Candidate> candidates;
    private final int threads;
    private final int warmupRounds;
    private final int roundsPerThread;
    private final int segments;
    private static final int SEGMENT_WARMUP_ROUNDS = 200;

    /**
     * @param segments how many times each thread opens fresh connections for every candidate; the rounds are
     *                 split evenly between them
     */
    public PairedRun(String database, Workload workload, List<Candidate> candidates, int threads, int warmupRounds,
                     int roundsPerThread, int segments) {
        this.segments = Math.max(1, Math.min(segments, roundsPerThread));
        this.database = database;
        this.workload = workload;
        this.candidates = List.copyOf(candidates);
        this.threads = threads;
        this.warmupRounds = warmupRounds;
        this.roundsPerThread = roundsPerThread;
    }

    /** Runs the workload and returns one result per candidate, in the order given. */
    public List<CandidateResult> run() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[][]>> perThread = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                perThread.add(pool.submit(this::runOneThread));
            }
            long[][] merged = new long[candidates.size()][threads * roundsPerThread];
            for (int t = 0; t < threads; t++) {
                long[][] samples = perThread.get(t).get();
                for (int c = 0; c < candidates.size(); c++) {
                    System.arraycopy(samples[c], 0, merged[c], t * roundsPerThread, roundsPerThread);
                }
            }
            List<CandidateResult> results = new ArrayList<>();
            for (int c = 0; c < candidates.size(); c++) {
                results.add(CandidateResult.of(database, candidates.get(c), workload, threads, merged[c]));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private long[][] runOneThread() throws SQLException {
        int n = candidates.size();
        Random random = new Random(Thread.currentThread().getId());
        long[][] samples = new long[n][roundsPerThread];
        int done = 0;
        for (int segment = 0; segment < segments; segment++) {
            int rounds = (roundsPerThread - done) / (segments - segment);
            runSegment(samples, done, rounds, segment == 0 ? warmupRounds : Math.min(warmupRounds, SEGMENT_WARMUP_ROUNDS), random);
            done += rounds;
        }
        return samples;
    }

    /**
     * Opens one connection per candidate, warms them up, then times {@code rounds} interleaved rounds into
     * {@code samples} from index {@code from}. Fresh connections per segment matter: two connections of the
     * same kind settle on latency levels a few percent apart (a server process, its memory, the socket), which
     * one connection per candidate would report as the candidates' difference.
     */
    private void runSegment(long[][] samples, int from, int rounds, int warmup, Random random) throws SQLException {
        int n = candidates.size();
        Connection[] connections = new Connection[n];
        Workload.Operation[] operations = new Workload.Operation[n];
        try {
            for (int c = 0; c < n; c++) {
                connections[c] = candidates.get(c).connector().open();
                operations[c] = workload.prepare(connections[c]);
            }
            int[] order = new int[n];
            for (int c = 0; c < n; c++) {
                order[c] = c;
            }
            for (int round = 0; round < warmup; round++) {
                shuffle(order, random);
                for (int c : order) {
                    operations[c].run();
                }
            }
            for (int round = from; round < from + rounds; round++) {
                shuffle(order, random);
                for (int c : order) {
                    long start = System.nanoTime();
                    operations[c].run();
                    samples[c][round] = System.nanoTime() - start;
                }
            }
        } finally {
            for (Connection connection : connections) {
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    /** Fisher-Yates: a new random order of the candidates for every round. */
    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** Latency percentiles of one candidate on one workload. */
    public record CandidateResult(String database, String candidate, Candidate.Baseline baseline, Workload workload,
                                  int threads, int samples, double medianMicros, double p90Micros, double p99Micros) {
        static CandidateResult of(String database, Candidate candidate, Workload workload, int threads, long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new CandidateResult(database, candidate.name(), candidate.baseline(), workload, threads, sorted.length,
                    percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99));
        }

        private static double percentile(long[] sorted, double quantile) {
            int index = (int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)));
            return sorted[index] / 1000.0;
        }
    }
}
