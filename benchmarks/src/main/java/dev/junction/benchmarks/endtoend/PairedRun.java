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
import java.util.stream.LongStream;

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
    /** Where each segment's rounds start in a thread's samples, then the end; the same for every thread. */
    private final int[] segmentStarts;

    private static final int SEGMENT_WARMUP_ROUNDS = 200;

    /**
     * @param segments how many times each thread opens fresh connections for every candidate; the rounds are
     *                 split evenly between them
     */
    public PairedRun(
            String database,
            Workload workload,
            List<Candidate> candidates,
            int threads,
            int warmupRounds,
            int roundsPerThread,
            int segments) {
        this.segments = Math.max(1, Math.min(segments, roundsPerThread));
        this.database = database;
        this.workload = workload;
        this.candidates = List.copyOf(candidates);
        this.threads = threads;
        this.warmupRounds = warmupRounds;
        this.roundsPerThread = roundsPerThread;
        this.segmentStarts = segmentStarts(roundsPerThread, this.segments);
    }

    private static int[] segmentStarts(int roundsPerThread, int segments) {
        int[] starts = new int[segments + 1];
        for (int segment = 0; segment < segments; segment++) {
            starts[segment + 1] = starts[segment] + (roundsPerThread - starts[segment]) / (segments - segment);
        }
        return starts;
    }

    /** Runs the workload and returns one result per candidate, in the order given. */
    public List<CandidateResult> run() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[][]>> perThread = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                perThread.add(pool.submit(this::runOneThread));
            }
            List<long[][]> samplesPerThread = new ArrayList<>();
            for (Future<long[][]> samples : perThread) {
                samplesPerThread.add(samples.get());
            }
            List<CandidateResult> results = new ArrayList<>();
            for (int c = 0; c < candidates.size(); c++) {
                results.add(CandidateResult.of(
                        database, candidates.get(c), workload, threads, segmentsOf(c, samplesPerThread)));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Candidate {@code c}'s samples cut into its segments, segment by segment and within a segment thread by
     * thread: roughly the order in which they ran, as the threads run their segments side by side. Every
     * candidate's list is cut the same way, so entry i of two candidates ran interleaved on connections opened
     * together.
     */
    private List<long[]> segmentsOf(int c, List<long[][]> samplesPerThread) {
        List<long[]> segmentSamples = new ArrayList<>();
        for (int segment = 0; segment < segments; segment++) {
            for (long[][] samples : samplesPerThread) {
                segmentSamples.add(Arrays.copyOfRange(samples[c], segmentStarts[segment], segmentStarts[segment + 1]));
            }
        }
        return segmentSamples;
    }

    private long[][] runOneThread() throws SQLException {
        Random random = new Random(Thread.currentThread().getId());
        long[][] samples = new long[candidates.size()][roundsPerThread];
        for (int segment = 0; segment < segments; segment++) {
            int warmup = segment == 0 ? warmupRounds : Math.min(warmupRounds, SEGMENT_WARMUP_ROUNDS);
            runSegment(
                    samples,
                    segmentStarts[segment],
                    segmentStarts[segment + 1] - segmentStarts[segment],
                    warmup,
                    random);
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

    /**
     * Latency percentiles of one candidate on one workload, over all its samples.
     *
     * @param segmentMedianMicros the median of each segment, segment by segment and within a segment thread by
     *                            thread; entry i of two candidates of one run were timed interleaved, on connections
     *                            opened together, which is what {@link Comparison#ratioInterval()} pairs them by
     */
    public record CandidateResult(
            String database,
            String candidate,
            Candidate.Baseline baseline,
            Workload workload,
            int threads,
            int samples,
            double medianMicros,
            double p90Micros,
            double p99Micros,
            List<Double> segmentMedianMicros) {
        public CandidateResult {
            segmentMedianMicros = List.copyOf(segmentMedianMicros);
        }

        static CandidateResult of(
                String database, Candidate candidate, Workload workload, int threads, List<long[]> segmentNanos) {
            long[] sorted =
                    segmentNanos.stream().flatMapToLong(LongStream::of).sorted().toArray();
            List<Double> segmentMedians = segmentNanos.stream()
                    .map(segment -> percentile(LongStream.of(segment).sorted().toArray(), 0.50))
                    .toList();
            return new CandidateResult(
                    database,
                    candidate.name(),
                    candidate.baseline(),
                    workload,
                    threads,
                    sorted.length,
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.90),
                    percentile(sorted, 0.99),
                    segmentMedians);
        }

        private static double percentile(long[] sorted, double quantile) {
            int index = (int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)));
            return sorted[index] / 1000.0;
        }
    }
}
