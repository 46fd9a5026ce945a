package dev.junction.benchmarks.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    @Test
    void intervalIsStudentTOverTheLogarithmsOfThePerSegmentRatios() {
        double[] ratios = {1.01, 1.03, 0.99, 1.02, 1.00};
        Comparison comparison = new Comparison(
                result("candidate", 101, 103, 99, 102, 100), result("baseline", 100, 100, 100, 100, 100));

        Expected expected = Expected.of(ratios, 2.7764); // t(0.975, 4)
        assertThat(comparison.ratioInterval()).hasValueSatisfying(interval -> {
            assertThat(interval.mean()).isCloseTo(expected.centre, within(1e-12));
            assertThat(interval.low()).isCloseTo(expected.low, within(1e-12));
            assertThat(interval.high()).isCloseTo(expected.high, within(1e-12));
            assertThat(interval.label()).isEqualTo("0.990–1.030");
        });
    }

    @Test
    void dividesEachSegmentByTheBaselineSegmentThatRanBesideIt() {
        // the segments' latency levels differ by 2x, the ratios within a segment by 1 %: only pairing keeps the
        // interval narrow
        Comparison comparison = new Comparison(result("candidate", 202, 99, 150), result("baseline", 200, 100, 150));

        Expected expected = Expected.of(new double[] {1.01, 0.99, 1.00}, 4.3027); // t(0.975, 2)
        assertThat(comparison.ratioInterval()).hasValueSatisfying(interval -> {
            assertThat(interval.low()).isCloseTo(expected.low, within(1e-12));
            assertThat(interval.high()).isCloseTo(expected.high, within(1e-12));
            assertThat(interval.high() - interval.low()).isLessThan(0.06);
        });
    }

    @Test
    void theIntervalIsTheSameWhicheverWayRoundThePairIsDivided() {
        Comparison forward = new Comparison(result("candidate", 150, 60, 101), result("baseline", 100, 100, 100));
        Comparison backward = new Comparison(result("baseline", 100, 100, 100), result("candidate", 150, 60, 101));

        Comparison.Interval a = forward.ratioInterval().orElseThrow();
        Comparison.Interval b = backward.ratioInterval().orElseThrow();
        assertThat(b.mean()).isCloseTo(1 / a.mean(), within(1e-12));
        assertThat(b.low()).isCloseTo(1 / a.high(), within(1e-12));
        assertThat(b.high()).isCloseTo(1 / a.low(), within(1e-12));
    }

    @Test
    void beyondThirtyDegreesOfFreedomUsesTheTQuantileNotTheNormalOne() {
        // 8 threads x 10 segments: ratios alternate 1.00 and 1.02
        double[] candidate = new double[80];
        double[] baseline = new double[80];
        double[] ratios = new double[80];
        for (int i = 0; i < 80; i++) {
            candidate[i] = i % 2 == 0 ? 100 : 102;
            baseline[i] = 100;
            ratios[i] = candidate[i] / baseline[i];
        }
        Comparison comparison = new Comparison(result("candidate", candidate), result("baseline", baseline));

        Expected expected = Expected.of(ratios, 1.99045); // t(0.975, 79)
        assertThat(comparison.ratioInterval()).hasValueSatisfying(interval -> {
            assertThat(interval.mean()).isCloseTo(expected.centre, within(1e-12));
            assertThat(interval.high()).isCloseTo(expected.high, within(1e-7));
        });
    }

    @Test
    void aSingleSegmentGivesNoInterval() {
        Comparison comparison = new Comparison(result("candidate", 101), result("baseline", 100));

        assertThat(comparison.ratioInterval()).isEmpty();
        assertThat(comparison.ratio()).isCloseTo(1.01, within(1e-12));
    }

    @Test
    void refusesResultsWhoseSegmentsDoNotLineUp() {
        assertThatThrownBy(() -> new Comparison(result("candidate", 101, 102), result("baseline", 100, 100, 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot pair candidate (2 segments) with baseline (3 segments)");
    }

    /** A result with these segment medians; its overall percentiles, which the interval does not read, are the first one. */
    private static PairedRun.CandidateResult result(String name, double... segmentMedianMicros) {
        List<Double> medians = new ArrayList<>();
        for (double median : segmentMedianMicros) {
            medians.add(median);
        }
        double median = segmentMedianMicros[0];
        return new PairedRun.CandidateResult(
                "mariadb",
                name,
                Candidate.Baseline.NONE,
                Workload.POINT_SELECT,
                1,
                100 * medians.size(),
                median,
                median,
                median,
                medians);
    }

    /** The interval worked out here from the ratios and a t quantile looked up by hand: exp(mean ± t·sd/√n) of ln r. */
    private record Expected(double centre, double low, double high) {
        static Expected of(double[] ratios, double t) {
            int n = ratios.length;
            double mean = 0;
            for (double ratio : ratios) {
                mean += Math.log(ratio);
            }
            mean /= n;
            double squares = 0;
            for (double ratio : ratios) {
                squares += Math.pow(Math.log(ratio) - mean, 2);
            }
            double halfWidth = t * Math.sqrt(squares / (n - 1) / n);
            return new Expected(Math.exp(mean), Math.exp(mean - halfWidth), Math.exp(mean + halfWidth));
        }
    }
}
