package dev.junction.driver.internal.pipeline;

import dev.junction.driver.CommitOutcomeMode;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.MetricsMode;
import dev.junction.driver.TransactionReplayMode;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.metrics.RouteCounts;
import dev.junction.driver.internal.sync.CommitSync;
import dev.junction.driver.internal.sync.PrimarySessions;
import dev.junction.driver.internal.sync.SyncPolicy;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.router.Hints;
import dev.junction.router.ReadConsistency;
import dev.junction.router.RouteReason;
import dev.junction.router.RoutingOptions;
import dev.junction.router.TransactionRouting;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;

/**
 * The path every execution of a logical connection takes, one named step per class (README, "Life of a statement"):
 * classify ({@link StatementRouting}) → rewrite ({@link #rewrite}) → route ({@link RouteStep}, the router's policy and
 * {@link ReplicaRouter}) → acquire ({@link NodeSessions}, synced to the session) → run (the statement wrappers'
 * {@code Execution}) → on failure ({@link FailureSeam}) → on success ({@link ExecutionTracker}), whose commits reach
 * the commit seam ({@link CommitRecorder}). {@link dev.junction.driver.internal.jdbc.RoutingConnection} is the JDBC
 * façade in front of it and holds the session's state, which the steps share. Not thread-safe, like the connection.
 */
public final class StatementPipeline implements NodeAccess {
    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final StatementRouting routing;
    private final SessionSettings state;
    private final OpenTransaction transaction;
    /** This connection's route counters, added to the cluster's when it closes ({@link #closeMetrics()}). */
    private final RouteCounts routeCounts;

    private final SessionPins pins;
    private final NodeSessions sessions;
    /** The write sync mode's {@code synchronous_commit} of the sessions to the primary. */
    private final PrimarySessions primarySessions;

    private final RouteStep route;
    private final FailureSeam failures;
    private final ExecutionTracker tracker;
    private final CommitRecorder commits;
    private final CommitSync commitSync;
    private final CausalTokens tokens;
    private final TransactionMoves moves;
    private final TransactionMove move;
    /** The node of the last statement or {@code commit()} that committed, until {@link #acknowledgeCommit} checks it. */
    private Node committedOn;
    /** How long a statement that needs the primary waits for one during a failover. */
    private final java.time.Duration failoverTimeout;
    /** Commit outcome tracking ({@code commitOutcome=track}); null when off. */
    private final TrackedCommits tracked;
    /** Multi-master stamping of conflict tables' writes; null when there is none. */
    private final ConflictStamping stamping;
    /** {@code readRepair=on}: the repair before a read by key of a conflict table; null when off. */
    private final KeyReadRepair readRepair;
    /** {@code readRepair}: which conflict tables' reads by key are repaired. */
    private final dev.junction.driver.ReadRepair readRepairScope;
    /** See {@link #lastRewriteRows}. */
    private int lastRewriteRows = -1;
    /** Whether executions are counted in their node's load: only when a strategy of these options reads it. */
    private final boolean countsLoad;
    /** Executions counted so far, for {@link #timesThisExecution}; this connection's own, so never contended. */
    private int countedExecutions;

