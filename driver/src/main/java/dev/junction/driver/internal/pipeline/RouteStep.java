package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.metrics.RouteCounts;
import dev.junction.driver.internal.metrics.RoutedTo;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.Classification;
import dev.junction.router.RouteDecision;
import dev.junction.router.RouteReason;
import dev.junction.router.RouteTarget;
import dev.junction.router.RoutingOptions;
import dev.junction.router.SessionState;
import dev.junction.router.StatementKind;
import dev.junction.router.TransactionRouting;
import dev.junction.router.TransactionShapes;
import java.sql.SQLException;

/**
 * The route step: which node runs a statement now. Design §2 is the router's {@code RoutingPolicy}, asked with the
 * whole session ({@link PolicySession}: the open transaction's node, the pins, the JDBC settings); rule 5, the choice
 * of a replica and what happens when none qualifies, is {@link ReplicaRouter}'s, with its memo in front of the
 * policy. This class adds only what is not a routing rule:
 *
 * <ul>
 *   <li>A transaction runs where it began. The policy answers the primary for a statement that cannot follow a
 *       read-only transaction to its replica; the transaction does not move for it: the replica, read-only at the
 *       server, judges the statement as a server judges one in any read-only transaction (a write fails with
 *       25006, a function that only reads runs). An optimistic transaction (one not declared read-only that
 *       started on a replica, {@code transactionRouting}) moves to the primary instead ({@link TransactionMove}).</li>
 *   <li>A session change ({@code SET}, {@code USE}) in auto-commit changes no data and is replayed on every node the
 *       session uses: it runs where the session already is, or where a read would go, so that a pool's
 *       {@code SET} on a borrowed connection does not open one to the primary. One that touches the read-only mode
 *       runs on the primary: a replica connection must stay read-only ({@link ReplicaGuard}).</li>
 *   <li>Batches, calls and updatable result sets may write whatever their text says: the policy sees them as
 *       statements it cannot classify.</li>
 * </ul>
 *
 * <p>Every decision is counted here, once per routing, by where it sends the statement and why ({@link RouteCounts}, the connection's own, summed by {@code ClusterMetrics}):
 * a read routed again after its replica could not be reached counts twice, as it was routed twice. It is
 * also logged at DEBUG on the {@code System.Logger} {@code dev.junction.routing}: the statement's kind, the node and the
 * reason, never its text (literals) nor credentials.
 */
final class RouteStep {
    private static final Classification PLAIN_READ =
            Classification.builder(StatementKind.READ).build();
    private static final Classification MAY_WRITE =
            Classification.builder(StatementKind.UNKNOWN).build();
    /**
     * The policy's view of a session no transaction or pin holds, per (optimistic start, auto-commit, read-only,
     * serializable): built once.
     */
    private static final SessionState[] UNHELD_SESSIONS = unheldSessions();
    /** Each routing decision at DEBUG; checked before anything is formatted. */
    private static final System.Logger ROUTING_LOG = System.getLogger("dev.junction.routing");

    private final ClusterTopology topology;
    private final RoutingOptions options;
    private final ReplicaRouter replicas;
    private final PolicySession session;
    private final SessionSettings state;
    private final OpenTransaction transaction;
    private final SessionPins pins;
    private final NodeSessions sessions;
    /** The primary, waited for during a failover. */
    private final NodeAccess nodes;

    private final TransactionRouting transactionRouting;
    private final TransactionShapes shapes;
    /** {@code learnedWriteShare}: a shape whose recent transactions wrote less often starts on a replica. */
    private final double learnedWriteShare;

    private final RouteCounts routeCounts;

    private RouteReason moveReason;
    /** Where the decision being made sends the statement, and why: set on every path of {@link #decide}. */
    private RoutedTo routedTo;

    private RouteReason reason;

    RouteStep(
            ClusterTopology topology,
            RoutingOptions options,
            ReplicaRouter replicas,
            PolicySession session,
            SessionSettings state,
            OpenTransaction transaction,
            SessionPins pins,
            NodeSessions sessions,
            NodeAccess nodes,
            TransactionRouting transactionRouting,
            TransactionShapes shapes,
            double learnedWriteShare,
            RouteCounts routeCounts) {
        this.routeCounts = routeCounts;
        this.transactionRouting = transactionRouting;
        this.shapes = shapes;
        this.learnedWriteShare = learnedWriteShare;
        this.topology = topology;
        this.options = options;
        this.replicas = replicas;
        this.session = session;
        this.state = state;
        this.transaction = transaction;
        this.pins = pins;
        this.sessions = sessions;
        this.nodes = nodes;
    }

    /** Router options from the Junction properties, whose enumerated values are the router's own enums. */
    static RoutingOptions routingOptions(JunctionProperties properties) {
        return RoutingOptions.DEFAULTS
                .withMaxReplicaLag(properties.get(JunctionProperty.MAX_REPLICA_LAG))
                .withReadConsistency(properties.get(JunctionProperty.READ_CONSISTENCY))
                .withStaleReadFallback(properties.get(JunctionProperty.STALE_READ_FALLBACK))
                .withLoadBalance(properties.get(JunctionProperty.LOAD_BALANCE))
                .withPrimaryReads(properties.get(JunctionProperty.PRIMARY_READS));
    }

