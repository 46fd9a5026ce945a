package dev.junction.workloads;

import java.util.List;
import java.util.Locale;

/**
 * The ratio of a configuration's throughput to the baseline's over rounds that ran each once, interleaved: the
 * geometric mean of the per-round ratios and its 95 % interval, Student t over their logarithms, as the end-to-end
 * benchmark's {@code Comparison} does over segments (a round, not a transaction, is the independent unit: transactions
 * of one round share its connections, the servers' state and whatever else ran on the machine then).
 */
public record RoundRatios(double mean, double low, double high) {
    /** t(0.975, ν), ν = 1 … 10. */
    private static final double[] STUDENT_T_975 = {
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281
    };

    public static RoundRatios of(List<Double> candidate, List<Double> baseline) {
        int n = candidate.size();
        double[] logs = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            logs[i] = Math.log(candidate.get(i) / baseline.get(i));
            mean += logs[i] / n;
        }
        if (n < 2) {
            return new RoundRatios(Math.exp(mean), Double.NaN, Double.NaN);
        }
        double squares = 0;
        for (double log : logs) {
            squares += (log - mean) * (log - mean);
        }
        double t = n - 1 <= STUDENT_T_975.length ? STUDENT_T_975[n - 2] : 1.96;
        double halfWidth = t * Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
        return new RoundRatios(Math.exp(mean), Math.exp(mean - halfWidth), Math.exp(mean + halfWidth));
    }

    /** {@code 0.952 (0.931–0.974)}. */
    public String label() {
        return Double.isNaN(low)
                ? String.format(Locale.ROOT, "%.3f", mean)
                : String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", mean, low, high);
    }
}
