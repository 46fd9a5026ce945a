package dev.junction.driver.internal;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.router.Classification;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.RouteDecision;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingRequest;
import dev.junction.router.StatementKind;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.monitor.ReplicationProbe;
import dev.junction.driver.internal.monitor.SharedMonitors;
import dev.junction.driver.internal.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.RouteReason;
import dev.junction.router.RouteTarget;
import dev.junction.router.StaleReadFallback;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.replication.PrimarySamples;
import dev.junction.router.replication.ReplicationPosition;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.time.Duration;

/**
 * A logical connection: what the application holds. It owns one physical connection per node it has used
 * (opened on first need, kept until close) and decides, for every execution, which node runs it (design §2):
 *
 * <p>The decision is the router's {@code RoutingPolicy}, given the statement's classification, the session and a
 * topology snapshot; the driver adds what only it knows (the node of the open transaction, of a pin):
 *
 * <ol>
 *   <li>a transaction in progress keeps its node;</li>
 *   <li>a pinned session (temporary table, session lock, LISTEN, named PREPARE...) stays on the node that holds the
 *       state; SERIALIZABLE on PostgreSQL pins to the primary;</li>
 *   <li>with auto-commit off, a transaction starts on the primary, or on one replica when read-only;</li>
 *   <li>a statement that pins, writes, or is not understood goes to the primary; a hint can send a read to the
 *       primary, never a write to a replica;</li>
 *   <li>a plain read in auto-commit goes to a replica chosen by {@code loadBalance} among those the topology monitor
 *       finds within {@code maxReplicaLag} and that meet {@code readConsistency} ({@link SessionFreshness}: this
 *       session's or every session's commits, monotonic reads, awaited causal tokens), else {@code staleReadFallback}
 *       applies (the primary, a bounded wait, or an error).</li>
 * </ol>
 *
 * <p>Writes cost nothing for read consistency: a commit is recorded as the instant it returned, by the tables it
 * wrote, and no statement is added on the primary. A read that needs a commit no probe of the primary has located
 * yet (none sent after the commit has answered) asks the monitor for one; with {@code staleReadFallback=primary} it
 * runs on the primary at once, which has the commit; {@code wait} and {@code fail} wait for that probe, within
 * {@code replicaWaitTimeout}, and then route again. {@link #causalToken} asks the primary itself when the session's
 * latest commit is unlocated, so a token is exact without a round trip per commit.
 *
 * <p>Before a physical connection runs anything it is brought to the session's state ({@link NodeSession#sync}).
 * Session statements ({@code SET}, {@code USE}, {@code RESET}) run on one node and are logged for replay on the
 * others. Like any JDBC connection it is meant for one thread at a time; only {@link #abort} and
 * {@code Statement.cancel} may come from another.
 */
public final class RoutingConnection implements JunctionConnection {
    private final ConnectionSettings settings;
    private final ClusterTopology topology;
    private final NodeConnector connector;
    private static final Classification PLAIN_READ = Classification.builder(StatementKind.READ).build();

    private final StatementRouting routing;
    private final RoutingOptions options;
    private final ReplicaRouteMemo memo = new ReplicaRouteMemo();
    /** How long the last auto-commit write's tables are reused, see {@link #tablesWritten(Classification, TopologyMonitor)}. */
    private static final long WRITTEN_TABLES_REUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** The last auto-commit write's classification, catalog generation, monitor instant and tables. */
    private Classification writtenBy;
    private long writtenGeneration;
    private long writtenAt;
    private Set<String> written;
    /** The session {@link #open} returned last. */
    private NodeSession lastOpened;
    private final SessionState state = new SessionState();
    /** The router's view of the session for each (auto-commit, read-only, serializable on PostgreSQL): built once. */
    private static final dev.junction.router.SessionState[] ROUTING_SESSIONS = routingSessions();
    private static final long POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

    private final Map<Node, NodeSession> sessions = new LinkedHashMap<>();
    /** What pins the session to a node, and what releases it. */
    private final SessionPins pins;
    private final Properties clientInfo = new Properties();
    private NodeSession current;
    private NodeSession transactionSession;
    private boolean sqlTransaction;
    private int networkTimeout;
    private volatile boolean closed;
    private final SharedMonitors.Lease lease;
    private final SessionFreshness freshness;
    private final Duration replicaWaitTimeout;
    private final Duration replicaReadTimeout;
    private final boolean recordsCommits;
    private final TableCatalog tableCatalog;
    private final ViewCatalog views;

    public RoutingConnection(ConnectionSettings settings, ClusterTopology topology, NodeConnector connector,
                             StatementRouting routing) {
        this(settings, topology, connector, routing, null);
    }

    /** @param lease this connection's share of the cluster's monitor, released on close; null without a monitor */
    public RoutingConnection(ConnectionSettings settings, ClusterTopology topology, NodeConnector connector,
                             StatementRouting routing, SharedMonitors.Lease lease) {
        this.settings = settings;
        this.topology = topology;
        this.connector = connector;
        this.routing = routing;
        this.options = routingOptions(settings.properties());
        this.lease = lease;
        this.pins = new SessionPins(settings.backend() == Backend.POSTGRESQL);
        TableCatalog tables = topology.tableCatalog(settings.backend(), connector);
        this.freshness = new SessionFreshness(topology.globalCommits(), tables == null ? table -> false : tables::isStandalone);
        this.tableCatalog = tables;
        this.views = routing.views();
        this.replicaWaitTimeout = settings.properties().get(JunctionProperty.REPLICA_WAIT_TIMEOUT);
        this.replicaReadTimeout = settings.properties().get(JunctionProperty.REPLICA_READ_TIMEOUT);
        // eventual reads ignore commits and strong reads always run on the primary: nothing they read depends on them
        this.recordsCommits = options.readConsistency() != ReadConsistency.EVENTUAL
                && options.readConsistency() != ReadConsistency.STRONG;
    }

