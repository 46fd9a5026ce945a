package dev.junction.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One way of reaching the database that the end-to-end benchmark compares: a raw driver connection to a
 * node, Junction with some settings, or a peer (Pgpool-II, the AWS wrapper). Each benchmark thread opens
 * its own connection per candidate.
 *
 * @param name          the label in the results table
 * @param canWrite      false for a raw connection to a standby, which only the read workloads use
 * @param baseline      whether the report divides the others by this candidate's median
 * @param connector     opens a new connection
 */
public record Candidate(String name, boolean canWrite, Baseline baseline, Connector connector) {

    /** An ordinary candidate, compared with the baselines. */
    public static Candidate of(String name, boolean canWrite, Connector connector) {
        return new Candidate(name, canWrite, Baseline.NONE, connector);
    }

    /** Which ratio column of the report a candidate is the denominator of. */
    public enum Baseline {
        /** The raw driver to the primary: every ratio "vs raw primary". */
        PRIMARY,
        /** The raw driver to a standby: the ratio "vs raw standby" of replica reads. */
        STANDBY,
        NONE
    }

    /** Opens a connection; a lambda over {@code DriverManager.getConnection}. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }
}
