package dev.junction.driver.internal.sync;

import dev.junction.driver.internal.backend.BackendDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The physical connection a commit has just returned on, asked where the primary's stream of commits is now
 * ({@link CommitPositions#primaryQuery}): the first step of a wait Junction makes itself. Why there rather than on a
 * pooled connection: the committing backend is the one the server has just run, while a pooled one must be woken on
 * CPUs that the WAL sender and the replicas' replay need at that very moment. In hand-written loops on this machine
 * (raw PgJDBC, one standby confirming by replay, 2026-12-05, three runs) the same wait confirmed 20-45 µs sooner with the
 * question on the committing connection than on a second one.
 *
 * <p>Only between transactions: a question must not open a transaction of its own in the application's session, nor
 * take its snapshot. In auto-commit that holds by itself. With auto-commit off it is asked only on PostgreSQL, where
 * PgJDBC sends the {@code BEGIN} of a transaction lazily with its first statement: auto-commit is switched on for the
 * question and off again, neither of which sends anything while no transaction is open. Elsewhere ({@code
 * SET autocommit} is a round trip on the MySQL drivers) the caller asks on a pooled connection.
 *
 * <p>The question stays prepared on the connection it was asked on; a new physical connection (after a failover)
 * prepares it anew. Not thread-safe: one per logical connection, used by the committing thread.
 */
public final class CommittingSession {
    /** Connector/J runs a network-timeout change on the executor it is given: run it on the caller. */
    private static final java.util.concurrent.Executor DIRECT = Runnable::run;

    /** The package of MySQL Connector/J's connection classes. */
    private static final String CONNECTOR_J_PACKAGE = "com.mysql.cj.";

    private final BackendDialect dialect;
    private Connection physical;
    /** The connection {@link #questions} were prepared on. */
    private Connection preparedOn;

    private CommitPositions positions;
    /** Whether the server reports each commit's GTID on {@link #preparedOn} ({@link #trackedCommitGtid}). */
    private boolean tracksCommits;
    /** Whether the pending commit was made synchronously whatever the session's level ({@code RAISED_COMMIT}). */
    private boolean madeSynchronously;

    /** The questions asked on {@link #preparedOn}, by text, kept prepared. */
    private final java.util.Map<String, PreparedStatement> questions = new java.util.HashMap<>(4);

    public CommittingSession(BackendDialect dialect) {
        this.dialect = dialect;
    }

    /** The connection the pending commit returned on; null when it is closed or not known. */
    void committedOn(Connection connection) {
        committedOn(connection, false);
    }

    /** The same, {@code synchronously} telling whether the commit was raised to {@code local} for itself. */
    void committedOn(Connection connection, boolean synchronously) {
        physical = connection;
        madeSynchronously = synchronously;
    }

    /** Whether there is a connection to ask, in a state where asking opens no transaction. */
    boolean askable() throws SQLException {
        return physical != null && (dialect == BackendDialect.POSTGRESQL || physical.getAutoCommit());
    }

    /** The positions of the server the commit ran on. */
    CommitPositions positions() throws SQLException {
        prepare();
        return positions;
    }

    /**
     * MariaDB through MySQL Connector/J with {@code trackSessionState} on: the GTID of the commit that has just
     * returned, from the server's answer to the commit itself ({@link ConnectorJSessionTracking}), so that nothing is
     * asked; null elsewhere, and whenever that answer did not carry one (the first commit of a physical connection,
     * which asks the server to report them), when the position is asked as before. It needs no auto-commit: it reads
     * what the driver already read.
     */
    String trackedCommitGtid() throws SQLException {
        if (physical == null || dialect == BackendDialect.POSTGRESQL) {
            return null;
        }
        prepare();
        return tracksCommits ? ConnectorJSessionTracking.lastGtid(physical) : null;
    }

    /**
     * The answer to {@link CommitPositions#committingQuery} on the committing connection, within {@code millis}; the
     * connection's own network timeout and auto-commit are as before once this returns, answered or not.
     */
    String primaryAnswer(int millis) throws SQLException {
        prepare();
        String[] row =
                answer(madeSynchronously ? positions.synchronousCommitQuery() : positions.committingQuery(), 1, millis);
        return row == null ? null : row[0];
    }

    /**
     * The first row of {@code sql} on the committing connection, its first {@code columns} columns as text, within
     * {@code millis}; null when there is no row. The connection's own network timeout and auto-commit are as before
     * once this returns, answered or not.
     */
    String[] answer(String sql, int columns, int millis) throws SQLException {
        prepare();
        PreparedStatement question = questions.get(sql);
        if (question == null) {
            question = physical.prepareStatement(sql);
            questions.put(sql, question);
        }
        boolean autoCommit = physical.getAutoCommit();
        int networkTimeout = physical.getNetworkTimeout();
        physical.setNetworkTimeout(DIRECT, millis);
        try {
            if (!autoCommit) {
                physical.setAutoCommit(true); // idle after COMMIT: PgJDBC sends nothing
            }
            try (ResultSet row = question.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                String[] values = new String[columns];
                for (int i = 0; i < columns; i++) {
                    values[i] = row.getString(i + 1);
                }
                return values;
            } finally {
                if (!autoCommit) {
                    physical.setAutoCommit(false);
                }
            }
        } finally {
            physical.setNetworkTimeout(DIRECT, networkTimeout);
        }
    }

    private void prepare() throws SQLException {
        if (preparedOn == physical) {
            return;
        }
        positions = CommitPositions.of(dialect, physical);
        questions.clear();
        preparedOn = physical;
        tracksCommits = positions.reportsLastGtid() && startTrackingCommits(physical);
    }

    /**
     * Asks the server to report each commit's GTID in its answer ({@code session_track_system_variables}), once per
     * physical connection, where the driver reads those reports: MySQL Connector/J with {@code trackSessionState}
     * (which Junction sets for data sources that may wait). A session variable: it opens no transaction. Not asked
     * (false) on any other driver, or when the server refuses it.
     */
    private static boolean startTrackingCommits(Connection connection) {
        try {
            // Told by class name first: ConnectorJSessionTracking names Connector/J's types, and is touched only
            // for a connection that proves Connector/J is on the class path.
            if (!connection.getClass().getName().startsWith(CONNECTOR_J_PACKAGE)
                    || !ConnectorJSessionTracking.tracksSessionState(connection)) {
                return false;
            }
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute(ConnectorJSessionTracking.TRACK_LAST_GTID);
            }
            return true;
        } catch (SQLException e) {
            return false; // the position is asked after each commit, as without tracking
        }
    }
}