    // ---- routing: what every statement wrapper calls ----

    StatementInfo classify(String sql) {
        return routing.classify(sql);
    }

    /**
     * The physical connection that runs {@code info} now, synced to the session state.
     *
     * @param forcePrimary batches and calls: they may write whatever their text says
     */
    NodeSession sessionFor(StatementInfo info, boolean forcePrimary) throws SQLException {
        checkOpen();
        topology.ensureProbed(connector);
        Node target = chooseNode(info, forcePrimary);
        NodeSession session;
        try {
            session = open(target);
        } catch (SQLException e) {
            if (!info.isRead() || !state.autoCommit() || transactionSession != null || pins.pinnedNode() != null
                    || !Dialect.isConnectionLoss(e) || target.role() != NodeRole.REPLICA) {
                throw e;
            }
            // An auto-commit read whose replica vanished since the last probe: one retry elsewhere (design §7).
            topology.markDown(target, e.getMessage());
            memo.forget();
            session = open(chooseNode(info, forcePrimary));
        }
        try {
            session.sync(state, session == transactionSession);
        } catch (SQLException e) {
            throw failed(e, session);
        }
        if (!state.autoCommit() && transactionSession == null) {
            transactionSession = session;
        }
        current = session;
        return session;
    }

    /**
     * Design §2 for one execution. The driver keeps what only it knows — the node a transaction or a pin already
     * holds, and that batches, calls and updatable result sets need the primary — and asks the router's policy the
     * rest.
     */
    private Node chooseNode(StatementInfo info, boolean forcePrimary) throws SQLException {
        if (transactionSession != null) {
            return transactionSession.node();
        }
        Node pinned = pins.pinnedNode();
        if (pinned != null) {
            return pinned;
        }
        if (forcePrimary || info.pinReason() != null) {
            return topology.primary();
        }
        if (info.kind() == StatementInfo.Kind.AUTOCOMMIT) {
            if (info.sessionKey() == null) {
                throw JunctionErrorCode.FEATURE_NOT_SUPPORTED.exception("SET autocommit with an expression, DEFAULT or other variables in the same statement",
                        "Junction must know the connection's auto-commit mode; use Connection.setAutoCommit, or SET autocommit = 0 or 1 alone");
            }
            return topology.primary(); // where a transaction it opens or ends runs; an open one kept its node above
        }
        Classification statement = info.classification();
        if (info.kind() == StatementInfo.Kind.SESSION && info.pinReason() == null && state.autoCommit()) {
            // A SET in auto-commit changes no data: it runs where the session already is, or where its next read
            // would go. With auto-commit off it opens the transaction, so the policy's transaction rule decides.
            // One that touches the read-only mode runs on the primary: a replica connection must stay read-only.
            if (ReplicaGuard.runsOnPrimary(info.sessionKey())) {
                return topology.primary();
            }
            if (current != null && !current.isClosed()) {
                return current.node();
            }
            statement = PLAIN_READ;
        }
        if (!state.autoCommit() && !state.readOnly()) {
            // Design §2 rule 2, which the policy applies before anything a statement or hint says: a read-write
            // transaction starts on the primary. Answered here so that its first statement builds no request.
            return topology.primary();
        }
        if (!statement.replicaEligible() && statement.kind() != StatementKind.TRANSACTION) {
            // Design §2 rule 4 as the policy applies it: only a plain read, or a BEGIN READ ONLY, may leave the
            // primary. Answered here so that a write builds no request and reads no freshness state: that work was
            // a microsecond per write end to end.
            return topology.primary();
        }
        if (options.readConsistency() == ReadConsistency.STRONG && statement.hints().isEmpty()) {
            // What the policy would answer (design §5: strong sends everything to the primary), without building a
            // request for it: strong exists to cost nothing over the raw driver. Hints may ask for a replica.
            return topology.primary();
        }
        return route(statement);
    }

