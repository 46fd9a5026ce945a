package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.router.RouteReason;
import dev.junction.router.TransactionRouting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Moves an optimistic transaction from its replica to the primary, at its first statement that needs the primary
 * (design §2 rule 2): the replica's transaction is rolled back (it wrote nothing), and every statement it ran is run
 * again on the primary, in order, inside the primary's new transaction (same isolation level: the session's settings
 * are applied to the primary's connection first). The transaction continues on the primary only if every replayed read
 * returns the rows the application read on the replica (same checksum over as many rows, {@link ResultChecksum}); a
 * result set the application is still reading goes on from the primary's replay, positioned where it was. Otherwise
 * the primary's transaction is rolled back too and the application gets a serialization failure ({@code 40001}),
 * which a retry loop handles like any other: on a retry the transaction runs again from its start.
 *
 * <p>Why compare rather than trust the replica's rows: the application may have computed what it writes from what it
 * read, and the replica's rows are up to {@code maxReplicaLag} old; the primary's transaction must not write on the
 * strength of rows it would not have read itself.
 *
 * <p>Each move is counted ({@link TransactionMoves}) and logged at debug on {@code dev.junction.routing} with what was
 * replayed and what it cost, never with SQL text or values.
 */
final class TransactionMove {
    private static final System.Logger LOG = System.getLogger("dev.junction.routing");

    private final OpenTransaction transaction;
    private final TransactionMoves moves;
    private final TransactionRouting routing;
    private final FailureSeam failures;

    TransactionMove(
            OpenTransaction transaction, TransactionMoves moves, TransactionRouting routing, FailureSeam failures) {
        this.transaction = transaction;
        this.moves = moves;
        this.routing = routing;
        this.failures = failures;
    }

