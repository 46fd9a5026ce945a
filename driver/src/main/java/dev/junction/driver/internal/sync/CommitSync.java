package dev.junction.driver.internal.sync;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.SyncMode;
import dev.junction.driver.SyncTimeoutAction;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One logical connection's write sync: told of every commit of written work by the commit seam
 * ({@link #committed}), it works out what the commit needs (the data source's {@code syncMode}, the modes of the
 * tables written, the transaction's own choice, the strongest of them) and, once the statement or {@code commit()}
 * that committed has returned from the primary, waits for it ({@link #acknowledge}) before the application gets
 * control back. A wait that falls short fails with {@link JunctionErrorCode#COMMITTED_NOT_REPLICATED}, which says the
 * transaction IS committed, or with {@code syncTimeoutAction=degrade} adds that as a warning to the connection and
 * counts it.
 *
 * <p>The wait is split from the event because the commit seam's listeners run inside the statement's bookkeeping,
 * which must not throw, while the sync outcome is the application's to see from the very call that committed. Not
 * thread-safe: one per logical connection.
 */
public final class CommitSync {
    private final SyncPolicy policy;
    private final Supplier<? extends ReplicaWaits> acknowledgements;
    private final ClusterMetrics metrics;
    /** Whether this connection's sessions to the primary are set by Junction and their server waits watched. */
    private final boolean watchesPrimarySessions;
    /** Whether the application may have changed {@code synchronous_commit} in this session since Junction set it. */
    private final java.util.function.BooleanSupplier sessionChangedSyncCommit;
    /** The watch over the server's own wait for the commit now running, if any. */
    private ReplicaWaits.ServerWaitBound bound;
    /** Whether {@link #bound} is the short one of degraded mode ({@link DegradedRules#WAIT}). */
    private boolean boundShortened;
    /** MariaDB's own semi-sync as this connection sees it; null on PostgreSQL. */
    private final MariaDbSemiSync semiSync;
    /** The connection of the commit being acknowledged, asked its position ({@link CommittingSession}). */
    private final CommittingSession committing;
    /** Whether the pending commit was sent with {@link SyncPolicy#transactionLevelSql} ({@link #levelForCommit}). */
    private boolean committedAtLevel;
    /** Whether the pending commit was sent with {@link SyncPolicy#RAISED_COMMIT} ({@link #raiseForCommit}). */
    private boolean committedRaised;
    /** The mode the application chose for its next commit ({@code JunctionConnection.setCommitSyncMode}). */
    private SyncRequirement chosen = SyncRequirement.NONE;

    private String chosenText;
    private SyncRequirement pending;
    private String pendingText;
    private Node pendingNode;
    private final List<SQLWarning> warnings = new ArrayList<>(1);

    /**
     * @param watchesPrimarySessions whether this connection's sessions to the primary are Junction's to set and their
     *                               server-side waits to bound ({@link SyncPolicy#watchesPrimarySessions})
     */
    public CommitSync(
            SyncPolicy policy,
            Supplier<? extends ReplicaWaits> acknowledgements,
            ClusterMetrics metrics,
            boolean watchesPrimarySessions,
            java.util.function.BooleanSupplier sessionChangedSyncCommit,
            boolean mySqlFamily) {
        this.semiSync = mySqlFamily ? new MariaDbSemiSync() : null;
        this.committing = new CommittingSession(
                mySqlFamily
                        ? dev.junction.driver.internal.backend.BackendDialect.MYSQL
                        : dev.junction.driver.internal.backend.BackendDialect.POSTGRESQL);
        this.policy = policy;
        this.acknowledgements = acknowledgements;
        this.metrics = metrics;
        this.watchesPrimarySessions = watchesPrimarySessions;
        this.sessionChangedSyncCommit = sessionChangedSyncCommit;
    }

    /** Whether statements that may commit must be watched ({@link #watch}): PostgreSQL sessions Junction set. */
    public boolean watchesServerWaits() {
        return watchesPrimarySessions;
    }

    /**
     * A statement that may commit is about to run on backend {@code backendPid} of {@code primary}: if the server
     * itself waits for standbys, that wait is bounded by {@code syncTimeout} ({@link ReplicaWaits#boundServerWait}),
     * or by {@link DegradedRules#WAIT} while {@code syncTimeoutAction=degrade} has degraded a rule of the cluster.
     */
    public void watch(int backendPid, Node primary) {
        if (bound != null) {
            bound.close();
        }
        ReplicaWaits waits = acknowledgements.get();
        DegradedRules rules = policy.timeoutAction() == SyncTimeoutAction.DEGRADE ? waits.degradedRules() : null;
        Duration limit =
                rules != null && rules.anyDegraded() ? min(policy.timeout(), DegradedRules.WAIT) : policy.timeout();
        bound = waits.boundServerWait(backendPid, primary, limit);
        boundShortened = !limit.equals(policy.timeout());
    }

    /** The same, from the text the application passed ({@code JunctionConnection.setCommitSyncMode}). */
    public void chooseForNextCommit(String mode) throws SQLException {
        try {
            chooseForNextCommit(SyncMode.parse(mode));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(mode, "syncMode", SyncMode.EXPECTED);
        }
    }

    /**
     * The application's choice for the next commit (the open transaction's, else the next auto-commit write's); a
     * second choice before that commit adds to the first (the strongest holds).
     */
    public void chooseForNextCommit(SyncMode mode) {
        SyncRequirement requirement = policy.requirementOf(mode);
        SyncRequirement combined = chosen.and(requirement);
        chosenText = combined == requirement ? mode.toString() : combined == chosen ? chosenText : combined.toString();
        chosen = combined;
    }

    /**
     * The mode of a {@code syncMode} hint.
     *
     * @throws SQLException 22023 naming the hint's value when it is not a sync mode
     */
    public static SyncMode hintedMode(String text) throws SQLException {
        try {
            return SyncMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(text, "syncMode (hint)", SyncMode.EXPECTED);
        }
    }

    /** The same for a hint {@link #hintedMode} already accepted when the statement was classified. */
    public static SyncMode hintedModeOrAsync(String text) {
        try {
            return SyncMode.parse(text);
        } catch (IllegalArgumentException e) {
            return SyncMode.ASYNC; // unreachable: classification refused the statement
        }
    }

    /** Whether the commit seam must track the tables each commit wrote. */
    public boolean needsTables() {
        return policy.needsTables();
    }

    /** A commit of written work returned on {@code node}; {@code tables} as the commit seam knows them (null: all). */
    public void committed(Node node, Set<String> tables) {
        SyncRequirement requirement = policy.requirementFor(tables).and(chosen);
        String chosenName = chosen.waits() && chosen.equals(requirement) ? chosenText : null;
        chosen = SyncRequirement.NONE;
        chosenText = null;
        if (requirement.waits()) {
            // Named only for a commit that waits: every commit of written work passes here.
            String text = chosenName != null ? chosenName : policy.describe(requirement);
            pending = requirement.and(pending == null ? SyncRequirement.NONE : pending);
            pendingText = pending == requirement ? text : pending.toString();
            pendingNode = node;
        }
    }

    /**
     * PostgreSQL, a transaction about to commit on {@code primary}, having written {@code tables} (null or empty: not
     * known), on a session whose {@code synchronous_commit} Junction did not set: the {@code SET LOCAL} to send with its
     * {@code COMMIT} when what the commit needs (its own choice, a hint, its tables' modes) is covered by the server's
     * own synchronous replication, so that the server's wait confirms it and nothing is asked after; else null. The
     * caller then calls {@link #committingAtLevel} once it sends it.
     */
    public String levelForCommit(Set<String> tables, Node primary) {
        if (semiSync != null) {
            return null; // MariaDB/MySQL: the server's semi-sync is on or off for every session alike
        }
        SyncRequirement requirement = policy.requirementFor(tables).and(chosen);
        return requirement.waits() && acknowledgements.get().serverCovers(requirement, primary)
                ? policy.transactionLevelSql()
                : null;
    }

    /**
     * PostgreSQL, a transaction about to commit on a session at {@code synchronous_commit = off} that Junction did not
     * set, where {@link #levelForCommit} found no server wait to ride on: {@link SyncPolicy#RAISED_COMMIT} when the
     * commit waits for replicas, so that Junction's wait is not for the WAL writer; else null. The caller then calls
     * {@link #committingRaised} once it sends it.
     */
    public String raiseForCommit(Set<String> tables) {
        return semiSync == null && policy.requirementFor(tables).and(chosen).waits() ? SyncPolicy.RAISED_COMMIT : null;
    }

    /** The commit about to be sent carries {@link #raiseForCommit}'s setting: it is made synchronously. */
    public void committingRaised() {
        committedRaised = true;
    }

    /** Whether the next commit may need replicas at all: cheap, asked before anything else on every commit. */
    public boolean mayWaitOnCommit() {
        return chosen.waits() || policy.mayWait();
    }

    /** The commit about to be sent carries {@link #levelForCommit}'s setting: the server's wait confirms it. */
    public void committingAtLevel() {
        committedAtLevel = true;
    }

    /** The transaction ended without a commit: the choice made for it is gone with it. */
    public void abandoned() {
        chosen = SyncRequirement.NONE;
        chosenText = null;
        committedAtLevel = false;
        committedRaised = false;
    }

    /**
     * The pending commit is not waited for: it was made on a node that is no longer the primary, and the caller
     * reports its outcome as unknown instead.
     */
    public void forget() {
        if (bound != null) {
            bound.close();
            bound = null;
        }
        pending = null;
        pendingText = null;
        pendingNode = null;
        committedAtLevel = false;
        committedRaised = false;
    }

    /** Whether a commit waits to be acknowledged, or a watch to be closed. */
    public boolean pending() {
        return pending != null || bound != null;
    }

    /**
     * Waits for the pending commit's replicas.
     *
     * @throws SQLException {@link JunctionErrorCode#COMMITTED_NOT_REPLICATED} when too few confirmed in time and
     *                      {@code syncTimeoutAction=fail}
     */
    public void acknowledge() throws SQLException {
        acknowledge(null, false, false);
    }

    /**
     * The same, {@code primary} being the physical connection the commit ran on (null when not known): MariaDB's own
     * semi-sync, when it is on and covers the mode, is asked there whether it acknowledged this commit
     * ({@link MariaDbSemiSync}); {@code betweenTransactions} tells whether no transaction is open on it any more (a
     * {@code COMMIT AND CHAIN} leaves one open): only then may the commit's position be asked there
     * ({@link CommittingSession}).
     *
     * @param sessionSet whether Junction set that session's {@code synchronous_commit} ({@link
     *     SyncPolicy#primarySessionSql}): only then do the server's own wait and the primary's view of its standbys
     *     say what the mode asks, unless the application has changed the setting since
     */
    public void acknowledge(java.sql.Connection primary, boolean betweenTransactions, boolean sessionSet)
            throws SQLException {
        SyncRequirement requirement = pending;
        String text = pendingText;
        Node node = pendingNode;
        boolean atLevel = committedAtLevel;
        boolean raised = committedRaised;
        committedAtLevel = false;
        committedRaised = false;
        pending = null;
        pendingText = null;
        pendingNode = null;
        boolean cancelled = false;
        if (bound != null) {
            bound.close();
            cancelled = bound.cancelled();
            bound = null;
        }
        if (requirement == null) {
            return;
        }
        DegradedRules rules = policy.timeoutAction() == SyncTimeoutAction.DEGRADE
                ? acknowledgements.get().degradedRules()
                : null;
        boolean degraded = rules != null && (rules.degraded(requirement, policy.ack()) || cancelled && boundShortened);
        Duration timeout = degraded ? min(policy.timeout(), DegradedRules.WAIT) : policy.timeout();
        boolean reports = (sessionSet || atLevel) && !sessionChangedSyncCommit.getAsBoolean();
        ReplicaWaits.Outcome outcome = await(
                requirement, node, primary, betweenTransactions ? primary : null, cancelled, reports, raised, timeout);
        metrics.syncWaited(SyncPolicy.metricLabel(requirement, text), outcome.waitedNanos(), outcome.met());
        if (outcome.byServer()) {
            metrics.syncConfirmedByServer();
        }
        if (outcome.met()) {
            if (rules != null) {
                rules.confirmed(requirement, policy.ack());
            }
            return;
        }
        if (outcome.primaryLost() || node.role() != dev.junction.driver.internal.backend.ProbedRole.PRIMARY) {
            // Committed on a primary that was lost (or is suspected, or replaced) before enough replicas were seen to
            // hold it: whether the commit survives depends on what a promoted node received. Outcome unknown,
            // whatever syncTimeoutAction says.
            throw JunctionErrorCode.COMMIT_OUTCOME_UNKNOWN.exception(
                    node.address(), "its replication (syncMode " + text + ")");
        }
        if (policy.timeoutAction() != SyncTimeoutAction.DEGRADE) {
            throw JunctionErrorCode.COMMITTED_NOT_REPLICATED.exception(
                    node.address(), outcome.confirmed(), outcome.required(), text, outcome.asked(), format(timeout));
        }
        degradedCommit(requirement, text, node, outcome, timeout, degraded, rules);
    }

    /**
     * {@code syncTimeoutAction=degrade}: an unconfirmed commit is a warning, counted, and its rule is degraded (or stays
     * so) for the cluster's connections ({@link DegradedRules}).
     *
     * @param waited   how long the commit's wait could take: {@code syncTimeout}, or the wait of degraded mode
     * @param degraded whether the commit waited the wait of degraded mode
     * @param rules    the cluster's degraded rules; null where there are none (a fake)
     */
    private void degradedCommit(
            SyncRequirement requirement,
            String text,
            Node node,
            ReplicaWaits.Outcome outcome,
            Duration waited,
            boolean degraded,
            DegradedRules rules) {
        metrics.syncDegraded();
        Object[] common = {
            node.address(), outcome.confirmed(), outcome.required(), text, outcome.asked(), format(waited)
        };
        warnings.add(
                degraded
                        ? JunctionErrorCode.COMMITTED_NOT_REPLICATED_DEGRADED.warning(
                                append(common, format(policy.timeout())))
                        : JunctionErrorCode.COMMITTED_NOT_REPLICATED.warning(common));
        if (rules != null) {
            rules.timedOut(requirement, policy.ack(), policy.timeout());
        }
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] longer = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        longer[arguments.length] = last;
        return longer;
    }

    /**
     * @param askable the connection the commit ran on, when its position may be asked there; else null
     * @param reports whether that session's {@code synchronous_commit} is the one Junction set
     * @param raised whether the commit was made synchronously for itself ({@link SyncPolicy#RAISED_COMMIT})
     */
    private ReplicaWaits.Outcome await(
            SyncRequirement requirement,
            Node node,
            java.sql.Connection primary,
            java.sql.Connection askable,
            boolean cancelled,
            boolean reports,
            boolean raised,
            Duration timeout) {
        try {
            if (cancelled) {
                // The server's own wait reached syncTimeout and was cancelled: committed locally, not confirmed.
                return new ReplicaWaits.Outcome(0, requirement.atLeast(), 0, timeout.toNanos(), false);
            }
            if (semiSync != null
                    && primary != null
                    && policy.ack() == dev.junction.driver.SyncAck.FLUSH
                    && !requirement.everyUp()
                    && requirement.atLeast() == 1
                    && semiSync.acknowledged(primary)) {
                // MariaDB's semi-sync made the commit wait for one replica's relay log, and did not give up on it.
                return new ReplicaWaits.Outcome(1, 1, 1, 0, true);
            }
            committing.committedOn(askable, raised);
            try {
                return acknowledgements.get().await(requirement, policy.ack(), node, timeout, reports, committing);
            } finally {
                committing.committedOn(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the application's to see; the commit is not confirmed
            return new ReplicaWaits.Outcome(0, requirement.atLeast(), 0, 0, false);
        }
    }

    /** The warnings of degraded commits since the last {@link #clearWarnings}, as a new chain; null when none. */
    public SQLWarning warnings() {
        SQLWarning first = null;
        for (int i = warnings.size() - 1; i >= 0; i--) {
            SQLWarning original = warnings.get(i);
            SQLWarning copy = new SQLWarning(original.getMessage(), original.getSQLState(), original.getErrorCode());
            copy.setNextWarning(first);
            first = copy;
        }
        return first;
    }

    public void clearWarnings() {
        warnings.clear();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A duration as a property value would give it: {@code 5s}, {@code 300ms}. */
    static String format(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