    /**
     * Rule 5 with the monitor's snapshot and this session's read-your-writes and monotonic-read needs. When the read
     * needs a commit no probe of the primary has located yet, no replica can be shown to have it: the monitor is
     * asked to probe the primary now, and {@code primary} reads there at once (it has the commit) while {@code wait}
     * and {@code fail} wait for that probe and route again. When no replica qualifies only because the monitor has
     * not yet seen one catch up, the closest replica is asked directly (one round trip to it, none to the primary)
     * before the fallback applies; {@code wait} keeps asking, and waits for newer snapshots, until
     * {@code replicaWaitTimeout}, then uses the primary.
     */
    private Node route(Classification statement) throws SQLException {
        TopologyMonitor monitor = topology.monitor();
        boolean free = monitor == null || !needsFreshness(statement);
        dev.junction.router.SessionState session = routingSession();
        if (monitor != null) {
            // Read before anything the decision reads, so that a change made meanwhile shows as a difference.
            Node reused = memo.reuse(statement, session, topology.snapshot(), free ? null : monitor.positions(),
                    commitCount(free), freshnessVersion(free), catalogGeneration(free), monitor.nanoTime(), topology.policy(),
                    options, topology);
            if (reused != null) {
                return reused;
            }
        }
        if (views.unsafe(statement, monitor == null ? System.nanoTime() : topology.snapshot().takenAtNanos())) {
            return topology.primary(); // a view that calls a function that may write: the read may write
        }
        long deadline = 0;
        boolean asked = false;
        while (true) {
            TopologySnapshot snapshot = topology.snapshot();
            Map<NodeId, TopologyMonitor.Probed> positions = monitor == null ? Map.of() : monitor.positions();
            // What the memo checks, read before the decision reads the rest (see ReplicaRouteMemo).
            ReplicaRouteMemo.Inputs inputs = monitor == null ? null : new ReplicaRouteMemo.Inputs(statement, session, snapshot,
                    free ? null : positions, commitCount(free), freshnessVersion(free), catalogGeneration(free));
            ReplicaRequirement requirement = free ? ReplicaRequirement.NONE : freshness.requirement(positions, monitor.primarySamples());
            RouteDecision decision = topology.policy().route(new RoutingRequest(statement, session, snapshot, options, requirement));
            if (decision.target() == RouteTarget.REPLICA) {
                if (inputs != null) {
                    memo.remember(inputs, qualifying(snapshot, requirement, statement, free), monitor.nanoTime(), options, topology);
                }
                return topology.node(decision.node());
            }
            if (decision.target() != RouteTarget.NO_REPLICA) {
                return topology.primary();
            }
            StaleReadFallback fallback = decision.fallback();
            boolean behind = decision.reason() == RouteReason.NO_REPLICA_BEHIND;
            OptionalLong unlocated = behind && monitor != null
                    ? freshness.unlocatedCommit(effectiveConsistency(statement), statement, monitor.primarySamples())
                    : OptionalLong.empty();
            if (unlocated.isPresent()) {
                monitor.requestPrimaryProbe();
                if (fallback != StaleReadFallback.WAIT && fallback != StaleReadFallback.FAIL) {
                    return topology.primary();
                }
                deadline = waitDeadline(deadline);
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    if (fallback == StaleReadFallback.FAIL) {
                        throw noFreshReplica(statement, snapshot, positions, unlocated);
                    }
                    return topology.primary();
                }
                try {
                    monitor.awaitNewerThan(snapshot, Duration.ofNanos(remaining));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return topology.primary();
                }
                continue;
            }
            if (behind && monitor != null && !asked
                    && askReplica(monitor, decision.waitCandidate(), snapshot, statement)) {
                asked = true;
                continue;
            }
            asked = true;
            if (fallback == StaleReadFallback.FAIL) {
                throw noFreshReplica(statement, snapshot, positions, OptionalLong.empty());
            }
            if (fallback != StaleReadFallback.WAIT || monitor == null) {
                return topology.primary();
            }
            deadline = waitDeadline(deadline);
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return topology.primary();
            }
            // A replica behind on our commits waits inside the server where it can (MariaDB, MySQL), else is polled
            // every few milliseconds; a stale or down one waits for the monitor's next snapshot.
            if (behind && waitInsideReplica(monitor, decision.waitCandidate(), statement, Duration.ofNanos(remaining))) {
                asked = false;
                continue;
            }
            long pause = behind ? Math.min(remaining, POLL_NANOS) : remaining;
            try {
                monitor.awaitNewerThan(snapshot, Duration.ofNanos(pause));
                asked = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return topology.primary();
            }
        }
    }

    // What a replica decision for a read with a freshness requirement rests on besides the snapshot and positions
    // (see ReplicaRouteMemo); zero for a read without one, which depends on none of it.
    private long commitCount(boolean free) {
        return free ? 0 : topology.globalCommits().commitCount();
    }

    private long freshnessVersion(boolean free) {
        return free ? 0 : freshness.version();
    }

    private long catalogGeneration(boolean free) {
        return free || tableCatalog == null ? 0 : tableCatalog.generation();
    }

    /** The up replicas {@code requirement} accepts for {@code statement}: all of them for a read without one. */
    private List<NodeState> qualifying(TopologySnapshot snapshot, ReplicaRequirement requirement, Classification statement,
                                       boolean free) {
        List<NodeState> up = snapshot.upReplicas();
        if (free) {
            return up;
        }
        ReadConsistency consistency = effectiveConsistency(statement);
        List<NodeState> accepted = new ArrayList<>(up.size());
        for (NodeState replica : up) {
            if (requirement.isSatisfiedBy(replica, consistency, statement)) {
                accepted.add(replica);
            }
        }
        return accepted.size() == up.size() ? up : accepted;
    }

    /**
     * The end of a read's wait for a replica: {@code replicaWaitTimeout} from the first time it has to wait (0 means
     * not yet), so that routing without waiting never reads the clock.
     */
    private long waitDeadline(long deadline) {
        return deadline != 0 ? deadline : System.nanoTime() + replicaWaitTimeout.toNanos();
    }

    /**
     * Has the replica the policy found closest wait, inside the server, for the commits this read needs.
     *
     * @return false when the server cannot wait that way or the wait could not run: the caller polls instead
     */
    private boolean waitInsideReplica(TopologyMonitor monitor, NodeId candidate, Classification statement, Duration timeout) {
        if (candidate == null) {
            return false;
        }
        ReplicationPosition required = freshness.required(effectiveConsistency(statement), statement, candidate,
                monitor.primarySamples());
        if (required == null) {
            return false;
        }
        NodeSession session = null;
        try {
            session = open(topology.node(candidate));
            Connection physical = session.physical();
            boolean waited = monitor.probe().awaitPosition(physical, required, timeout);
            if (waited && !physical.getAutoCommit()) {
                physical.rollback(); // as in askReplica: the session's transaction has not begun yet
            }
            return waited;
        } catch (SQLException e) {
            if (session != null) {
                failed(e, session);
            }
            return false;
        }
    }

    /**
     * Whether {@code statement} reads with read-your-writes and monotonic reads ({@code session}, {@code global}):
     * only then does routing consult, and a read update, the session's freshness record. An {@code eventual} or
     * {@code strong} read skips both, which in an end-to-end profile was a fifth of Junction's time per read.
     */
    private boolean needsFreshness(Classification statement) {
        ReadConsistency consistency = effectiveConsistency(statement);
        return consistency == ReadConsistency.SESSION || consistency == ReadConsistency.GLOBAL;
    }

    private ReadConsistency effectiveConsistency(Classification statement) {
        return statement.hints().consistency() != null ? statement.hints().consistency()
                : statement.hints().replica() ? ReadConsistency.EVENTUAL : options.readConsistency();
    }

    /**
     * Asks the replica the policy found closest how far it has replayed, on this session's own connection to it.
     *
     * @return true when the answer is new information worth routing again on
     */
    private boolean askReplica(TopologyMonitor monitor, NodeId candidate, TopologySnapshot snapshot, Classification statement) {
        NodeId target = candidate;
        if (target == null) {
            return false;
        }
        NodeState state = snapshot.node(target);
        if (state == null || !state.up()) {
            return false;
        }
        NodeSession session = null;
        try {
            session = open(topology.node(target));
            Connection physical = session.physical();
            ReplicationProbe.Answer answer = monitor.probe().probe(physical);
            if (!physical.getAutoCommit()) {
                // The session's transaction has not begun (route() runs before it has a node): end the one the
                // question opened, so that the transaction starts clean with the session's settings.
                physical.rollback();
            }
            if (answer.role() != dev.junction.router.NodeRole.REPLICA || answer.position() == null) {
                return false;
            }
            ReplicationPosition before = freshness.position(target, monitor.positions());
            freshness.observed(target, answer.position());
            return before == null || !before.covers(answer.position());
        } catch (SQLException e) {
            if (session != null) {
                failed(e, session);
            }
            return false;
        }
    }

    /** @param unlocated the instant of the commit the read needs when no probe of the primary has located it */
    private SQLException noFreshReplica(Classification statement, TopologySnapshot snapshot, Map<NodeId, TopologyMonitor.Probed> positions,
                                        OptionalLong unlocated) {
        ReadConsistency consistency = effectiveConsistency(statement);
        Duration budget = RoutingPolicy.lagBudget(statement, options);
        TopologyMonitor monitor = topology.monitor();
        PrimarySamples samples = monitor == null ? new PrimarySamples(1) : monitor.primarySamples();
        StringBuilder replicas = new StringBuilder();
        for (NodeState replica : snapshot.replicas()) {
            if (replicas.length() > 0) {
                replicas.append(", ");
            }
            replicas.append(replica.id()).append(replica.up() ? "" : " down").append(" staleness ")
                    .append(replica.stalenessBound() == null ? "unknown" : replica.stalenessBound().toMillis() + " ms");
            ReplicationPosition required = freshness.required(consistency, statement, replica.id(), samples);
            ReplicationPosition position = freshness.position(replica.id(), positions);
            if (required != null && (position == null || !position.covers(required))) {
                replicas.append(" (has ").append(position == null ? "no known position" : position.text())
                        .append(", the read needs ").append(required.text()).append(')');
            }
        }
        if (replicas.length() == 0) {
            replicas.append("no replica");
        }
        if (unlocated.isPresent()) {
            long ago = monitor == null ? 0 : Math.max(0, monitor.nanoTime() - unlocated.getAsLong());
            replicas.append("; the read needs a commit acknowledged ").append(Duration.ofNanos(ago).toMillis())
                    .append(" ms ago that has not been located yet (no probe of the primary sent since then has answered)");
        }
        return JunctionErrorCode.NO_FRESH_REPLICA.exception(settings.clusterKey(), JunctionProperty.MAX_REPLICA_LAG.format(budget),
                consistency.propertyValue(), replicas.toString());
    }

    /** The session as the routing policy sees it when no transaction holds a node yet. */
    private dev.junction.router.SessionState routingSession() {
        boolean serializableOnPostgres = state.isSerializable() && topology.dialect().pinsOnSerializable();
        return ROUTING_SESSIONS[(state.autoCommit() ? 4 : 0) | (state.readOnly() ? 2 : 0) | (serializableOnPostgres ? 1 : 0)];
    }

    private static dev.junction.router.SessionState[] routingSessions() {
        dev.junction.router.SessionState[] sessions = new dev.junction.router.SessionState[8];
        for (int bits = 0; bits < sessions.length; bits++) {
            sessions[bits] = dev.junction.router.SessionState.builder()
                    .autoCommit((bits & 4) != 0)
                    .readOnly((bits & 2) != 0)
                    .serializableOnPostgres((bits & 1) != 0)
                    .build();
        }
        return sessions;
    }

    /** Router options from the Junction properties, whose enumerated values are the router's own enums. */
    static RoutingOptions routingOptions(JunctionProperties properties) {
        return RoutingOptions.DEFAULTS
                .withMaxReplicaLag(properties.get(JunctionProperty.MAX_REPLICA_LAG))
                .withReadConsistency(properties.get(JunctionProperty.READ_CONSISTENCY))
                .withStaleReadFallback(properties.get(JunctionProperty.STALE_READ_FALLBACK))
                .withLoadBalance(properties.get(JunctionProperty.LOAD_BALANCE));
    }

    private NodeSession open(Node node) throws SQLException {
        NodeSession last = lastOpened;
        if (last != null && last.node() == node && !last.isClosed() && last.fitsRole()) {
            return last; // the common case, without the map: consecutive statements mostly run on one node
        }
        NodeSession session = sessions.get(node);
        if (session != null && !session.isClosed()) {
            if (session.fitsRole() || session == transactionSession) {
                lastOpened = session;
                return session;
            }
            // The node changed role since this connection was opened (a promotion, a demotion): a connection opened
            // read-only to a replica cannot take writes, one opened to a primary is not guarded as a replica's must be.
            session.close();
        }
        session = NodeSession.open(node, connector.open(node.address()), topology.dialect(), replicaReadTimeout);
        sessions.put(node, session);
        lastOpened = session;
        return session;
    }

    /**
     * Where to run an execution again after it failed on {@code session}, or null when it must fail. Only an
     * auto-commit statement outside any transaction or pin is retried, once, and only when the failure shows it had no
     * effect: a replica refused it as read-only (the classifier misjudged a write: it runs on the primary instead,
     * and the misjudgement is logged so that its cause can be fixed), or a read's replica was lost or did not answer
     * within {@code replicaReadTimeout} (the replica is reported down to the monitor and the read routed again, to
     * another qualifying replica or the primary; design §7).
     */
    NodeSession retrySession(SQLException e, NodeSession session, StatementInfo info, boolean forcePrimary) throws SQLException {
        if (session == null || !session.guarded() || !state.autoCommit() || sqlTransaction || transactionSession != null
                || pins.pinnedNode() != null || closed) {
            return null;
        }
        if (topology.dialect().isReadOnlyRefusal(e)) {
            ReadOnlyRefusals.record(session.node(), info, e);
            NodeSession primary = open(topology.primary());
            primary.sync(state, false);
            current = primary;
            return primary;
        }
        if ((info.isRead() || info.kind() == StatementInfo.Kind.SESSION) && Dialect.isConnectionLoss(e)) {
            // Down until a probe reaches it again (the monitor's, or the next role check's): the retry must not go back.
            drop(session);
            topology.markDown(session.node(), e.getMessage());
            memo.forget();
            return sessionFor(info, forcePrimary);
        }
        return null;
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
                long sequence = state.record(info.sessionKey(), sql, replay);
                session.applied(sequence);
                break;
            case BEGIN:
                if (state.autoCommit()) {
                    sqlTransaction = true;
                    transactionSession = session;
                }
                break;
            case END:
                endedInSql(statement.sessionEffect(), session);
                break;
            default:
                break;
        }
        pins.executed(info, session.node(), sqlTransaction || !state.autoCommit() || transactionSession != null);
        if (sqlTransaction && transactionSession == null) {
            transactionSession = session;
        }
    }

    /** DDL may change the functions and views routing has judged; MySQL commits the open transaction before it. */
    private void definitionsOrImplicitCommit(StatementInfo info, NodeSession session) {
        if (info.classification().kind() == StatementKind.DDL) {
            routing.definitionsChanged(); // CREATE OR REPLACE FUNCTION / VIEW: what routing learnt may be wrong now
        }
        if (info.classification().implicitCommit() && (sqlTransaction || transactionSession != null)
                && info.kind() != StatementInfo.Kind.END) {
            implicitlyCommitted(session);
        }
    }

    /** {@code SET autocommit = 0|1} ran on {@code session}: the logical connection's mode follows. */
    private void autoCommitSetInSql(StatementInfo info, NodeSession session) {
        boolean on = "1".equals(info.sessionKey());
        if (on && (sqlTransaction || transactionSession != null)) {
            implicitlyCommitted(session); // MySQL commits the open transaction when auto-commit goes back on
            endTransaction();
        }
        state.autoCommit(on);
        session.appliedAutoCommit(on);
    }

    /** A COMMIT, ROLLBACK, XA COMMIT... ran on {@code session}: the transaction ends, unless chained. */
    private void endedInSql(dev.junction.router.SessionEffect effect, NodeSession session) {
        transactionEnded(session, commits(effect));
        if (effect == null || !effect.chain()) {
            sqlTransaction = false;
            transactionSession = null;
        }
    }

    /** Whether a statement that ends a transaction commits it: COMMIT, END, XA COMMIT, COMMIT PREPARED. */
    private static boolean commits(dev.junction.router.SessionEffect effect) {
        if (effect == null) {
            return true;
        }
        switch (effect.kind()) {
            case ROLLBACK:
            case XA_ROLLBACK:
                return false;
            case TWO_PHASE:
                String text = effect.value() == null ? "" : effect.value().toLowerCase(java.util.Locale.ROOT);
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
        if (sqlTransaction) {
            sqlTransaction = false;
            transactionSession = null;
        }
    }

    /**
     * Read consistency bookkeeping after a statement ran: a read raises the session's monotonic-read floor; a write
     * in auto-commit records its commit at once; one inside a transaction is remembered for the commit.
     */
    private void trackFreshness(StatementInfo info, NodeSession session) {
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            return;
        }
        if (info.classification().kind() == StatementKind.DDL && tableCatalog != null) {
            tableCatalog.forgetAll();
        }
        if (info.isRead()) {
            if (needsFreshness(info.classification())) {
                freshness.readOn(session.node().id(), monitor.positions(), monitor.probesStarted());
            }
            return;
        }
        if (info.kind() != StatementInfo.Kind.WRITE || !recordsCommits || session.node().role() != NodeRole.PRIMARY) {
            return;
        }
        boolean inTransaction = sqlTransaction || !state.autoCommit() || transactionSession != null;
        if (inTransaction) {
            freshness.wroteInTransaction(tablesWritten(info.classification(), monitor));
        } else {
            recordCommit(monitor, SessionFreshness.orAll(tablesWritten(info.classification(), monitor)));
        }
    }

    /**
     * {@link SessionFreshness#tablesWritten} for a write (auto-commit or in a transaction), remembered for the last
     * statement while the catalog's answers are the same (its generation) and for at most a second of the monitor's
     * clock, so that the catalog still sees a question per table often enough to refresh its answers on time. Asking
     * the catalog on every write was ~2.5 us per write end to end.
     */
    private Set<String> tablesWritten(Classification statement, TopologyMonitor monitor) {
        long generation = tableCatalog == null ? 0 : tableCatalog.generation();
        long now = monitor.snapshot().takenAtNanos();
        if (statement != writtenBy || generation != writtenGeneration || now - writtenAt >= WRITTEN_TABLES_REUSE_NANOS) {
            written = SessionFreshness.tablesWritten(statement, freshness.standalone());
            writtenBy = statement;
            writtenGeneration = generation;
            writtenAt = now;
        }
        return written;
    }

    /** A transaction ended on {@code session}; if it committed writes, the commit is recorded. */
    private void transactionEnded(NodeSession session, boolean committed) {
        pins.transactionEnded(committed);
        if (!freshness.transactionWrote()) {
            return;
        }
        Set<String> tables = freshness.endTransaction();
        TopologyMonitor monitor = topology.monitor();
        if (committed && monitor != null && session != null && !session.isClosed()) {
            recordCommit(monitor, tables);
        }
    }

    /**
     * Records a commit that has just returned as the monitor's instant now, without asking the primary anything: the
     * first probe of the primary sent from now on locates it ({@link SessionFreshness}). The commit does not ask for
     * that probe; a read that needs the commit does. Asking at every commit was tried: it did not raise the share of
     * reads on replicas in the checker workload measurably (reads come microseconds after writes there), and it adds
     * a query on the primary per burst of commits, whose cost on a loaded primary was not measured.
     */
    private void recordCommit(TopologyMonitor monitor, Set<String> tables) {
        freshness.committed(monitor.nanoTime(), tables);
    }

    /** Pins the session to {@code session}'s node, for state Junction cannot replay elsewhere. */
    void pin(NodeSession session, String reason) {
        if (session != null) {
            pins.hold(session.node(), reason);
        }
    }

    /**
     * The funnel for errors from a physical connection: names the node, and reacts to what the error says about
     * the topology (a lost connection, a primary that turned read-only).
     */
    SQLException failed(SQLException e, NodeSession session) {
        if (session == null) {
            return e;
        }
        pins.failed();
        if (Dialect.isConnectionLoss(e)) {
            topology.invalidate();
            drop(session);
        } else if (topology.dialect().isReadOnlyRefusal(e) && session.node().role() == NodeRole.PRIMARY) {
            topology.invalidate();
        }
        return ExceptionFunnel.withNode(e, session.node());
    }

    /** Forgets a physical connection that was lost, with the transaction and pins it held. */
    private void drop(NodeSession session) {
        session.close();
        sessions.remove(session.node(), session);
        if (transactionSession == session) {
            transactionSession = null;
            sqlTransaction = false;
        }
        pins.lost(session.node()); // what pinned the session died with the connection
    }

    /** The session for connection-level operations that need some node: the transaction's, else the primary. */
    private NodeSession anchorSession() throws SQLException {
        checkOpen();
        if (transactionSession != null) {
            return transactionSession;
        }
        topology.ensureProbed(connector);
        NodeSession session = open(pins.pinnedNode() != null ? pins.pinnedNode() : topology.primary());
        try {
            session.sync(state, session == transactionSession);
        } catch (SQLException e) {
            throw failed(e, session);
        }
        return session;
    }

    /** The most recently used session, else the anchor. */
    private NodeSession currentOrAnchor() throws SQLException {
        return current != null && !current.isClosed() ? current : anchorSession();
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw JunctionErrorCode.CONNECTION_CLOSED.exception();
        }
    }

    ConnectionSettings settings() {
        return settings;
    }

    // ---- transactions ----

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (autoCommit && !state.autoCommit() && transactionSession != null) {
            commit();
        }
        state.autoCommit(autoCommit);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return state.autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        NodeSession session = transactionSession;
        if (session == null) {
            return;
        }
        try {
            session.physical().commit();
        } catch (SQLException e) {
            freshness.endTransaction();
            throw failed(e, session);
        } finally {
            endTransaction();
        }
        transactionEnded(session, true);
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        NodeSession session = transactionSession;
        if (session == null) {
            return;
        }
        try {
            session.physical().rollback();
        } catch (SQLException e) {
            throw failed(e, session);
        } finally {
            endTransaction();
            freshness.endTransaction();
        }
        pins.transactionEnded(false);
    }

    private void endTransaction() {
        transactionSession = null;
        sqlTransaction = false;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        NodeSession session = sessionFor(routing.classify("SAVEPOINT junction"), false);
        try {
            return session.physical().setSavepoint();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        NodeSession session = sessionFor(routing.classify("SAVEPOINT junction"), false);
        try {
            return session.physical().setSavepoint(name);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        NodeSession session = anchorSession();
        try {
            session.physical().rollback(savepoint);
        } catch (SQLException e) {
            throw failed(e, session);
        }
        pins.rolledBackToSavepoint();
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        NodeSession session = anchorSession();
        try {
            session.physical().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    // ---- session state: recorded, applied lazily to each physical connection ----

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        state.readOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return state.readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (transactionSession != null) {
            // Inside a transaction the backend decides whether this is allowed: let it say so now.
            try {
                transactionSession.physical().setTransactionIsolation(level);
            } catch (SQLException e) {
                throw failed(e, transactionSession);
            }
        }
        state.isolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (state.isolation() != null) {
            return state.isolation();
        }
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().getTransactionIsolation();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        // PgJDBC's setSchema is SET search_path: one key, so that the later of the two wins on replay.
        String key = settings.backend() == Backend.POSTGRESQL ? "search_path" : "schema";
        recordAndApply(key, "setSchema", physical -> physical.setSchema(schema));
    }

    @Override
    public String getSchema() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().getSchema();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        // Connector/J's setCatalog is USE: the same key as a USE statement.
        recordAndApply("catalog", "setCatalog", physical -> physical.setCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().getCatalog();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        networkTimeout = milliseconds;
        recordAndApply(SessionState.CLIENT_SIDE + "networkTimeout", "setNetworkTimeout", physical -> physical.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException(JunctionErrorCode.CONNECTION_CLOSED.message(), "08003",
                    JunctionErrorCode.CONNECTION_CLOSED.vendorCode(), Map.of(), null);
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
        try {
            recordAndApply("clientInfo:" + name, "setClientInfo(" + name + ")", physical -> physical.setClientInfo(name, value));
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        clientInfo.clear();
        state.removeKeysStartingWith("clientInfo:");
        Properties copy = new Properties();
        copy.putAll(properties);
        clientInfo.putAll(copy);
        try {
            checkOpen();
            recordAndApply("clientInfo:*", "setClientInfo(Properties)", physical -> physical.setClientInfo(copy));
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        recordAndApply(SessionState.CLIENT_SIDE + "holdability", "setHoldability", physical -> physical.setHoldability(holdability));
    }

    @Override
    public int getHoldability() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().getHoldability();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        Map<String, Class<?>> copy = Map.copyOf(map);
        recordAndApply(SessionState.CLIENT_SIDE + "typeMap", "setTypeMap", physical -> physical.setTypeMap(copy));
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().getTypeMap();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /**
     * Logs a change for replay and applies it at once to the physical connections already open, so that an invalid
     * value fails here, where the application made it, as it would on a plain connection.
     */
    private void recordAndApply(String key, String description, SessionChange.Action action) throws SQLException {
        long sequence = state.record(key, description, action);
        for (NodeSession session : new ArrayList<>(sessions.values())) {
            if (session.isClosed()) {
                continue;
            }
            try {
                session.sync(state, session == transactionSession);
            } catch (SQLException e) {
                throw failed(e, session);
            }
            session.applied(sequence);
        }
    }

    // ---- statements ----

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return WrapperFactory.statement(this, resultSetConcurrency, physical -> physical.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        return WrapperFactory.statement(this, resultSetConcurrency,
                physical -> physical.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return WrapperFactory.preparedStatement(this, sql, java.sql.ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return WrapperFactory.preparedStatement(this, sql, resultSetConcurrency,
                physical -> physical.prepareStatement(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return WrapperFactory.preparedStatement(this, sql, resultSetConcurrency,
                physical -> physical.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return WrapperFactory.preparedStatement(this, sql, java.sql.ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        int[] copy = columnIndexes.clone();
        return WrapperFactory.preparedStatement(this, sql, java.sql.ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, copy));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        String[] copy = columnNames.clone();
        return WrapperFactory.preparedStatement(this, sql, java.sql.ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, copy));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        return WrapperFactory.callableStatement(this, sql, physical -> physical.prepareCall(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return WrapperFactory.callableStatement(this, sql, physical -> physical.prepareCall(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return WrapperFactory.callableStatement(this, sql,
                physical -> physical.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        NodeSession session = anchorSession();
        try {
            return WrapperFactory.metaData(this, session.physical().getMetaData(), session);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().nativeSQL(sql);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    // ---- values created by a node: they carry no route back to a physical connection ----

    @Override
    public Clob createClob() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createClob();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public Blob createBlob() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createBlob();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public NClob createNClob() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createNClob();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createSQLXML();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createArrayOf(typeName, elements);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return session.physical().createStruct(typeName, attributes);
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    // ---- warnings, validity, lifecycle ----

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        NodeSession session = current;
        if (session == null || session.isClosed()) {
            return null;
        }
        try {
            return session.physical().getWarnings();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (NodeSession session : sessions.values()) {
            if (!session.isClosed()) {
                try {
                    session.physical().clearWarnings();
                } catch (SQLException e) {
                    throw failed(e, session);
                }
            }
        }
    }

    /**
     * True when every open physical connection is valid; with none open yet, when some node answers. A pool calls
     * this often, so it opens no connection when one is open.
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative, was " + timeout, "22023");
        }
        if (closed) {
            return false;
        }
        boolean any = false;
        for (NodeSession session : new ArrayList<>(sessions.values())) {
            if (session.isClosed()) {
                continue;
            }
            if (!session.physical().isValid(timeout)) {
                failed(new SQLException("not valid", "08006"), session);
                return false;
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

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        for (NodeSession session : sessions.values()) {
            session.close();
        }
        sessions.clear();
        current = null;
        transactionSession = null;
        releaseMonitor();
    }

    private void releaseMonitor() {
        if (lease != null) {
            lease.release(Connections.IDLE_GRACE);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor", "22023");
        }
        closed = true;
        for (NodeSession session : new ArrayList<>(sessions.values())) {
            try {
                session.physical().abort(executor);
            } catch (SQLException e) {
                session.close();
            }
        }
        releaseMonitor();
    }

    // ---- JunctionConnection ----

    @Override
    public String topology() {
        return topology.describe();
    }

    @Override
    public String lastNode() {
        NodeSession session = current;
        return session == null ? null : session.node().toString();
    }

    @Override
    public Set<String> pins() {
        return pins.reasons(state.isSerializable() && topology.dialect().pinsOnSerializable());
    }

    @Override
    public String causalToken() throws SQLException {
        checkOpen();
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            return null;
        }
        ReplicationPosition position;
        OptionalLong commit = freshness.latestCommit();
        if (!recordsCommits) {
            // This session's commits were not recorded: only the primary knows a position that covers them.
            position = askPrimary(monitor);
        } else if (commit.isEmpty()) {
            position = monitor.primaryPosition().orElse(null);
        } else {
            position = monitor.primarySamples().covering(commit.getAsLong()).orElse(null);
            if (position == null) {
                position = askPrimary(monitor);
            }
        }
        return position == null ? null : CausalToken.format(monitor.probe(), position);
    }

    /**
     * Asks the primary where it is now, on this session's own connection to it (one round trip, for a token only),
     * and keeps the answer as a sample of the primary sent at the instant taken just before asking, which locates
     * every commit acknowledged until then for every connection.
     */
    private ReplicationPosition askPrimary(TopologyMonitor monitor) throws SQLException {
        topology.ensureProbed(connector);
        NodeSession session = open(topology.primary());
        try {
            Connection physical = session.physical();
            long sent = monitor.nanoTime();
            ReplicationProbe.Answer answer = monitor.probe().probe(physical);
            if (session != transactionSession && !physical.getAutoCommit()) {
                physical.rollback(); // as in askReplica: no transaction of the session's has begun on it
            }
            if (answer.role() == dev.junction.router.NodeRole.PRIMARY && answer.position() != null) {
                monitor.primarySamples().record(sent, answer.position());
            }
            return answer.position();
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    @Override
    public void awaitToken(String token) throws SQLException {
        checkOpen();
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(token, "this connection has no topology monitor");
        }
        freshness.await(CausalToken.parse(monitor.probe(), token));
    }

    @Override
    public List<NodeStatus> topologyReport() throws SQLException {
        checkOpen();
        return StatusReport.of(topology.monitor(), topology);
    }

    /** The physical connections open now, for tests and status output. */
    List<NodeSession> openSessions() {
        return List.copyOf(sessions.values());
    }

    /** The session's state, for tests. */
    SessionState state() {
        return state;
    }

    // ---- wrapper ----

    /**
     * Unwraps to Junction's own interfaces, or else to the primary's physical connection (PgJDBC's
     * {@code PGConnection} for COPY, for example). What the application then does on that connection bypasses
     * Junction's tracking, so the session is pinned to that node from then on.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        NodeSession session = anchorSession();
        Connection physical = session.physical();
        if (iface.isInstance(physical) || physical.isWrapperFor(iface)) {
            pins.unwrapped(session.node(), iface.getSimpleName());
            return iface.isInstance(physical) ? iface.cast(physical) : physical.unwrap(iface);
        }
        throw JunctionErrorCode.NOT_A_WRAPPER.exception(this, iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection physical = anchorSession().physical();
        return iface.isInstance(physical) || physical.isWrapperFor(iface);
    }

    /** {@code JunctionConnection@1a2b [primary pg1:5432, replica pg2:5432]}: the nodes it has open, no credentials. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("JunctionConnection@").append(Integer.toHexString(hashCode())).append(" [");
        String separator = "";
        for (NodeSession session : sessions.values()) {
            text.append(separator).append(session.node().role().label()).append(' ').append(session.node().address());
            separator = ", ";
        }
        if (separator.isEmpty()) {
            text.append(settings.url());
        }
        return text.append(closed ? "] closed" : "]").toString();
    }
}
