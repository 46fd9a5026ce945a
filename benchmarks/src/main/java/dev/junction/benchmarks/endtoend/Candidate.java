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
 * @param connector     opens a new connection
 */
public record Candidate(String name, boolean canWrite, Connector connector) {

    /** Opens a connection; a lambda over {@code DriverManager.getConnection}. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }
}
