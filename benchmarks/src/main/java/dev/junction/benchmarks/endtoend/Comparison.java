package dev.junction.benchmarks.endtoend;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A candidate's result next to the result of the raw baseline it is divided by, both taken in the same
 * interleaved run so that the machine's drift affects them alike: with {@code --method pairs} the baseline it
 * alternated with, with {@code --method all} the raw driver to the primary.
 */
record Comparison(PairedRun.CandidateResult candidate, PairedRun.CandidateResult baseline) {
    /** t(0.975, ν) for ν = 1 … 30 degrees of freedom, index ν − 1. */
    private static final double[] STUDENT_T_975 = {
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423
    };

    private static final double NORMAL_975 = 1.959963984540054;

    Comparison {
        if (candidate.segmentMedianMicros().size()
                != baseline.segmentMedianMicros().size()) {
            throw new IllegalArgumentException("Cannot pair " + candidate.candidate() + " ("
                    + candidate.segmentMedianMicros().size()
                    + " segments) with " + baseline.candidate() + " ("
                    + baseline.segmentMedianMicros().size()
                    + " segments): compare only results of the same run");
        }
    }

    double ratio() {
        return candidate.medianMicros() / baseline.medianMicros();
    }

    double deltaMicros() {
        return candidate.medianMicros() - baseline.medianMicros();
    }

    /**
     * The 95 % confidence interval of the ratio: Student t over the logarithms of r_i = candidate's median /
     * baseline's median in segment i, exp(mean ± t(0.975, n − 1) · sd / √n); empty with fewer than two segments.
     *
     * <p>The unit is the segment, not the sample: within a segment every sample goes through the same
     * connections, whose latency level differs from the next segment's by a few percent, so its samples are
     * correlated and the tens of thousands of them, taken as independent, would claim an interval far too narrow
     * for what a rerun shows. Each segment opens fresh connections, so segments are close to independent, and the
     * candidate's and the baseline's segment i ran interleaved at the same time, so their ratio cancels the drift
     * that both saw. Logarithms, because a ratio is multiplicative: at 8 threads a segment holds few samples and its
     * r_i range from about 0.5 to 1.5, which an arithmetic mean weighs unevenly (1.5 pulls more than 0.5 pushes),
     * and the interval is then the same whichever way round the pair is divided. Its centre is the geometric mean of
     * the r_i, not {@link #ratio()}, which divides medians over all samples; the two estimate the same overhead by
     * different means, so the ratio need not sit at the centre. The interval covers the noise within a run only:
     * what differs between runs (JIT decisions, the servers' state) it cannot see.
     */
    Optional<Interval> ratioInterval() {
        List<Double> candidateMedians = candidate.segmentMedianMicros();
        List<Double> baselineMedians = baseline.segmentMedianMicros();
        int n = candidateMedians.size();
        if (n < 2) {
            return Optional.empty();
        }
        double[] logRatios = new double[n];
        for (int i = 0; i < n; i++) {
            logRatios[i] = Math.log(candidateMedians.get(i) / baselineMedians.get(i));
        }
        double mean = 0;
        for (double logRatio : logRatios) {
            mean += logRatio / n;
        }
        double squares = 0;
        for (double logRatio : logRatios) {
            squares += (logRatio - mean) * (logRatio - mean);
        }
        double halfWidth = studentT975(n - 1) * Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
        return Optional.of(new Interval(Math.exp(mean), Math.exp(mean - halfWidth), Math.exp(mean + halfWidth)));
    }

    /**
     * t(0.975, ν): from the table up to 30, above it by Fisher's expansion around the normal quantile, good to
     * 10⁻⁴ there. 1.96 alone would make the interval of 8 threads × 10 segments (ν = 79) 1.5 % too narrow.
     */
    private static double studentT975(int degreesOfFreedom) {
        if (degreesOfFreedom <= STUDENT_T_975.length) {
            return STUDENT_T_975[degreesOfFreedom - 1];
        }
        double z = NORMAL_975;
        double v = degreesOfFreedom;
        return z + (z * z * z + z) / (4 * v) + (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
    }

    /** A 95 % confidence interval of a ratio, around the geometric mean of the per-segment ratios. */
    record Interval(double mean, double low, double high) {
        /** As the report prints it: {@code 1.001–1.006}. */
        String label() {
            return String.format(Locale.ROOT, "%.3f–%.3f", low, high);
        }
    }
}