    public StatementPipeline(
            ConnectionSettings settings,
            ClusterTopology topology,
            NodeConnector connector,
            StatementRouting routing,
            SessionSettings state) {
        this.topology = topology;
        this.connector = connector;
        this.routing = routing;
        this.state = state;
        this.failoverTimeout = settings.properties().get(JunctionProperty.FAILOVER_TIMEOUT);
        TransactionRouting transactionRouting = settings.properties().get(JunctionProperty.TRANSACTION_ROUTING);
        this.transaction = new OpenTransaction(
                transactionRouting == TransactionRouting.LEARNED ? topology.transactionShapes() : null,
                settings.properties().get(JunctionProperty.TRANSACTION_REPLAY) == TransactionReplayMode.ON);
        ClusterMetrics metrics = metrics(settings, topology);
        this.routeCounts = metrics.routeCounts();
        this.pins = new SessionPins(settings.backend() == Backend.POSTGRESQL, metrics);
        RoutingOptions options = RouteStep.routingOptions(settings.properties());
        this.countsLoad = options.readsLoad();
        TableCatalog tables = topology.tableCatalog(settings.backend(), connector);
        SessionFreshness freshness =
                new SessionFreshness(topology.globalCommits(), tables == null ? table -> false : tables::isStandalone);
        // eventual reads ignore commits and strong reads always run on the primary: nothing they read depends on them
        boolean recordsCommits = options.readConsistency() != ReadConsistency.EVENTUAL
                && options.readConsistency() != ReadConsistency.STRONG;
        SyncPolicy syncPolicy = SyncPolicy.of(settings.properties(), settings.nodes());
        boolean postgres = settings.backend() == Backend.POSTGRESQL;
        this.commitSync = commitSync(syncPolicy, postgres, topology, connector, metrics, state);
        this.commits =
                new CommitRecorder(topology, freshness, tables, recordsCommits || commitSync.needsTables(), commitSync);
        if (recordsCommits) {
            commits.listen(ExecutionTracker.readYourWrites(topology, freshness));
        }
        this.primarySessions = new PrimarySessions(syncPolicy, postgres, () -> topology.acknowledgements(connector));
        this.sessions = nodeSessions(settings, primarySessions);
        this.tokens = new CausalTokens(topology, connector, freshness, recordsCommits, this);
        ReplicaRouter replicas = replicaRouter(settings, options, freshness, tables, metrics);
        PolicySession policySession =
                new PolicySession(state, transaction, pins, topology.dialect().pinsOnSerializable());
        this.route = routeStep(settings, options, replicas, policySession, transactionRouting);
        this.failures = new FailureSeam(
                topology,
                sessions,
                transaction,
                pins,
                replicas,
                settings.failureClassifier(topology.dialect()),
                metrics);
        this.tracked = trackedCommits(settings, connector);
        this.stamping = ConflictStamping.of(settings, topology.conflictTableShapes(settings.backend(), connector));
        this.readRepairScope = settings.properties().get(JunctionProperty.READ_REPAIR);
        this.readRepair = stamping != null && !readRepairScope.isOff()
                ? new KeyReadRepair(topology, topology.conflictTableShapes(settings.backend(), connector), postgres)
                : null;
        this.moves = topology.transactionMoves();
        this.move = new TransactionMove(transaction, moves, transactionRouting, failures);
        this.tracker =
                new ExecutionTracker(routing, topology, state, transaction, pins, commits, freshness, replicas, tables);
    }

    private static ClusterMetrics metrics(ConnectionSettings settings, ClusterTopology topology) {
        return settings.properties().get(JunctionProperty.METRICS) == MetricsMode.ON
                ? topology.metrics().activate(settings.user())
                : ClusterMetrics.OFF;
    }

    private NodeSessions nodeSessions(ConnectionSettings settings, PrimarySessions primarySessions) {
        return new NodeSessions(
                connector,
                topology.dialect(),
                settings.properties().get(JunctionProperty.REPLICA_READ_TIMEOUT),
                primarySessions,
                topology.liveConnections());
    }

    private ReplicaRouter replicaRouter(
            ConnectionSettings settings,
            RoutingOptions options,
            SessionFreshness freshness,
            TableCatalog tables,
            ClusterMetrics metrics) {
        return new ReplicaRouter(
                settings.clusterKey(),
                topology,
                options,
                freshness,
                tables,
                routing.views(),
                settings.properties().get(JunctionProperty.REPLICA_WAIT_TIMEOUT),
                this,
                metrics);
    }

    /** {@code commitOutcome=track}'s commit step, once the failure seam exists; null when off. */
    private TrackedCommits trackedCommits(ConnectionSettings settings, NodeConnector connector) {
        return settings.properties().get(JunctionProperty.COMMIT_OUTCOME) == CommitOutcomeMode.TRACK
                ? new TrackedCommits(topology.commitOutcomes(connector, failoverTimeout), failures, failoverTimeout)
                : null;
    }

    private static CommitSync commitSync(
            SyncPolicy syncPolicy,
            boolean postgres,
            ClusterTopology topology,
            NodeConnector connector,
            ClusterMetrics metrics,
            SessionSettings state) {
        return new CommitSync(
                syncPolicy,
                () -> topology.acknowledgements(connector),
                metrics,
                syncPolicy.watchesPrimarySessions(postgres),
                () -> state.mayHaveChanged("synchronous_commit"),
                !postgres);
    }

    /** The route step, once the state it reads (transaction, pins, sessions) exists. */
    private RouteStep routeStep(
            ConnectionSettings settings,
            RoutingOptions options,
            ReplicaRouter replicas,
            PolicySession policySession,
            TransactionRouting transactionRouting) {
        return new RouteStep(
                topology,
                options,
                replicas,
                policySession,
                state,
                transaction,
                pins,
                sessions,
                this,
                transactionRouting,
                topology.transactionShapes(),
                settings.properties().get(JunctionProperty.LEARNED_WRITE_SHARE),
                routeCounts);
    }

    /**
     * The classify step: what the statement is and does, cached per SQL text.
     *
     * @throws SQLException 22023 for a {@code /* junction:syncMode=... *}{@code /} hint whose value is not a sync
     *                      mode: refused before anything runs, since dropping it would weaken the commit's durability
     */
    /** Whether the run step counts each execution in its node's load ({@code least-busy}, {@code primaryReads}). */
    public boolean countsLoad() {
        return countsLoad;
    }

