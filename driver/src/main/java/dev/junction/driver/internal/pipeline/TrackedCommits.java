package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.failover.CommitOutcomes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The commit step of one logical connection under {@code commitOutcome=track} ({@link CommitOutcomes}): the id a
 * transaction records before its commit, the transaction an auto-commit write runs in, and the answer to a commit
 * whose connection was lost: it returns when the primary shows the transaction committed, else throws
 * {@link JunctionErrorCode#COMMIT_ROLLED_BACK} (or, when no primary answered within {@code failoverTimeout},
 * {@link JunctionErrorCode#COMMIT_OUTCOME_UNKNOWN} as without tracking).
 */
final class TrackedCommits {
    private final CommitOutcomes outcomes;
    private final FailureSeam failures;
    private final Duration failoverTimeout;
    /** A lost commit was found committed: the on-committed step skips its sync wait (the primary it ran on is gone). */
    private boolean resolvedCommitted;
    /** The id of the last commit recorded, and its session, until its on-committed step is over. */
    private String recordedId;

    private NodeSession recordedOn;

    TrackedCommits(CommitOutcomes outcomes, FailureSeam failures, Duration failoverTimeout) {
        this.outcomes = outcomes;
        this.failures = failures;
        this.failoverTimeout = failoverTimeout;
    }

    /**
     * Inserts a new id in the transaction open on {@code session}, just before its commit. On failure the transaction
     * cannot commit: the caller ends it, and the exception says why (a lost connection: nothing of it committed).
     */
    String record(NodeSession session) throws SQLException {
        String id = CommitOutcomes.newId();
        outcomes.ensureTable(session.node());
        try {
            CommitOutcomes.record(session.physical(), id);
        } catch (SQLException e) {
            throw lostOrNamed(e, session);
        }
        recordedId = id;
        recordedOn = session;
        return id;
    }

    /** Turns off auto-commit on {@code session} for the transaction an auto-commit write runs in. */
    void begin(NodeSession session) throws SQLException {
        outcomes.ensureTable(session.node());
        try {
            session.physical().setAutoCommit(false);
        } catch (SQLException e) {
            throw lostOrNamed(e, session);
        }
    }

    /**
     * Records an id and commits the transaction {@link #begin} opened, then restores auto-commit. Returns normally when
     * the write is committed, including when its connection was lost during the commit and the primary shows it.
     */
    void commitAutoCommitWrite(NodeSession session) throws SQLException {
        String id;
        try {
            id = record(session);
        } catch (SQLException e) {
            abandon(session);
            throw e;
        }
        Connection physical = session.physical();
        try {
            physical.commit();
        } catch (SQLException e) {
            boolean lost = failures.kindOf(e, session) == FailureKind.CONNECTION_LOST;
            SQLException named = failures.failed(e, session);
            if (!lost) {
                abandon(session);
                throw named;
            }
            resolve(id, session, named, "the connection was lost during the auto-commit statement");
            return;
        }
        try {
            physical.setAutoCommit(true);
        } catch (SQLException e) {
            // The write IS committed: only restoring the setting failed (MariaDB sends it to the server). The failure
            // seam drops the connection if it is lost; the next statement opens another. Reporting this loss as the
            // statement's would tell the application a committed write did not happen.
            failures.failed(e, session);
        }
    }

    /**
     * The statement of an auto-commit write failed inside the transaction {@link #begin} opened: nothing of it is
     * committed. A lost connection is {@code 08S02} (retry it), anything else the backend's error, unnamed (the
     * caller's failure step names it).
     */
    SQLException failedAutoCommitWrite(SQLException e, NodeSession session) {
        if (failures.kindOf(e, session) == FailureKind.CONNECTION_LOST) {
            return JunctionErrorCode.CONNECTION_SWITCHED.exception(
                    failures.failed(e, session), session.node().address());
        }
        abandon(session);
        return e;
    }

    /**
     * What became of the transaction that recorded {@code id} on {@code session}, whose commit lost its connection:
     * returns when it committed; throws when it did not or when no primary answered.
     */
    void resolve(String id, NodeSession session, SQLException named, String reason) throws SQLException {
        CommitOutcomes.Outcome outcome;
        try {
            outcome = outcomes.resolve(id, session.node(), failoverTimeout);
        } catch (SQLException unanswered) {
            SQLException unknown = named.getErrorCode() == JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.vendorCode()
                    ? named
                    : JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(
                            named, session.node().address(), "COMMIT");
            unknown.addSuppressed(unanswered);
            throw unknown;
        }
        if (!outcome.committed()) {
            throw JunctionErrorCode.COMMIT_ROLLED_BACK.exception(
                    named, session.node().address(), reason, outcome.primary().address());
        }
        resolvedCommitted = true;
    }

    /**
     * The on-committed step of a tracked commit said its outcome is unknown ({@code 08007}: its primary was lost or
     * replaced before replicas confirmed it, or it returned from a replaced primary): the primary now answers
     * instead. Returns when the transaction is there; else throws. Any other exception is rethrown as it is.
     */
    void resolveUnconfirmed(SQLException e) throws SQLException {
        String id = recordedId;
        NodeSession session = recordedOn;
        forgetRecorded();
        if (id == null || e.getErrorCode() != JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.vendorCode()) {
            throw e;
        }
        resolve(id, session, e, "its primary was lost or replaced before the commit was confirmed");
        resolvedCommitted = false; // answered here: nothing is left for the on-committed step
    }

    /** The on-committed step of the last recorded commit is over. */
    void forgetRecorded() {
        recordedId = null;
        recordedOn = null;
    }

    /** Whether the last commit was a lost one found committed; true once. */
    boolean takeResolvedCommitted() {
        boolean was = resolvedCommitted;
        resolvedCommitted = false;
        return was;
    }

    /** Whether {@code e} is an answer this class gave, which the failure step passes on as it is. */
    static boolean isAnswer(SQLException e) {
        int code = e.getErrorCode();
        return code == JunctionErrorCode.COMMIT_ROLLED_BACK.vendorCode()
                || code == JunctionErrorCode.CONNECTION_SWITCHED.vendorCode()
                || code == JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.vendorCode();
    }

    private SQLException lostOrNamed(SQLException e, NodeSession session) {
        boolean lost = failures.kindOf(e, session) == FailureKind.CONNECTION_LOST;
        SQLException named = failures.failed(e, session);
        return lost
                ? JunctionErrorCode.CONNECTION_SWITCHED.exception(
                        named, session.node().address())
                : named;
    }

    /** Rolls back what {@link #begin} opened and restores auto-commit; a connection that fails here is dropped. */
    private void abandon(NodeSession session) {
        try {
            Connection physical = session.physical();
            physical.rollback();
            physical.setAutoCommit(true);
        } catch (SQLException e) {
            failures.failed(e, session);
        }
    }
}
