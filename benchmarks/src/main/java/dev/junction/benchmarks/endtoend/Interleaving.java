package dev.junction.benchmarks.endtoend;

import java.util.Locale;

/**
 * How the end-to-end benchmark interleaves its candidates, {@code --method pairs|all}; why pairs is the default
 * is explained on {@link EndToEndBenchmark}.
 */
enum Interleaving {
    /** Each candidate alternated with its own raw baseline, one {@link PairedRun} of two per candidate. */
    PAIRS,
    /** Every candidate of a database alternated in one {@link PairedRun}. */
    ALL;

    static Interleaving parse(String text) {
        for (Interleaving method : values()) {
            if (method.label().equals(text)) {
                return method;
            }
        }
        throw new IllegalArgumentException("Invalid --method " + text + ": expected pairs or all");
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
