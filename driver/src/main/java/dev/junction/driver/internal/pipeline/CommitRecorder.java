package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.sync.CommitSync;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.Classification;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sees every write a logical connection runs on the primary and raises one {@link CommitListener} event per commit of
 * written work: at once for an auto-commit write, at the end of the transaction for one that wrote inside it. The
 * tables written are tracked only when a listener needs them (read-your-writes under {@code session} and
 * {@code global}): under {@code eventual} and {@code strong} a write costs a flag, as it did before the seam existed.
 *
 * <p>The tables of a write come from {@link SessionFreshness#tablesWritten}, remembered for the last statement while
 * the table catalog's answers are the same and for at most a second of the monitor's clock (asking the catalog on
 * every write was ~2.5 µs per write end to end). Not thread-safe: one per logical connection.
 */
public final class CommitRecorder {
    private static final long WRITTEN_TABLES_REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClusterTopology topology;
    private final SessionFreshness freshness;
    private final TableCatalog tableCatalog;
    private final boolean tracksTables;
    private CommitListener[] listeners = new CommitListener[0];
    /** The write sync of the connection, told after the listeners; its wait comes once the call returns. */
    private final CommitSync sync;
    /** Whether the open transaction wrote, when tables are not tracked (else {@link SessionFreshness} knows). */
    private boolean transactionWrote;
    /** The last write's classification, catalog generation, monitor instant and tables. */
    private Classification writtenBy;

    private long writtenGeneration;
    private long writtenAt;
    private Set<String> written;

    /**
     * @param tracksTables whether the tables of each commit are tracked (read-your-writes and per-table sync modes
     *                     need them)
     */
    CommitRecorder(
            ClusterTopology topology,
            SessionFreshness freshness,
            TableCatalog tableCatalog,
            boolean tracksTables,
            CommitSync sync) {
        this.topology = topology;
        this.freshness = freshness;
        this.tableCatalog = tableCatalog;
        this.tracksTables = tracksTables;
        this.sync = sync;
    }

    /** Adds a listener; listeners are told in the order they were added. */
    public void listen(CommitListener listener) {
        CommitListener[] more = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = listener;
        listeners = more;
    }

    /** A write ran on {@code node}: committed now in auto-commit, else remembered for the end of the transaction. */
    void wrote(Classification statement, Node node, boolean inTransaction) {
        TopologyMonitor monitor = tracksTables ? topology.monitor() : null;
        if (inTransaction) {
            if (monitor != null) {
                freshness.wroteInTransaction(tablesWritten(statement, monitor));
            } else {
                transactionWrote = true;
            }
            return;
        }
        raise(node, monitor == null ? null : SessionFreshness.orAll(tablesWritten(statement, monitor)));
    }

    /** Whether the open transaction wrote. */
    boolean transactionWrote() {
        return transactionWrote || freshness.transactionWrote();
    }

    /** The tables the open transaction has written so far as its commit will report them; null when not tracked. */
    Set<String> tablesOfOpenTransaction() {
        return freshness.transactionWrote() ? freshness.transactionTablesSoFar() : null;
    }

    /** The transaction ended on {@code node}; if it committed written work, the commit is raised. */
    void transactionEnded(Node node, boolean committed) {
        Set<String> tables;
        if (freshness.transactionWrote()) {
            tables = freshness.endTransaction();
        } else if (transactionWrote) {
            tables = null;
        } else {
            if (!committed) {
                sync.abandoned();
            }
            return;
        }
        transactionWrote = false;
        if (committed && node != null) {
            raise(node, tables);
        } else {
            sync.abandoned();
        }
    }

    /** The transaction's writes are forgotten without a commit (a rollback, a failed commit). */
    void transactionAbandoned() {
        freshness.endTransaction();
        transactionWrote = false;
        sync.abandoned();
    }

    private void raise(Node node, Set<String> tables) {
        for (CommitListener listener : listeners) {
            listener.committed(node, tables);
        }
        sync.committed(node, tables);
    }

    private Set<String> tablesWritten(Classification statement, TopologyMonitor monitor) {
        long generation = tableCatalog == null ? 0 : tableCatalog.generation();
        long now = monitor.snapshot().takenAtNanos();
        if (statement != writtenBy
                || generation != writtenGeneration
                || now - writtenAt >= WRITTEN_TABLES_REUSE_NANOS) {
            written = SessionFreshness.tablesWritten(statement, freshness.standalone());
            writtenBy = statement;
            writtenGeneration = generation;
            writtenAt = now;
        }
        return written;
    }
}
