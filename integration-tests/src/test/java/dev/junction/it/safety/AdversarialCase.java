package dev.junction.it.safety;

import java.sql.SQLException;
import java.util.List;

/**
 * One statement sequence that must behave through Junction exactly as through the raw driver on the primary. The
 * script runs twice, on fresh fixtures made by {@code setup} (DDL run as the administrator on the primary, with
 * {@code {tag}} standing for the run's tag), once per driver.
 *
 * @param name        what the case does, as the test report shows it
 * @param setup       DDL per run: objects that a run consumes or that name the run (a view, a sequence, a table)
 * @param script      the statements, through a {@link Transcript}
 * @param expectation how Junction's run is judged against the raw driver's
 */
record AdversarialCase(String name, List<String> setup, Script script, Expectation expectation) {
    /** The statements of a case; {@code {tag}} in their SQL is the run's tag. */
    @FunctionalInterface
    interface Script {
        void run(Transcript t) throws SQLException;
    }

    /** How a case judges Junction's run against the raw driver's. */
    enum Expectation {
        /** Equal transcripts and equal rows added on the primary. */
        SAME_AS_RAW,
        /**
         * A write in a read-only transaction: the server refuses it (SQLState 25006) as it does for the raw driver,
         * or Junction runs it on the primary, where its row then is; never on a replica.
         */
        REFUSED_OR_ON_THE_PRIMARY
    }

    static AdversarialCase of(String name, Script script) {
        return new AdversarialCase(name, List.of(), script, Expectation.SAME_AS_RAW);
    }

    static AdversarialCase withSetup(String name, List<String> setup, Script script) {
        return new AdversarialCase(name, setup, script, Expectation.SAME_AS_RAW);
    }

    /** The setup for one run's tag. */
    String[] setupFor(String tag) {
        return setup.stream().map(sql -> sql.replace("{tag}", tag)).toArray(String[]::new);
    }
}
