package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.TableCatalog;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor.Probed;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.StatementKind;
import dev.junction.router.replication.CommitInstants;
import dev.junction.router.replication.PrimarySamples;
import dev.junction.router.replication.ReplicationPosition;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one logical connection must see (design §5), and which replicas can show it: the router's
 * {@link ReplicaRequirement} for {@code session} and {@code global} reads.
 *
 * <ul>
 *   <li>Read-your-writes: every commit of this session is recorded with the instant the primary acknowledged it (the
 *       monitor's ticker, read after the commit returned) and the tables it wrote, here and in the cluster's global
 *       record: no round trip on the write path. A read needs the latest commit to the tables it reads: this
 *       session's for {@code session}, everyone's in this JVM for {@code global}. That instant becomes a position with
 *       the first probe of the primary sent at or after it ({@link PrimarySamples}: whatever the primary had
 *       acknowledged before a probe was sent is in its answer); a replica qualifies once its replayed position covers
 *       that sample. Until such a sample exists the commit is unlocated and no replica qualifies: the read asks the
 *       monitor for a probe of the primary and, by default, runs on the primary, which has the commit. So a read right
 *       after a write goes to the primary for about one round trip of the primary's probe; under continuous writes to
 *       the tables it reads, a {@code global} read goes to the primary, which it would mostly do anyway since
 *       replicas lag the newest commit. Unknown tables, on either side, mean every table, and so do tables that are
 *       not standalone ({@link TableCatalog}: views, triggers, foreign keys, partitions). {@code eventual} and
 *       {@code strong} connections record nothing: nothing they read depends on it.</li>
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
    private final CommitInstants session = new CommitInstants();
    private final CommitInstants global;
    private final Map<NodeId, ReplicationPosition> observed = new HashMap<>();
    private ReplicationPosition floor;
    /** The last read's node and the monitor positions it read under, not yet merged into {@link #floor}. */
    private NodeId unfoldedNode;

    private Map<NodeId, Probed> unfoldedPositions;
    private ReplicationPosition unfoldedObserved;
    private ReplicationPosition awaited;
    private NodeId lastRead;
    private NodeId pendingNode;
    /**
     * {@link dev.junction.driver.internal.topology.monitor.TopologyMonitor#probesStarted()} when the pending read
     * ended.
     */
    private long pendingAfterProbe;

    private Set<String> transactionTables;
    private final Set<String> transactionTableSet = new LinkedHashSet<>();
    private boolean transactionWrote;

    private final Predicate<String> standalone;
    /**
     * Bumped by whatever can change which replicas this session's reads may use, apart from the monitor's
     * publications and other sessions' commits: its own commits, an awaited token, what it asked a replica, a read
     * on another node than the last (the floor then applies to the one before).
     */
    private long version;
    /** The tables of the last commit (compared by identity) and their cells in both commit records. */
    private Collection<String> cellsTables;

    private CommitInstants.Cells sessionCells;
    private CommitInstants.Cells globalCells;

    /** @param standalone whether commits to a table may be tracked apart from other tables ({@link TableCatalog}) */
    SessionFreshness(CommitInstants global, Predicate<String> standalone) {
        this.global = global;
        this.standalone = standalone;
    }

    /**
     * The requirement for one routing decision over the monitor's published {@code positions} and the primary's
     * {@code samples}: a replica qualifies when it covers what the read needs, and none does while a commit the read
     * needs is unlocated.
     */
    ReplicaRequirement requirement(Map<NodeId, Probed> positions, PrimarySamples samples) {
        settleFloor(positions);
        return new Requirement(positions, samples);
    }

    /**
     * One routing decision's requirement. The policy asks it once per replica with the same statement and
     * consistency, so the commit the read needs is looked up (tables, both commit records, the samples) once, not per
     * replica: in an end-to-end profile these lookups were a third of Junction's time per read.
     */
    private final class Requirement implements ReplicaRequirement {
        private final Map<NodeId, Probed> positions;
        private final PrimarySamples samples;
        private Classification forStatement;
        private ReadConsistency forConsistency;
        private boolean unlocated;
        private ReplicationPosition located;

        Requirement(Map<NodeId, Probed> positions, PrimarySamples samples) {
            this.positions = positions;
            this.samples = samples;
        }

        @Override
        public boolean isSatisfiedBy(NodeState replica, ReadConsistency consistency, Classification statement) {
            if (statement != forStatement || consistency != forConsistency) {
                OptionalLong commit = neededCommit(consistency, statement);
                Optional<ReplicationPosition> sample =
                        commit.isPresent() ? samples.covering(commit.getAsLong()) : Optional.empty();
                unlocated = commit.isPresent() && sample.isEmpty();
                located = sample.orElse(null);
                forStatement = statement;
                forConsistency = consistency;
            }
            if (unlocated) {
                return false;
            }
            ReplicationPosition required = required(consistency, statement, replica.id(), located);
            if (required == null) {
                return true;
            }
            ReplicationPosition position = position(replica.id(), positions);
            return position != null && position.covers(required);
        }
    }

    /**
     * The instant of the latest commit a read must see (this session's, and everyone's for {@code global}), or empty
     * when it needs none.
     */
    OptionalLong neededCommit(ReadConsistency consistency, Classification statement) {
        if (consistency == ReadConsistency.EVENTUAL
                || consistency == ReadConsistency.STRONG
                || readsNoTable(statement)) {
            return OptionalLong.empty();
        }
        if (session.latest().isEmpty()
                && (consistency != ReadConsistency.GLOBAL || global.latest().isEmpty())) {
            return OptionalLong.empty(); // nothing committed: no table to look up in the catalog
        }
        Collection<String> tables = tablesRead(statement, standalone);
        OptionalLong needed = session.requiredFor(tables);
        if (consistency == ReadConsistency.GLOBAL) {
            needed = later(needed, global.requiredFor(tables));
        }
        return needed;
    }

    /**
     * The instant of the commit the read needs while no probe of the primary sent at or after it has answered (no
     * replica can be shown to have it yet); empty when the read needs no commit or the one it needs is located.
     */
    OptionalLong unlocatedCommit(ReadConsistency consistency, Classification statement, PrimarySamples samples) {
        OptionalLong commit = neededCommit(consistency, statement);
        return commit.isPresent() && samples.covering(commit.getAsLong()).isEmpty() ? commit : OptionalLong.empty();
    }

    /**
     * What a read on {@code node} must see, or null when anything will do; an unlocated commit counts for nothing
     * here, {@link #unlocatedCommit} tells.
     */
    ReplicationPosition required(
            ReadConsistency consistency, Classification statement, NodeId node, PrimarySamples samples) {
        OptionalLong commit = neededCommit(consistency, statement);
        return required(
                consistency,
                statement,
                node,
                commit.isPresent() ? samples.covering(commit.getAsLong()).orElse(null) : null);
    }

    private ReplicationPosition required(
            ReadConsistency consistency, Classification statement, NodeId node, ReplicationPosition commit) {
        if (consistency == ReadConsistency.EVENTUAL
                || consistency == ReadConsistency.STRONG
                || readsNoTable(statement)) {
            return null;
        }
        ReplicationPosition required = merge(commit, awaited);
        if (!node.equals(lastRead)) {
            required = merge(required, floor());
        }
        return required;
    }

    /** {@code SELECT 1}, {@code SELECT @@port}, {@code SELECT now()}: nothing a commit changes, nothing to wait for. */
    static boolean readsNoTable(Classification statement) {
        return statement.parsedByCalcite()
                && statement.tablesRead().isEmpty()
                && statement.userFunctions().isEmpty()
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
            version++;
            observed.merge(node, position, ReplicationPosition::mergedWith);
        }
    }

    /**
     * A read on {@code node} ended when the monitor had started {@code probesStarted} probes: any probe numbered
     * higher was sent after the read.
     */
    void readOn(NodeId node, Map<NodeId, Probed> positions, long probesStarted) {
        // The floor is raised lazily: reads on one replica between two monitor publications leave the same
        // (node, positions) to fold, and a floor is only consulted when a read considers another node.
        if (unfoldedNode != null && (unfoldedPositions != positions || !unfoldedNode.equals(node))) {
            foldFloor();
        }
        unfoldedNode = node;
        unfoldedPositions = positions;
        ReplicationPosition asked = observed.isEmpty() ? null : observed.get(node);
        unfoldedObserved = merge(unfoldedObserved, asked);
        if (!node.equals(lastRead)) {
            version++;
        }
        lastRead = node;
        pendingNode = node;
        pendingAfterProbe = probesStarted;
    }

    /** The floor, with the last read's node position folded in. */
    private ReplicationPosition floor() {
        if (unfoldedNode != null) {
            foldFloor();
        }
        return floor;
    }

    private void foldFloor() {
        Probed probed = unfoldedPositions.get(unfoldedNode);
        floor = merge(floor, merge(probed == null ? null : probed.position(), unfoldedObserved));
        unfoldedNode = null;
        unfoldedPositions = null;
        unfoldedObserved = null;
    }

    /** Once the last node read has been probed after the read ended, its position bounds what the read saw. */
    private void settleFloor(Map<NodeId, Probed> positions) {
        if (pendingNode == null) {
            return;
        }
        Probed probed = positions.get(pendingNode);
        if (probed != null && probed.sequence() > pendingAfterProbe) {
            floor = merge(floor, probed.position());
            pendingNode = null;
        }
    }

    /**
     * A statement that may write ran in the open transaction and wrote {@code tables} (null: unknown, every table);
     * they join the transaction's.
     */
    void wroteInTransaction(Set<String> tables) {
        if (!transactionWrote) {
            transactionWrote = true;
            // The first write's own (immutable) set, not a copy: a transaction that writes one statement's tables
            // commits that same set, whose commit cells committed() then already holds, and allocates nothing.
            transactionTables = tables;
            return;
        }
        if (transactionTables == null || tables == transactionTables) {
            return; // every table already, or the same statement again
        }
        if (tables == null) {
            transactionTables = null;
            return;
        }
        if (transactionTables != transactionTableSet) {
            if (transactionTables.containsAll(tables)) {
                return;
            }
            // One set per session, refilled per transaction: no new objects per commit (see CommitInstants).
            transactionTableSet.clear();
            transactionTableSet.addAll(transactionTables);
            transactionTables = transactionTableSet;
        }
        transactionTables.addAll(tables);
    }

    boolean transactionWrote() {
        return transactionWrote;
    }

    /** The tables the open transaction has written so far (empty: unknown, all), as {@link #endTransaction} will say. */
    Set<String> transactionTablesSoFar() {
        return transactionTables == null ? Set.of() : Collections.unmodifiableSet(transactionTables);
    }

    /**
     * The tables the ending transaction wrote (empty: unknown, all), and forgets them. The set is the session's own,
     * valid until its next write in a transaction: record it at once.
     */
    Set<String> endTransaction() {
        // The session's own set changes from one transaction to the next, so it is handed out under a new identity
        // each time: committed() must not take it for the tables of the commit before.
        Set<String> tables = transactionTables == null
                ? Set.of()
                : transactionTables == transactionTableSet
                        ? Collections.unmodifiableSet(transactionTableSet)
                        : transactionTables;
        transactionWrote = false;
        transactionTables = null;
        return tables;
    }

    /**
     * Records a commit of {@code tables} (empty: unknown) acknowledged at {@code committedAtNanos} (the monitor's
     * ticker, read after the commit returned), for this session and globally.
     */
    void committed(long committedAtNanos, Collection<String> tables) {
        version++;
        if (tables != cellsTables) {
            // A session mostly commits to the same tables (the same classification's set): their cells are looked
            // up once, not in two maps per table per commit.
            sessionCells = session.cellsFor(tables);
            globalCells = global.cellsFor(tables);
            cellsTables = tables;
        }
        session.recordCommit(committedAtNanos, sessionCells);
        global.recordCommit(committedAtNanos, globalCells);
    }

    /** The instant of the session's latest commit, else of the latest in this JVM, else empty. */
    OptionalLong latestCommit() {
        OptionalLong own = session.latest();
        return own.isPresent() ? own : global.latest();
    }

    /** Every later read must see {@code position}. */
    void await(ReplicationPosition position) {
        version++;
        awaited = merge(awaited, position);
    }

    /**
     * The tables a read reads, or empty (every table) when the classifier cannot vouch for the list or one of them is
     * not standalone (a view, a partitioned or inherited table...).
     */
    static Collection<String> tablesRead(Classification statement, Predicate<String> standalone) {
        if (!statement.parsedByCalcite()
                || !statement.userFunctions().isEmpty()
                || !statement.unverifiedFunctions().isEmpty()) {
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
        if (statement.kind() != StatementKind.WRITE
                || !statement.parsedByCalcite()
                || statement.multiStatement()
                || !statement.sideEffectFunctions().isEmpty()
                || !statement.unverifiedFunctions().isEmpty()
                || !statement.userFunctions().isEmpty()
                || statement.tablesWritten().isEmpty()) {
            return null;
        }
        // A loop, not a stream: every write of a session asks, and on the cold path between two round trips a
        // stream's pipeline showed as about 2 us per write in an end-to-end profile.
        for (String table : statement.tablesWritten()) {
            if (!standalone.test(table)) {
                return null;
            }
        }
        return statement.tablesWritten();
    }

    /** See {@link #version}: equal values mean the session's own part of every requirement is unchanged. */
    long version() {
        return version;
    }

    Predicate<String> standalone() {
        return standalone;
    }

    static Set<String> orAll(Set<String> tables) {
        return tables == null ? Set.of() : tables;
    }

    private static OptionalLong later(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.getAsLong() - b.getAsLong() >= 0 ? a : b;
    }

    private static ReplicationPosition merge(ReplicationPosition a, ReplicationPosition b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.mergedWith(b);
    }
}