    /**
     * The node that runs {@code info} now.
     *
     * @param mayWrite a batch, a call or an updatable result set: it may write whatever its text says
     */
    Node choose(StatementInfo info, String text, boolean mayWrite) throws SQLException {
        Node node = decide(info, text, mayWrite);
        routeCounts.routed(routedTo, reason);
        if (ROUTING_LOG.isLoggable(System.Logger.Level.DEBUG)) {
            ROUTING_LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}{1} -> {2} {3} ({4})",
                    info.kind(),
                    mayWrite ? " (may write)" : "",
                    routedTo.label(),
                    node.address(),
                    reason);
        }
        return node;
    }

    private Node decide(StatementInfo info, String text, boolean mayWrite) throws SQLException {
        if (info.kind() == StatementInfo.Kind.AUTOCOMMIT && info.sessionKey() == null) {
            throw JunctionErrorCode.FEATURE_NOT_SUPPORTED.exception(
                    "SET autocommit with an expression, DEFAULT or other variables in the same statement",
                    "Junction must know the connection's auto-commit mode; use Connection.setAutoCommit, or SET autocommit = 0 or 1 alone");
        }
        Classification statement = mayWrite ? MAY_WRITE : info.classification();
        NodeSession held = transaction.session();
        if (held == null && !mayWrite && isSessionChange(info)) {
            reason = RouteReason.SESSION_STATEMENT;
            if (ReplicaGuard.runsOnPrimary(info.sessionKey())) {
                routedTo = RoutedTo.PRIMARY;
                return nodes.primary();
            }
            NodeSession current = sessions.current();
            if (current != null) {
                routedTo = roleOf(current.node());
                return current.node();
            }
            statement = PLAIN_READ;
        }
        session.optimisticStart(held == null && startsOptimistically(text));
        RouteDecision decision = topology.policy().decideWithoutTopology(statement, session, options);
        if (held != null) {
            return heldNode(held, decision);
        }
        if (decision == null) {
            Node node = replicas.route(statement, unheldSession());
            reason = replicas.reason();
            routedTo = replicas.routedTo(node);
            return node;
        }
        reason = decision.reason();
        if (decision.target() == RouteTarget.REPLICA) {
            routedTo = RoutedTo.REPLICA;
            return topology.node(decision.node());
        }
        routedTo = RoutedTo.PRIMARY;
        return nodes.primary();
    }

    private static RoutedTo roleOf(Node node) {
        return node.role() == ProbedRole.REPLICA ? RoutedTo.REPLICA : RoutedTo.PRIMARY;
    }

    /**
     * Where a statement of an open transaction runs: its node. The one exception is an optimistic transaction on a
     * replica at a statement the policy sends to the primary: it moves there ({@link #moveReason()} says why).
     */
    private Node heldNode(NodeSession held, RouteDecision decision) throws SQLException {
        if (transaction.optimistic() && decision != null && decision.target() != RouteTarget.REPLICA) {
            moveReason = decision.reason();
            routedTo = RoutedTo.PRIMARY;
            reason = moveReason;
            return nodes.primary();
        }
        routedTo = roleOf(held.node());
        boolean onReplica = routedTo == RoutedTo.REPLICA;
        if (decision != null && (decision.target() == RouteTarget.REPLICA) == onReplica) {
            reason = decision.reason();
        } else if (onReplica) {
            reason = transaction.optimistic() ? RouteReason.OPTIMISTIC_TRANSACTION : RouteReason.READ_ONLY_TRANSACTION;
        } else {
            reason = RouteReason.TRANSACTION;
        }
        return held.node(); // a transaction the application declared read-only stays: see the class comment
    }

    /** Why the last statement routed moves its optimistic transaction to the primary. */
    RouteReason moveReason() {
        return moveReason;
    }

    /**
     * Whether a transaction whose first statement is {@code text} may start on a replica: auto-commit off and not
     * read-only, and {@code transactionRouting} is {@code optimistic}, or {@code learned} and fewer than {@code
     * learnedWriteShare} of this shape's recent transactions wrote (of a mixed shape, of those begun from the same
     * call site).
     */
    private boolean startsOptimistically(String text) {
        if (state.autoCommit() || state.readOnly() || transaction.retryingOnPrimary()) {
            return false;
        }
        switch (transactionRouting) {
            case OPTIMISTIC:
                return true;
            case LEARNED:
                if (text == null) {
                    return false;
                }
                TransactionShapes.Start start = shapes.start(text, learnedWriteShare, ApplicationCallSite::current);
                transaction.startingFrom(start.callSite());
                return start.onReplica();
            default:
                return false;
        }
    }

    /** A session statement in auto-commit that no pin holds anywhere and that creates none. */
    private boolean isSessionChange(StatementInfo info) {
        return info.kind() == StatementInfo.Kind.SESSION
                && info.pinReason() == null
                && state.autoCommit()
                && pins.pinnedNode() == null;
    }

    /**
     * The session as rule 5 sees it: no transaction or pin holds a node, so only these three bits matter. A shared
     * constant, so that {@link ReplicaRouteMemo} recognises it by identity.
     */
    private SessionState unheldSession() {
        return UNHELD_SESSIONS[
                (session.optimisticStart() ? 8 : 0)
                        | (state.autoCommit() ? 4 : 0)
                        | (state.readOnly() ? 2 : 0)
                        | (session.serializableOnPostgres() ? 1 : 0)];
    }

    private static SessionState[] unheldSessions() {
        SessionState[] unheld = new SessionState[16];
        for (int bits = 0; bits < unheld.length; bits++) {
            unheld[bits] = SessionState.builder()
                    .optimisticStart((bits & 8) != 0)
                    .autoCommit((bits & 4) != 0)
                    .readOnly((bits & 2) != 0)
                    .serializableOnPostgres((bits & 1) != 0)
                    .build();
        }
        return unheld;
    }
}