    /**
     * Moves the transaction from {@code replica} to {@code primary}, whose connection is already synced to the
     * session and holds no transaction yet.
     *
     * @param why the policy's reason the statement that triggered the move needs the primary
     * @throws SQLException {@code 40001} when a replayed read differs or a replayed statement fails; the connection
     *     error itself when the primary is lost
     */
    void move(NodeSession replica, NodeSession primary, RouteReason why) throws SQLException {
        long start = System.nanoTime();
        OptimisticJournal journal = transaction.journal();
        rollBack(replica);
        transaction.movedTo(primary);
        if (!journal.replayable()) {
            throw conflict(
                    replica,
                    primary,
                    why,
                    "it ran something that cannot be run again (several results from "
                            + "one statement, or a scrollable result set)",
                    null);
        }
        List<OptimisticJournal.Entry> entries = journal.entries();
        for (int i = 0; i < entries.size(); i++) {
            String difference;
            try {
                difference = replay(entries.get(i), primary);
            } catch (SQLException e) {
                SQLException named = failures.failed(e, primary);
                if (FailureKind.CONNECTION_LOST == failures.kindOf(e, primary)) {
                    transaction.end();
                    throw named;
                }
                throw conflict(
                        replica,
                        primary,
                        why,
                        "statement " + (i + 1) + " of " + entries.size() + " failed when run again on the primary ("
                                + e.getSQLState() + ")",
                        e);
            }
            if (difference != null) {
                throw conflict(
                        replica,
                        primary,
                        why,
                        "read " + (i + 1) + " of " + entries.size() + " " + difference
                                + " when run again on the primary",
                        null);
            }
        }
        long nanos = System.nanoTime() - start;
        moves.moved(entries.size(), nanos);
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "transaction moved from replica " + replica.node() + " to the primary "
                        + primary.node() + " (" + describe(why) + "): " + entries.size() + " statement(s) replayed in "
                        + nanos / 1_000 + " µs");
    }

    /**
     * {@code transactionReplay=on}: runs {@code log}, what the transaction ran on the primary it lost, on
     * {@code primary}'s new connection (synced to the session, no transaction yet), comparing every read's rows and
     * every write's update count. On success the transaction goes on there; otherwise it is rolled back there and the
     * caller gets {@code 08S02} with the reason.
     */
    void replay(OptimisticJournal log, NodeSession lost, NodeSession primary, SQLException loss) throws SQLException {
        long start = System.nanoTime();
        if (!log.replayable()) {
            throw notReplayed(lost, primary, "it ran a batch, a call, an updatable result set or a savepoint", loss);
        }
        List<OptimisticJournal.Entry> entries = log.entries();
        for (int i = 0; i < entries.size(); i++) {
            String difference;
            try {
                difference = replay(entries.get(i), primary);
            } catch (SQLException e) {
                failures.failed(e, primary);
                throw notReplayed(
                        lost,
                        primary,
                        "statement " + (i + 1) + " of " + entries.size() + " failed there (" + e.getSQLState() + ")",
                        loss);
            }
            if (difference != null) {
                throw notReplayed(
                        lost, primary, "statement " + (i + 1) + " of " + entries.size() + " " + difference, loss);
            }
        }
        transaction.replayedOn(primary, log);
        long nanos = System.nanoTime() - start;
        moves.replayed(entries.size(), nanos);
        LOG.log(
                System.Logger.Level.INFO,
                () -> "transaction replayed after its primary " + lost.node().address() + " was lost: " + entries.size()
                        + " statement(s) run again on " + primary.node().address() + " in " + nanos / 1_000 + " µs");
    }

    private SQLException notReplayed(NodeSession lost, NodeSession primary, String why, SQLException loss) {
        try {
            primary.physical().rollback();
        } catch (SQLException e) {
            failures.failed(e, primary);
        }
        moves.replayRefused();
        return JunctionErrorCode.TRANSACTION_NOT_REPLAYED.exception(
                loss, lost.node().address(), primary.node().address(), why);
    }

    /**
     * Runs {@code entry} on the primary.
     *
     * @return null when it returned what it returned on the replica, else how it differed
     */
    private static String replay(OptimisticJournal.Entry entry, NodeSession session) throws SQLException {
        Connection primary = session.physical();
        Statement statement =
                entry.parameters() == null ? primary.createStatement() : primary.prepareStatement(entry.text());
        boolean handedOver = false;
        try {
            boolean rows;
            if (entry.parameters() == null) {
                rows = statement.execute(entry.text());
            } else {
                entry.parameters().bindTo((PreparedStatement) statement);
                rows = ((PreparedStatement) statement).execute();
            }
            ResultChecksum checksum = entry.checksum();
            if (checksum == null) {
                long count = rows ? -1 : statement.getLargeUpdateCount();
                return entry.updateCount() < 0 || count == entry.updateCount()
                        ? null
                        : "changed " + count + " rows instead of " + entry.updateCount();
            }
            if (!rows) {
                return "returned no rows";
            }
            ResultSet replayed = statement.getResultSet();
            ReplayableResult reader = checksum.openReader();
            if (!checksum.matches(replayed)) {
                return "returned other rows";
            }
            if (reader != null) {
                reader.continueOn(replayed, statement, session);
                handedOver = true;
            }
            return null;
        } finally {
            if (!handedOver) {
                statement.close();
            }
        }
    }

    /** Ends the replica's transaction; one that is lost holds nothing, and the failure seam hears of it. */
    private void rollBack(NodeSession replica) {
        try {
            replica.physical().rollback();
        } catch (SQLException e) {
            failures.failed(e, replica);
        }
    }

    private SQLException conflict(
            NodeSession replica, NodeSession primary, RouteReason why, String difference, SQLException cause) {
        try {
            primary.physical().rollback();
        } catch (SQLException e) {
            failures.failed(e, primary);
        }
        transaction.endInConflict();
        moves.conflict();
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "transaction rolled back moving from replica " + replica.node() + " to the primary ("
                        + describe(why) + "): " + difference);
        return JunctionErrorCode.OPTIMISTIC_TRANSACTION_CONFLICT.exception(
                cause, replica.node(), routing.propertyValue(), describe(why), difference);
    }

    private static String describe(RouteReason why) {
        return why == null
                ? "a statement that may write"
                : why.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
