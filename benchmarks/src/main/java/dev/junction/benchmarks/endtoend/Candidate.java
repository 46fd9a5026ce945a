package dev.junction.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One way of reaching the database that the end-to-end benchmark compares: a raw driver connection to a
 * node, Junction with some settings, or a peer (Pgpool-II, the AWS wrapper). Each benchmark thread opens
 * its own connection per candidate.
 *
 * @param name          the label in the results table
 * @param canWrite      false for a read-only candidate (a raw connection to a standby), which only the read
 *                      workloads use
 * @param baseline      whether the report divides the others by this candidate's median
 * @param readsFrom     the node that serves this candidate's reads, which decides the baseline it is paired with
 * @param connector     opens a new connection
 */
public record Candidate(String name, boolean canWrite, Baseline baseline, ReadsFrom readsFrom, Connector connector) {

    /** An ordinary candidate, compared with the baselines. */
    public static Candidate of(String name, boolean canWrite, ReadsFrom readsFrom, Connector connector) {
        return new Candidate(name, canWrite, Baseline.NONE, readsFrom, connector);
    }

    /** The raw driver to the primary: the baseline of writes and of reads served by the primary. */
    public static Candidate primaryBaseline(String name, Connector connector) {
        return new Candidate(name, true, Baseline.PRIMARY, ReadsFrom.PRIMARY, connector);
    }

    /** The raw driver to the standby: the baseline of reads served by a replica. */
    public static Candidate standbyBaseline(String name, Connector connector) {
        return new Candidate(name, false, Baseline.STANDBY, ReadsFrom.STANDBY, connector);
    }

    /**
     * The raw baseline this candidate is paired with on {@code workload}: a write workload runs on the primary
     * whatever the candidate, and a read is only a measure of the driver when it is compared with the same
     * node answering through the raw driver.
     */
    public Baseline pairedBaseline(Workload workload) {
        return !workload.writes() && readsFrom == ReadsFrom.STANDBY ? Baseline.STANDBY : Baseline.PRIMARY;
    }

    /** Which ratio column of the report a candidate is the denominator of. */
    public enum Baseline {
        /** The raw driver to the primary: every ratio "vs raw primary". */
        PRIMARY,
        /** The raw driver to a standby: the ratio "vs raw standby" of replica reads. */
        STANDBY,
        NONE
    }

    /** The node that answers a candidate's reads (a MariaDB replica counts as the standby). */
    public enum ReadsFrom {
        PRIMARY,
        STANDBY
    }

    /** Opens a connection; a lambda over {@code DriverManager.getConnection}. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }
}
