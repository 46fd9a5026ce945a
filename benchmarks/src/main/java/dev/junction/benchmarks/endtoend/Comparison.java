package dev.junction.benchmarks.endtoend;

/**
 * A candidate's result next to the result of the raw baseline it is divided by, both taken in the same
 * interleaved run so that the machine's drift affects them alike: with {@code --method pairs} the baseline it
 * alternated with, with {@code --method all} the raw driver to the primary.
 */
record Comparison(PairedRun.CandidateResult candidate, PairedRun.CandidateResult baseline) {

    double ratio() {
        return candidate.medianMicros() / baseline.medianMicros();
    }

    double deltaMicros() {
        return candidate.medianMicros() - baseline.medianMicros();
    }
}
