package dev.junction.driver.internal;

import dev.junction.driver.internal.monitor.TopologyMonitor.Probed;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.ReadConsistency;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.StatementKind;
import dev.junction.router.replication.CommitPositions;
import dev.junction.router.replication.ReplicationPosition;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one logical connection must see (design §5), and which replicas can show it: the router's
 * {@link ReplicaRequirement} for {@code session} and {@code global} reads.
 *
 * <ul>
 *   <li>Read-your-writes: every commit of this session is recorded with its position and the tables it wrote (here
 *       and in the cluster's global record); a read needs a replica whose replayed position covers the commits to the
 *       tables it reads: this session's for {@code session}, everyone's in this JVM for {@code global}. Unknown
 *       tables, on either side, mean every table, and so do tables that are not standalone ({@link TableCatalog}:
 *       views, triggers, foreign keys, partitions).</li>
 *   <li>Monotonic reads: after a read on node N the session's floor is N's position as last probed; and once N is
 *       probed again after the read ended, that later position (an upper bound of what the read saw). A replica
 *       other than the last one read must cover the floor. The first part is a lower bound of what the read saw, so
 *       a switch of node within one probe interval of a read can still miss commits N replayed between its probe
 *       and the read: never this session's own writes, which read-your-writes covers.</li>
 *   <li>An awaited causal token ({@link #await}) joins the requirement of every later read.</li>
 * </ul>
 *
 * <p>A replica's position is the later of the monitor's last probe and what this session asked it directly (a
 * catch-up check before giving up on it). Not thread-safe: a logical connection is used by one thread at a time.
 */
final class SessionFreshness {
    private final CommitPositions session = new CommitPositions();
    private final CommitPositions global;
    private final Map<NodeId, ReplicationPosition> observed = new HashMap<>();
    private ReplicationPosition floor;
    private ReplicationPosition awaited;
    private NodeId lastRead;
    private NodeId pendingNode;
    private long pendingSince;
    private Set<String> transactionTables;
    private NodeId unresolvedCommitPrimary;
    private long unresolvedCommitSince;
    private Set<String> unresolvedCommitTables = Set.of();
    private boolean transactionWrote;

    private final Predicate<String> standalone;

    /** @param standalone whether commits to a table may be tracked apart from other tables ({@link TableCatalog}) */
    SessionFreshness(CommitPositions global, Predicate<String> standalone) {
        this.global = global;
        this.standalone = standalone;
    }

    /** The requirement for one routing decision over the monitor's published {@code positions}. */
    ReplicaRequirement requirement(Map<NodeId, Probed> positions) {
        settleFloor(positions);
        settleCommit(positions);
        return (replica, consistency, statement) -> {
            if (unresolvedCommitPrimary != null && consistency != ReadConsistency.EVENTUAL) {
                return false;
            }
            ReplicationPosition required = required(consistency, statement, replica.id());
            if (required == null) {
                return true;
            }
            ReplicationPosition position = position(replica.id(), positions);
            return position != null && position.covers(required);
        };
    }

    /** What a read on {@code node} must see, or null when anything will do. */
    ReplicationPosition required(ReadConsistency consistency, Classification statement, NodeId node) {
        if (consistency == ReadConsistency.EVENTUAL || consistency == ReadConsistency.STRONG || readsNoTable(statement)) {
            return null;
        }
        Collection<String> tables = tablesRead(statement, standalone);
        ReplicationPosition required = merge(session.requiredFor(tables).orElse(null), awaited);
        if (consistency == ReadConsistency.GLOBAL) {
            required = merge(required, global.requiredFor(tables).orElse(null));
        }
        if (!node.equals(lastRead)) {
            required = merge(required, floor);
        }
        return required;
    }

    /** {@code SELECT 1}, {@code SELECT @@port}, {@code SELECT now()}: nothing a commit changes, nothing to wait for. */
    static boolean readsNoTable(Classification statement) {
        return statement.parsedByCalcite() && statement.tablesRead().isEmpty() && statement.userFunctions().isEmpty()
                && statement.unverifiedFunctions().isEmpty();
    }

    /** The later of the monitor's probe and this session's own check of {@code node}. */
    ReplicationPosition position(NodeId node, Map<NodeId, Probed> positions) {
        Probed probed = positions.get(node);
        return merge(probed == null ? null : probed.position(), observed.get(node));
    }

    /** What the session learnt by asking {@code node} itself. */
    void observed(NodeId node, ReplicationPosition position) {
        if (position != null) {
            observed.merge(node, position, ReplicationPosition::mergedWith);
        }
    }

    /** A read on {@code node} ended at {@code endedAtNanos} (the monitor's clock). */
    void readOn(NodeId node, Map<NodeId, Probed> positions, long endedAtNanos) {
        floor = merge(floor, position(node, positions));
        lastRead = node;
        pendingNode = node;
        pendingSince = endedAtNanos;
    }

    /** Once the last node read has been probed after the read ended, its position bounds what the read saw. */
    private void settleFloor(Map<NodeId, Probed> positions) {
        if (pendingNode == null) {
            return;
        }
        Probed probed = positions.get(pendingNode);
        if (probed != null && probed.sentAtNanos() - pendingSince >= 0) {
            floor = merge(floor, probed.position());
            pendingNode = null;
        }
    }

    /**
     * A commit whose position could not be asked (the question failed after the commit succeeded): the primary's
     * first position probed after {@code sinceNanos} covers it; until the monitor has one, no replica qualifies.
     */
    void committedAtUnknownPosition(NodeId primary, Collection<String> tables, long sinceNanos) {
        boolean first = unresolvedCommitPrimary == null;
        if (first || !tables.isEmpty() && !unresolvedCommitTables.isEmpty()) {
            Set<String> union = new LinkedHashSet<>(first ? Set.of() : unresolvedCommitTables);
            union.addAll(tables);
            unresolvedCommitTables = tables.isEmpty() ? Set.of() : Set.copyOf(union);
        } else {
            unresolvedCommitTables = Set.of();
        }
        unresolvedCommitPrimary = primary;
        unresolvedCommitSince = sinceNanos;
    }

    private void settleCommit(Map<NodeId, Probed> positions) {
        if (unresolvedCommitPrimary == null) {
            return;
        }
        Probed probed = positions.get(unresolvedCommitPrimary);
        if (probed != null && probed.sentAtNanos() - unresolvedCommitSince >= 0) {
            committed(probed.position(), unresolvedCommitTables);
            unresolvedCommitPrimary = null;
            unresolvedCommitTables = Set.of();
        }
    }

    /** A statement that may write ran in the open transaction; its tables join the transaction's. */
    void wroteInTransaction(Classification statement) {
        Set<String> tables = tablesWritten(statement, standalone);
        if (!transactionWrote) {
            transactionWrote = true;
            transactionTables = tables == null ? null : new LinkedHashSet<>(tables);
        } else if (transactionTables != null) {
            if (tables == null) {
                transactionTables = null;
            } else {
                transactionTables.addAll(tables);
            }
        }
    }

    boolean transactionWrote() {
        return transactionWrote;
    }

    /** The tables the ending transaction wrote (empty: unknown, all), and forgets them. */
    Set<String> endTransaction() {
        Set<String> tables = transactionTables == null ? Set.of() : Set.copyOf(transactionTables);
        transactionWrote = false;
        transactionTables = null;
        return tables;
    }

    /** Records a commit at {@code position} of {@code tables} (empty: unknown) for this session and globally. */
    void committed(ReplicationPosition position, Collection<String> tables) {
        if (position == null) {
            return;
        }
        session.recordCommit(position, tables);
        global.recordCommit(position, tables);
    }

    /** The session's latest commit, else the latest in this JVM, else null. */
    ReplicationPosition latestCommit() {
        return session.latest().or(global::latest).orElse(null);
    }

    /** Every later read must see {@code position}. */
    void await(ReplicationPosition position) {
        awaited = merge(awaited, position);
    }

    /**
     * The tables a read reads, or empty (every table) when the classifier cannot vouch for the list or one of them is
     * not standalone (a view, a partitioned or inherited table...).
     */
    static Collection<String> tablesRead(Classification statement, Predicate<String> standalone) {
        if (!statement.parsedByCalcite() || !statement.userFunctions().isEmpty() || !statement.unverifiedFunctions().isEmpty()) {
            return Set.of();
        }
        for (String table : statement.tablesRead()) { // a loop, not a stream: every replica read of a session asks
            if (!standalone.test(table)) {
                return Set.of();
            }
        }
        return statement.tablesRead();
    }

    /**
     * The tables a write wrote, or null (every table) when the classifier cannot vouch for the list or one of them is
     * not standalone (a trigger or a foreign key may change other tables).
     */
    static Set<String> tablesWritten(Classification statement, Predicate<String> standalone) {
        if (statement.kind() != StatementKind.WRITE || !statement.parsedByCalcite() || statement.multiStatement()
                || !statement.sideEffectFunctions().isEmpty() || !statement.unverifiedFunctions().isEmpty()
                || !statement.userFunctions().isEmpty() || statement.tablesWritten().isEmpty()
                || !statement.tablesWritten().stream().allMatch(standalone)) {
            return null;
        }
        return statement.tablesWritten();
    }

    Predicate<String> standalone() {
        return standalone;
    }

    static Set<String> orAll(Set<String> tables) {
        return tables == null ? Set.of() : tables;
    }

    private static ReplicationPosition merge(ReplicationPosition a, ReplicationPosition b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.mergedWith(b);
    }
}
