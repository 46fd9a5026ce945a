package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.Classification;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.SessionEffect;
import dev.junction.router.StatementKind;
import java.util.Locale;
import java.util.Set;

/**
 * What a statement that ran changed, recorded after it succeeded: the session's replay log, the open transaction
 * (begun, ended, implicitly committed by MySQL), the pins, the routing knowledge DDL invalidates, the monotonic-read
 * floor, and written work for the commit seam ({@link CommitRecorder}), which raises one commit event on every path
 * that ends a write transaction. JDBC {@code commit()} and {@code rollback()} report here too.
 */
final class ExecutionTracker {
    private final StatementRouting routing;
    private final ClusterTopology topology;
    private final SessionSettings state;
    private final OpenTransaction transaction;
    private final SessionPins pins;
    private final CommitRecorder commits;
    private final SessionFreshness freshness;
    private final ReplicaRouter replicas;
    private final TableCatalog tableCatalog;

    ExecutionTracker(
            StatementRouting routing,
            ClusterTopology topology,
            SessionSettings state,
            OpenTransaction transaction,
            SessionPins pins,
            CommitRecorder commits,
            SessionFreshness freshness,
            ReplicaRouter replicas,
            TableCatalog tableCatalog) {
        this.routing = routing;
        this.topology = topology;
        this.state = state;
        this.transaction = transaction;
        this.pins = pins;
        this.commits = commits;
        this.freshness = freshness;
        this.replicas = replicas;
        this.tableCatalog = tableCatalog;
    }

    /**
     * Bookkeeping after {@code sql} ran successfully on {@code session}.
     *
     * @param replay for a session statement, how to run it again on another physical connection
     */
    void executed(StatementInfo info, NodeSession session, String sql, SessionChange.Action replay) {
        Classification statement = info.classification();
        if (statement.implicitCommit() || statement.kind() == StatementKind.DDL) {
            definitionsOrImplicitCommit(info, session); // rare: kept out of the per-statement path
        }
        trackFreshness(info, session);
        switch (info.kind()) {
            case AUTOCOMMIT:
                autoCommitSetInSql(info, session);
                break;
            case SESSION:
                session.applied(state.record(info.sessionKey(), sql, replay));
                break;
            case BEGIN:
                if (state.autoCommit()) {
                    transaction.begunInSql(session);
                }
                break;
            case END:
                endedInSql(statement.sessionEffect(), session);
                break;
            default:
                break;
        }
        if (!state.autoCommit() && !state.readOnly() && transaction.session() != null) {
            transaction.observe(sql, !RoutingPolicy.mayRunInReplicaTransaction(statement)); // learned routing's shapes
        }
        pins.executed(info, session.node(), transaction.active(state.autoCommit()));
        if (transaction.openedInSql()) {
            transaction.heldBy(session);
        }
    }

    /** JDBC {@code commit()} returned on {@code session}. */
    void committed(NodeSession session) {
        transaction.end();
        transactionEnded(session, true);
    }

    /** JDBC {@code commit()} failed: whether the work committed is unknown, so no commit is announced. */
    void commitFailed() {
        transaction.end();
        commits.transactionAbandoned();
    }

    /** JDBC {@code rollback()} ran, whether or not it succeeded: the transaction and its work are gone. */
    void rolledBack(boolean succeeded) {
        transaction.end();
        commits.transactionAbandoned();
        if (succeeded) {
            pins.transactionEnded(false);
        }
    }

    /** DDL may change the functions and views routing has judged; MySQL commits the open transaction before it. */
    private void definitionsOrImplicitCommit(StatementInfo info, NodeSession session) {
        if (info.classification().kind() == StatementKind.DDL) {
            routing.definitionsChanged(); // CREATE OR REPLACE FUNCTION / VIEW: what routing learnt may be wrong now
        }
        if (info.classification().implicitCommit() && transaction.open() && info.kind() != StatementInfo.Kind.END) {
            implicitlyCommitted(session);
        }
    }