    /**
     * Whether this execution's service time is measured: one in {@value #TIMED_ONE_IN}. The service time only orders
     * nodes that hold as many statements, and two clock reads on every statement cost more than the in-flight counts
     * they refine (about 70 ns per statement in the JMH wrapper benchmark).
     */
    public boolean timesThisExecution() {
        return (++countedExecutions & (TIMED_ONE_IN - 1)) == 0;
    }

    private static final int TIMED_ONE_IN = 16;

    public StatementInfo classify(String sql) throws SQLException {
        StatementInfo info = routing.classify(sql);
        Hints hints = info.classification().hints();
        if (hints != Hints.NONE && hints.syncMode() != null) {
            CommitSync.hintedMode(hints.syncMode());
        }
        return info;
    }

    /**
     * The rewrite step: the text that runs for {@code sql} on {@code node}. Multi-master stamping
     * ({@link ConflictStamping}) rewrites the statements that name {@code conflictTables} here (writes stamped, deletes
     * as tombstones, reads of live rows only); anything else runs as written.
     *
     * @throws SQLException {@code 0A000} for a statement of a conflict table that cannot be stamped, before it runs
     */
    public String rewrite(StatementInfo info, String sql, Node node) throws SQLException {
        lastRewriteRows = -1;
        if (stamping == null || sql == null) {
            return sql;
        }
        dev.junction.conflict.Stamping.Stamped stamped = stamping.plan(sql);
        if (stamped == null) {
            return sql;
        }
        lastRewriteRows = stamped.reportedRows();
        return ConflictStamping.inline(stamped, node);
    }

    /**
     * The update count the last text {@link #rewrite} gave stands for at most, or -1 for the server's
     * ({@link dev.junction.conflict.Stamping.Stamped#reportedRows}).
     */
    public int lastRewriteRows() {
        return lastRewriteRows;
    }

    /**
     * The rewrite step for a prepared statement, once, when the application prepares it: its stamping, or null when
     * it names no conflict table (see {@link #rewrite}).
     */
    public dev.junction.conflict.Stamping.Stamped stampingOf(StatementInfo info, String sql) throws SQLException {
        if (stamping == null) {
            return null;
        }
        return stamping.plan(sql);
    }

    /** The row {@code sql} reads by key from a conflict table, when read repair is on; else null. */
    public dev.junction.conflict.KeyRead keyReadOf(StatementInfo info, String sql) {
        if (readRepair == null || sql == null || info.kind() != StatementInfo.Kind.READ) {
            return null;
        }
        dev.junction.conflict.KeyRead read = stamping.keyRead(sql);
        return read != null && readRepairScope.covers(read.table()) ? read : null;
    }

    /**
     * Read repair ({@link KeyReadRepair}): before an auto-commit read of one row by key runs, every master up is given
     * the row's latest version. Inside a transaction the read runs as it is: a repair on the transaction's own master
     * could wait on the transaction's own row lock.
     */
    public void repairBeforeRead(dev.junction.conflict.KeyRead read, KeyReadRepair.KeyValues values)
            throws SQLException {
        if (read == null || readRepair == null || !state.autoCommit()) {
            return;
        }
        readRepair.repair(read, values, master -> {
            NodeSession session = sessions.open(master, null);
            sync(session);
            return session.physical();
        });
    }

    /**
     * The route and acquire steps: the physical connection that runs {@code info} now, synced to the session state.
     * A replica that cannot be connected to for an auto-commit read is reported down and the read routed once more.
     *
     * @param mayWrite batches, calls and updatable result sets: they may write whatever their text says
     */
    public NodeSession acquire(StatementInfo info, boolean mayWrite) throws SQLException {
        return acquire(info, null, mayWrite);
    }

    /**
     * The same for a statement whose text is known, which {@code transactionRouting=learned} reads the shape of when
     * it begins a transaction.
     */
    public NodeSession acquire(StatementInfo info, String text, boolean mayWrite) throws SQLException {
        topology.ensureProbed(connector);
        Node target = route.choose(info, text, mayWrite);
        NodeSession held = transaction.session();
        if (held != null && target != held.node()) {
            return moveTo(
                    target,
                    held,
                    route.moveReason()); // an optimistic transaction at its first statement that needs the primary
        }
        NodeSession session;
        try {
            session = open(target);
        } catch (SQLException e) {
            if (failures.replicaUnreachable(e, target, info, state.autoCommit())) {
                session = open(route.choose(info, text, mayWrite));
            } else if (held == null && failures.primaryUnreachable(e, target)) {
                session = openOnceAPrimaryAnswers(target, e, info, text, mayWrite);
            } else {
                throw e;
            }
        }
        sync(session);
        if (!state.autoCommit() && held == null) {
            transaction.heldBy(session);
            if (!state.readOnly() && session.guarded()) {
                transaction
                        .startOptimistic(); // not declared read-only, yet on a replica: the policy let it start there
                moves.started();
            }
        }
        sessions.use(session);
        if (commitSync.watchesServerWaits()) {
            watchServerWait(info, session);
        }
        return session;
    }