    /** {@code SET autocommit = 0|1} ran on {@code session}: the logical connection's mode follows. */
    private void autoCommitSetInSql(StatementInfo info, NodeSession session) {
        boolean on = "1".equals(info.sessionKey());
        if (on && transaction.open()) {
            implicitlyCommitted(session); // MySQL commits the open transaction when auto-commit goes back on
            transaction.end();
        }
        state.autoCommit(on);
        session.appliedAutoCommit(on); // the server's mode changed under the backend driver's own record of it
    }

    /** A COMMIT, ROLLBACK, XA COMMIT... ran on {@code session}: the transaction ends, unless chained. */
    private void endedInSql(SessionEffect effect, NodeSession session) {
        transactionEnded(session, commits(effect));
        if (effect == null || !effect.chain()) {
            transaction.end();
        }
    }

    /** Whether a statement that ends a transaction commits it: COMMIT, END, XA COMMIT, COMMIT PREPARED. */
    static boolean commits(SessionEffect effect) {
        if (effect == null) {
            return true;
        }
        switch (effect.kind()) {
            case ROLLBACK:
            case XA_ROLLBACK:
                return false;
            case TWO_PHASE:
                String text = effect.value() == null ? "" : effect.value().toLowerCase(Locale.ROOT);
                return !text.startsWith("rollback");
            default:
                return true;
        }
    }

    /**
     * MySQL/MariaDB committed the open transaction before running a statement (DDL, {@code LOCK TABLES}, a
     * {@code BEGIN} inside a transaction, {@code SET autocommit = 1}...): the commit is recorded, and a transaction
     * opened in SQL is over, so the session routes statement by statement again. With auto-commit off through JDBC
     * the server starts the next transaction by itself, on the same node.
     */
    private void implicitlyCommitted(NodeSession session) {
        transactionEnded(session, true);
        if (transaction.openedInSql()) {
            transaction.end();
        }
    }

    /**
     * A read raises the session's monotonic-read floor; a write goes to the commit seam, committed at once in
     * auto-commit, at the end of its transaction otherwise.
     */
    private void trackFreshness(StatementInfo info, NodeSession session) {
        if (info.isRead()) {
            TopologyMonitor monitor = topology.monitor();
            if (monitor != null && replicas.needsFreshness(info.classification())) {
                freshness.readOn(session.node().id(), monitor.positions(), monitor.probesStarted());
            }
            return;
        }
        if (info.classification().kind() == StatementKind.DDL) {
            if (tableCatalog != null) {
                tableCatalog.forgetAll();
            }
            topology.forgetConflictTableShapes();
        }
        // The connection's role when it was opened, not the node's now: a primary suspected or lost since (its probe
        // failed, a failover began) has still committed what its connection acknowledged, and the sync wait and the
        // read-your-writes record must see that commit. A replica's connection refuses writes.
        if (info.kind() != StatementInfo.Kind.WRITE || session.guarded()) {
            return;
        }
        commits.wrote(info.classification(), session.node(), transaction.active(state.autoCommit()));
    }

    /** A transaction ended on {@code session}; if it committed written work, the commit seam is told. */
    private void transactionEnded(NodeSession session, boolean committed) {
        pins.transactionEnded(committed);
        commits.transactionEnded(session == null || session.isClosed() ? null : session.node(), committed);
    }

    /**
     * Read-your-writes' commit listener: records a commit that has just returned as the monitor's instant now, without
     * asking the primary anything: the first probe of the primary sent from now on locates it
     * ({@link SessionFreshness}). The commit does not ask for that probe; a read that needs the commit does. Asking at
     * every commit was tried: it did not raise the share of reads on replicas in the checker workload measurably
     * (reads come microseconds after writes there), and it adds a query on the primary per burst of commits, whose
     * cost on a loaded primary was not measured.
     */
    static CommitListener readYourWrites(ClusterTopology topology, SessionFreshness freshness) {
        return (Node node, Set<String> tables) -> {
            TopologyMonitor monitor = topology.monitor();
            if (monitor != null && tables != null) {
                freshness.committed(monitor.nanoTime(), tables);
            }
        };
    }
}