    /**
     * The primary could not be connected to (killed, restarting, being replaced): nothing ran, so the statement is
     * held, not failed, until a primary answers the monitor's probes, the same node again or a promoted one, and
     * routed again then; at most {@code failoverTimeout} in all (design §7).
     */
    private NodeSession openOnceAPrimaryAnswers(
            Node lost, SQLException failure, StatementInfo info, String text, boolean mayWrite) throws SQLException {
        long deadline = System.nanoTime() + failoverTimeout.toNanos();
        Node unreachable = lost;
        SQLException last = failure;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                SQLException timedOut = topology.failoverTimedOut(failoverTimeout);
                timedOut.initCause(last);
                throw timedOut;
            }
            topology.primaryOtherThan(unreachable, java.time.Duration.ofNanos(left));
            Node target = route.choose(info, text, mayWrite);
            try {
                return open(target);
            } catch (SQLException e) {
                if (!failures.primaryUnreachable(e, target)) {
                    throw e;
                }
                unreachable = target;
                last = e;
            }
        }
    }

    /** A statement that commits on a watched PostgreSQL session: the server's own sync wait gets its bound. */
    private void watchServerWait(StatementInfo info, NodeSession session) {
        boolean commits = (state.autoCommit() && info.kind() == StatementInfo.Kind.WRITE)
                || info.kind() == StatementInfo.Kind.END;
        if (commits && session.backendPid() > 0) {
            commitSync.watch(session.backendPid(), session.node());
        }
    }

    /**
     * {@code transactionReplay=on}: the primary that held the transaction was lost before any commit was attempted.
     * Once a primary answers (the same node back, or the one promoted), the transaction is replayed there and goes
     * on, the failed statement run again by the caller; or, when it cannot be, {@code 08S02} as without replay.
     */
    private NodeSession replayOnPrimary(SQLException e, NodeSession lost) throws SQLException {
        OptimisticJournal log = transaction.replayLog();
        SQLException named = failed(e, lost); // drops the session and ends the transaction: the log is in hand
        Node primary;
        try {
            primary = topology.primaryOtherThan(lost.node(), failoverTimeout);
        } catch (SQLException none) {
            none.addSuppressed(named);
            throw dev.junction.driver.JunctionErrorCode.TRANSACTION_NOT_REPLAYED.exception(
                    none, lost.node().address(), "no primary", "no primary answered within failoverTimeout");
        }
        NodeSession session = sessions.open(primary, null);
        sync(session);
        move.replay(log, lost, session, named);
        sessions.use(session);
        return session;
    }

    /** Moves the optimistic transaction held by {@code replica} to {@code primary} ({@link TransactionMove}). */
    private NodeSession moveTo(Node primary, NodeSession replica, RouteReason why) throws SQLException {
        NodeSession session = sessions.open(primary, null);
        sync(session);
        move.move(replica, session, why);
        sessions.use(session);
        return session;
    }

    /**
     * The journal an execution on {@code session} is recorded in: the optimistic transaction's, when it holds that
     * session; else null, which is every statement outside such a transaction.
     */
    public OptimisticJournal journalFor(NodeSession session) {
        if (session != transaction.session()) {
            return null;
        }
        OptimisticJournal journal = transaction.journal();
        return journal != null ? journal : transaction.replayLog();
    }

    /**
     * Where to run an execution again after it failed on {@code session} ({@link FailureSeam#afterFailure}), or null
     * when the failure must surface.
     */
    public NodeSession retry(SQLException e, NodeSession session, StatementInfo info, boolean mayWrite)
            throws SQLException {
        if (sessions.closed() || TrackedCommits.isAnswer(e)) {
            return null;
        }
        if (transaction.replayLog() != null
                && session == transaction.session()
                && failures.kindOf(e, session) == FailureKind.CONNECTION_LOST) {
            return replayOnPrimary(e, session);
        }
        switch (failures.afterFailure(e, session, info, state.autoCommit())) {
            case RERUN_ON_PRIMARY:
                return acquire(info, true);
            case ROUTE_AGAIN:
                return acquire(info, mayWrite);
            default:
                return null;
        }
    }

    /** The on-success step. */
    public void executed(StatementInfo info, NodeSession session, String sql, SessionChange.Action replay) {
        chooseHintedSyncMode(info); // before the tracker raises the commit the statement makes or ends
        tracker.executed(info, session, sql, replay);
        if ((info.kind() == StatementInfo.Kind.END || info.kind() == StatementInfo.Kind.WRITE && state.autoCommit())
                && !session.guarded()) {
            committedOn = session.node(); // a replica's (guarded) connection commits nothing that could be lost
        }
    }

    /** A write's or a {@code COMMIT}'s {@code syncMode} hint is the choice for the commit that includes it. */
    public void chooseHintedSyncMode(StatementInfo info) {
        Hints hints = info.classification().hints();
        if (hints != Hints.NONE
                && hints.syncMode() != null
                && (info.kind() == StatementInfo.Kind.WRITE || info.kind() == StatementInfo.Kind.END)) {
            commitSync.chooseForNextCommit(CommitSync.hintedModeOrAsync(hints.syncMode()));
        }
    }

    /**
     * The on-committed step, once the call that committed has returned from the primary: a commit whose sync mode
     * asks for replicas waits for them here ({@link CommitSync}). A field test for every other call.
     *
     * @throws SQLException the commit IS made but too few replicas confirmed it ({@code syncTimeoutAction=fail})
     */
    public void acknowledgeCommit() throws SQLException {
        if (tracked != null) {
            acknowledgeTrackedCommit();
            return;
        }
        if (committedOn != null) {
            checkCommittedOnThePrimary();
        }
        if (commitSync.pending()) {
            acknowledgePending();
        }
    }

    /**
     * The pending commit's wait, on the connection it ran on; that connection may be asked the commit's position only
     * once no transaction is open on it (a {@code COMMIT AND CHAIN} leaves one open).
     */
    private void acknowledgePending() throws SQLException {
        NodeSession ran = transaction.session() != null ? transaction.session() : sessions.current();
        boolean usable = ran != null && !ran.isClosed();
        boolean between = usable && !transaction.open();
        try {
            commitSync.acknowledge(usable ? ran.physical() : null, between, usable && ran.syncSessionSet());
        } finally {
            if (between && !ran.guarded()) {
                alignSyncSession(ran);
            }
        }
    }

    /**
     * After a commit's wait, between transactions: the session's {@code synchronous_commit} brought in line with the
     * server's synchronous replication as last read ({@link PrimarySessions}), unless the application set it itself.
     * A failure is not the application's to see here (its commit is made and was answered for); the connection, if
     * broken, fails its next statement.
     */
    private void alignSyncSession(NodeSession session) {
        if (!primarySessions.followServer() || state.mayHaveChanged("synchronous_commit")) {
            return;
        }
        try {
            session.alignSyncSession(primarySessions.forOpenSession(session.node()));
        } catch (SQLException e) {
            // counted as not set (NodeSession#alignSyncSession): its commits are confirmed by the standbys
        }
    }

    /**
     * {@link #acknowledgeCommit} under {@code commitOutcome=track}: a commit whose outcome would be unknown
     * ({@code 08007}) is answered from the primary instead.
     */
    private void acknowledgeTrackedCommit() throws SQLException {
        if (tracked.takeResolvedCommitted()) {
            // A commit whose connection was lost, found on the primary that is now: its node is gone or replaced, so
            // nothing is checked against it or waited for there.
            tracked.forgetRecorded();
            committedOn = null;
            commitSync.forget();
            return;
        }
        try {
            if (committedOn != null) {
                checkCommittedOnThePrimary();
            }
            if (commitSync.pending()) {
                acknowledgePending();
            }
        } catch (SQLException e) {
            commitSync.forget();
            tracked.resolveUnconfirmed(e);
        }
        tracked.forgetRecorded();
    }

    /**
     * The on-failure step for an execution that is not run again: what the application is told when the node it ran
     * on was lost (design §7), else the node-named backend exception ({@link #failed}). A transaction that was open on
     * the lost node is gone: {@code 08S02}, retry it. A statement that may have committed by itself (auto-commit
     * write, a {@code COMMIT} in SQL): {@code 08007}, outcome unknown, never retried. The logical connection stays
     * usable either way: its next statement opens a new physical connection where routing then says.
     *
     * @param mayWrite a batch, call or updatable result set, which may write whatever its text says
     */
    public SQLException failedExecution(SQLException e, NodeSession session, StatementInfo info, boolean mayWrite) {
        if (session == null || TrackedCommits.isAnswer(e)) {
            return e; // no session to blame, or commit outcome tracking's answer, given after its failure step
        }
        boolean heldTransaction = session == transaction.session();
        SQLException named = failed(e, session);
        if (failures.kindOf(e, session) != FailureKind.CONNECTION_LOST) {
            return named;
        }
        String node = session.node().address().toString();
        if (info.kind() == StatementInfo.Kind.END) {
            return ExecutionTracker.commits(info.classification().sessionEffect())
                    ? dev.junction.driver.JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(named, node, "COMMIT")
                    : named; // a ROLLBACK whose connection died: the server rolled the transaction back anyway
        }
        if (heldTransaction) {
            return dev.junction.driver.JunctionErrorCode.CONNECTION_SWITCHED.exception(named, node);
        }
        if (tracked != null && tracksAutoCommitWrite(info, session, mayWrite)) {
            // commitOutcome=track answers every loss from its own transaction onwards: one that reaches here came
            // before it began (the statement could not even be prepared), so nothing ran.
            return dev.junction.driver.JunctionErrorCode.CONNECTION_SWITCHED.exception(named, node);
        }
        if (state.autoCommit() && (mayWrite || info.kind() == StatementInfo.Kind.WRITE)) {
            return dev.junction.driver.JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(
                    named, node, "the auto-commit statement");
        }
        return named;
    }

    /**
     * A commit that returned from a node another one has replaced as the primary (a hung primary that answered once
     * it thawed, after a standby was promoted) is on a node the cluster no longer follows: it will be lost when that
     * node is rebuilt. It is never reported as a success: {@code 08007}, whatever its sync mode. Not under
     * {@code topology=multi-master}, where a commit on any master stands.
     */
    private void checkCommittedOnThePrimary() throws SQLException {
        Node on = committedOn;
        committedOn = null;
        Node primary = topology.knownPrimary();
        // Multi-master: statements going home again after the home master came back leave the other master a master,
        // whose commits replicate; it is not replaced, and nothing rebuilds it.
        if (primary != null && primary != on && !topology.isMultiMaster()) {
            commitSync.forget();
            throw dev.junction.driver.JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(
                    on.address(), "a commit on it that returned after " + primary.address() + " became the primary");
        }
    }

    /** The on-failure step: names the node, reacts to what the error says; returns the exception to throw. */
    @Override
    public SQLException failed(SQLException e, NodeSession session) {
        return failures.failed(e, session);
    }

    @Override
    public Node primary() throws SQLException {
        return topology.primary(failoverTimeout);
    }

    @Override
    public Node primaryForReads() throws SQLException {
        return topology.primaryForReads(failoverTimeout);
    }

    @Override
    public NodeSession open(Node node) throws SQLException {
        return sessions.open(node, transaction.session());
    }

    /** A call on a physical connection. */
    @FunctionalInterface
    public interface PhysicalCall<T> {
        T on(java.sql.Connection physical) throws SQLException;
    }

    /** A call on a physical connection that returns nothing. */
    @FunctionalInterface
    public interface PhysicalAction {
        void on(java.sql.Connection physical) throws SQLException;
    }

    /** Runs a connection-level call on {@code session}'s physical connection, through the failure seam. */
    public <T> T call(NodeSession session, PhysicalCall<T> call) throws SQLException {
        try {
            return call.on(session.physical());
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /** Runs a connection-level action on {@code session}'s physical connection, through the failure seam. */
    public void run(NodeSession session, PhysicalAction action) throws SQLException {
        try {
            action.on(session.physical());
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /**
     * Logs a session change for replay and applies it at once to the physical connections already open, so that an
     * invalid value fails here, where the application made it, as it would on a plain connection.
     */
    public void recordAndApply(String key, String description, SessionChange.Action action) throws SQLException {
        long sequence = state.record(key, description, action);
        for (NodeSession session : sessions.open()) {
            sync(session);
            session.applied(sequence);
        }
    }

    @Override
    public NodeSession openSynced(Node node) throws SQLException {
        NodeSession session = open(node);
        sync(session);
        return session;
    }

    /** Brings {@code session} to the session's state before it runs anything. */
    void sync(NodeSession session) throws SQLException {
        try {
            session.sync(state, session == transaction.session());
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /**
     * PostgreSQL, a transaction that wrote on a session whose {@code synchronous_commit} Junction did not set (a
     * per-transaction mode, a hint, a {@code syncTables} table on a data source whose {@code syncMode} is async): the
     * {@code SET LOCAL} its {@code COMMIT} carries where the server's own synchronous replication covers what it needs
     * ({@link CommitSync#levelForCommit}), else null. The server's wait is then the confirmation, bounded by the
     * watchdog like a data-source mode's, instead of Junction's questions after the commit.
     */
    private String levelForCommit(NodeSession session) {
        if (!ownCommitLevelMayApply(session)) {
            return null;
        }
        String level = commitSync.levelForCommit(commits.tablesOfOpenTransaction(), session.node());
        try {
            // What the watchdog cancels at syncTimeout: the server's wait has no end of its own.
            return level != null && session.askBackendPid() > 0 ? level : null;
        } catch (SQLException e) {
            return null; // the connection failed: the commit that follows reports it as any commit would
        }
    }

    /**
     * The same transaction where no server wait covers it ({@link #levelForCommit} null), on a session at
     * {@code synchronous_commit = off}: the {@code SET LOCAL} that makes its commit synchronous
     * ({@link CommitSync#raiseForCommit}), so that Junction's wait after it is not for the WAL writer; else null.
     */
    private String raiseForCommit(NodeSession session) {
        if (!ownCommitLevelMayApply(session)) {
            return null;
        }
        String raise = commitSync.raiseForCommit(commits.tablesOfOpenTransaction());
        try {
            return raise != null && session.commitsAsynchronously() ? raise : null;
        } catch (SQLException e) {
            return null; // the connection failed: the commit that follows reports it as any commit would
        }
    }

    /**
     * Whether a transaction's commit on {@code session} may carry a {@code synchronous_commit} of Junction's choosing:
     * PostgreSQL, on the primary, a transaction that wrote and may wait, on a session whose level neither Junction
     * ({@link NodeSession#syncSessionSet}) nor the application set.
     */
    private boolean ownCommitLevelMayApply(NodeSession session) {
        return commitSync.mayWaitOnCommit()
                && !session.guarded()
                && !session.syncSessionSet()
                && topology.dialect() == dev.junction.driver.internal.backend.BackendDialect.POSTGRESQL
                && commits.transactionWrote()
                && !state.mayHaveChanged("synchronous_commit");
    }

    /** JDBC {@code commit()}: commits the open transaction, and the commit seam hears of it. */
    public void commit() throws SQLException {
        NodeSession session = transaction.session();
        if (session == null) {
            return;
        }
        String id = tracked != null && !session.guarded() && commits.transactionWrote() ? recordId(session) : null;
        String level = levelForCommit(session); // non-null only once the backend's pid is known
        String raise = level == null ? raiseForCommit(session) : null;
        if (level != null || commitSync.watchesServerWaits() && session.backendPid() > 0) {
            commitSync.watch(session.backendPid(), session.node());
        }
        try {
            if (level != null) {
                commitSync.committingAtLevel();
                session.commitAtLevel(level);
            } else if (raise != null) {
                commitSync.committingRaised();
                session.commitAtLevel(raise);
            } else {
                session.physical().commit();
            }
        } catch (SQLException e) {
            // A commit whose connection was lost may or may not have been made: 08007 says exactly that, so that no
            // retry loop applies it twice, unless commit outcome tracking finds out. Any other failure is the
            // server's answer.
            boolean lost = failures.kindOf(e, session) == FailureKind.CONNECTION_LOST;
            SQLException named = failed(e, session);
            if (!lost || id == null) {
                tracker.commitFailed();
                acknowledgeCommit(); // closes the watch; nothing was committed that could be confirmed
                throw lost
                        ? dev.junction.driver.JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(
                                named, session.node().address(), "COMMIT")
                        : named;
            }
            commitSync.forget(); // closes the watch
            try {
                tracked.resolve(id, session, named, "the connection was lost during COMMIT");
            } catch (SQLException answer) {
                tracker.commitFailed();
                throw answer;
            }
        }
        tracker.committed(session);
        if (!session.guarded()) {
            committedOn = session.node();
        }
        acknowledgeCommit();
    }

    /**
     * Records the transaction's id for {@code commitOutcome=track}; when that fails the transaction cannot commit: it
     * is rolled back (or gone with its connection) and the commit fails with the reason.
     */
    private String recordId(NodeSession session) throws SQLException {
        try {
            return tracked.record(session);
        } catch (SQLException e) {
            tracker.commitFailed();
            if (!session.isClosed()) {
                try {
                    session.physical().rollback();
                } catch (SQLException ignored) {
                    // the failure reported is the one that ended the commit
                }
            }
            throw e;
        }
    }

    /**
     * Whether an execution of {@code info} on {@code session} runs as a transaction of its own whose commit is tracked
     * ({@code commitOutcome=track}): an auto-commit statement that may write, on the primary, outside any transaction.
     */
    public boolean tracksAutoCommitWrite(StatementInfo info, NodeSession session, boolean mayWrite) {
        return tracked != null
                && state.autoCommit()
                && transaction.session() == null
                && !session.guarded()
                && (mayWrite || info.kind() == StatementInfo.Kind.WRITE);
    }

    /** Opens the transaction a tracked auto-commit write runs in. */
    public void beginTrackedWrite(NodeSession session) throws SQLException {
        tracked.begin(session);
    }

    /** Commits a tracked auto-commit write; returns when it is committed, its connection lost or not. */
    public void commitTrackedWrite(NodeSession session) throws SQLException {
        tracked.commitAutoCommitWrite(session);
    }

    /** A tracked auto-commit write failed before its commit: nothing of it is committed. */
    public SQLException failedTrackedWrite(SQLException e, NodeSession session) {
        return tracked.failedAutoCommitWrite(e, session);
    }

    /** JDBC {@code rollback()}: the transaction is over whether or not the rollback succeeded. */
    public void rollback() throws SQLException {
        NodeSession session = transaction.session();
        if (session == null) {
            return;
        }
        try {
            session.physical().rollback();
        } catch (SQLException e) {
            tracker.rolledBack(false);
            throw failed(e, session);
        }
        tracker.rolledBack(true);
    }

    /** Pins the session to {@code session}'s node, for state Junction cannot replay elsewhere. */
    public void pin(NodeSession session, String reason) {
        if (session != null) {
            pins.hold(session.node(), reason);
        }
    }

    /** The session for connection-level operations that need some node: the transaction's, else the pin's or primary. */
    public NodeSession anchor() throws SQLException {
        if (transaction.session() != null) {
            return transaction.session();
        }
        topology.ensureProbed(connector);
        NodeSession session = open(pins.pinnedNode() != null ? pins.pinnedNode() : primary());
        sync(session);
        return session;
    }

    /**
     * True when the logical connection can serve its next statement: a physical connection that is no longer valid
     * (its node died, a failover) is dropped, since the next statement opens another where routing then says, and
     * only one holding an open transaction makes the answer false; with none left, true when some node answers. A
     * pool calls this often, so it opens no connection when one is open, and a pool does not evict and rebuild its
     * connections after a failover.
     */
    public boolean valid(int timeout) throws SQLException {
        topology.snapshot(); // the node roles as last published, so that connections to dead nodes are let go
        sessions.closeToDownNodes(transaction.session());
        boolean any = false;
        for (NodeSession session : sessions.open()) {
            if (!session.physical().isValid(timeout)) {
                boolean heldTransaction = session == transaction.session();
                failed(new SQLException("not valid", "08006"), session);
                if (heldTransaction) {
                    return false;
                }
                continue;
            }
            any = true;
        }
        if (!any) {
            try {
                topology.ensureProbed(connector);
            } catch (SQLException e) {
                return false;
            }
        }
        return true;
    }

    /** A savepoint opens the transaction if none is open, as its first statement would. */
    public NodeSession savepointSession() throws SQLException {
        OptimisticJournal log = transaction.replayLog();
        if (log != null) {
            log.unreplayable(); // a savepoint is the backend driver's object: a replay could not roll back to it
        }
        // A JDBC savepoint is the backend driver's object: it cannot be replayed, so an optimistic transaction moves.
        return acquire(classify("SAVEPOINT junction"), transaction.optimistic());
    }

    /**
     * The anchor's backend connection as {@code iface}: what the application then does on it bypasses Junction's
     * tracking, so the session is pinned to that node from then on.
     */
    public <T> T unwrap(Class<T> iface, Object wrapper) throws SQLException {
        if (transaction.optimistic()) {
            // What the application does on the backend connection is out of sight: nothing a move could replay.
            moveTo(primary(), transaction.session(), null);
        }
        NodeSession session = anchor();
        java.sql.Connection physical = session.physical();
        if (iface.isInstance(physical) || physical.isWrapperFor(iface)) {
            pins.unwrapped(session.node(), iface.getSimpleName());
            return iface.isInstance(physical) ? iface.cast(physical) : physical.unwrap(iface);
        }
        throw dev.junction.driver.JunctionErrorCode.NOT_A_WRAPPER.exception(wrapper, iface.getName());
    }

    /** The most recently used session, else the anchor. */
    public NodeSession currentOrAnchor() throws SQLException {
        NodeSession current = sessions.current();
        return current != null ? current : anchor();
    }

    public NodeSessions sessions() {
        return sessions;
    }

    /** What pins the session now ({@code JunctionConnection.pins()}), SERIALIZABLE set through JDBC included. */
    public java.util.Set<String> pinReasons() {
        return pins.reasons(state.isSerializable() && topology.dialect().pinsOnSerializable());
    }

    /** The cluster this connection routes over. */
    /** The connection closed: its route counts join the cluster's totals. */
    public void closeMetrics() {
        routeCounts.close();
    }

    public ClusterTopology topology() {
        return topology;
    }

    /** The open transaction, which the façade ends on close and reads for JDBC calls that need its node. */
    public OpenTransaction transaction() {
        return transaction;
    }

    public SessionPins pins() {
        return pins;
    }

    ExecutionTracker tracker() {
        return tracker;
    }

    public CommitRecorder commits() {
        return commits;
    }

    public CommitSync commitSync() {
        return commitSync;
    }

    public CausalTokens tokens() {
        return tokens;
    }

    StatementRouting routing() {
        return routing;
    }

    /**
     * The warnings of the node the session used last, after Junction's own: commits not confirmed in time
     * ({@code syncTimeoutAction=degrade}).
     */
    public SQLWarning warnings() throws SQLException {
        NodeSession session = sessions.current();
        SQLWarning backend = session == null ? null : call(session, Connection::getWarnings);
        SQLWarning own = commitSync.warnings();
        if (own == null) {
            return backend;
        }
        if (backend != null) {
            own.setNextWarning(backend);
        }
        return own;
    }

    /** Clears Junction's warnings and those of every open physical connection. */
    public void clearWarnings() throws SQLException {
        commitSync.clearWarnings();
        for (NodeSession session : sessions.open()) {
            run(session, Connection::clearWarnings);
        }
    }
}
