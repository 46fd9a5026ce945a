package dev.junction.driver.internal;

import dev.junction.driver.JunctionProperty;
import dev.junction.router.ReadConsistency;
import dev.junction.router.RoutingOptions;

import java.sql.SQLException;

/**
 * The path every execution of a logical connection takes, one named step per class (README, "Life of a statement"):
 * classify ({@link StatementRouting}) → rewrite ({@link #rewrite}) → route ({@link RouteStep}, the router's policy and
 * {@link ReplicaRouter}) → acquire ({@link NodeSessions}, synced to the session) → run (the statement wrappers'
 * {@code Execution}) → on failure ({@link FailureSeam}) → on success ({@link ExecutionTracker}), whose commits reach
 * the commit seam ({@link CommitRecorder}). {@link RoutingConnection} is the JDBC façade in front of it and holds the
 * session's state, which the steps share. Not thread-safe, like the connection.
 */
final class StatementPipeline implements NodeAccess {
    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final StatementRouting routing;
    private final SessionState state;
    private final OpenTransaction transaction;
    private final SessionPins pins;
    private final NodeSessions sessions;
    private final RouteStep route;
    private final FailureSeam failures;
    private final ExecutionTracker tracker;
    private final CommitRecorder commits;
    private final CausalTokens tokens;

    StatementPipeline(ConnectionSettings settings, ClusterTopology topology, NodeConnector connector, StatementRouting routing,
                      SessionState state, OpenTransaction transaction) {
        this.topology = topology;
        this.connector = connector;
        this.routing = routing;
        this.state = state;
        this.transaction = transaction;
        this.pins = new SessionPins(settings.backend() == Backend.POSTGRESQL);
        RoutingOptions options = RouteStep.routingOptions(settings.properties());
        TableCatalog tables = topology.tableCatalog(settings.backend(), connector);
        SessionFreshness freshness = new SessionFreshness(topology.globalCommits(), tables == null ? table -> false : tables::isStandalone);
        // eventual reads ignore commits and strong reads always run on the primary: nothing they read depends on them
        boolean recordsCommits = options.readConsistency() != ReadConsistency.EVENTUAL
                && options.readConsistency() != ReadConsistency.STRONG;
        this.commits = new CommitRecorder(topology, freshness, tables, recordsCommits);
        if (recordsCommits) {
            commits.listen(ExecutionTracker.readYourWrites(topology, freshness));
        }
        this.sessions = new NodeSessions(connector, topology.dialect(), settings.properties().get(JunctionProperty.REPLICA_READ_TIMEOUT));
        this.tokens = new CausalTokens(topology, connector, freshness, recordsCommits, this);
        ReplicaRouter replicas = new ReplicaRouter(settings.clusterKey(), topology, options, freshness, tables, routing.views(),
                settings.properties().get(JunctionProperty.REPLICA_WAIT_TIMEOUT), this);
        PolicySession policySession = new PolicySession(state, transaction, pins, topology.dialect().pinsOnSerializable());
        this.route = new RouteStep(topology, options, replicas, policySession, state, transaction, pins, sessions);
        this.failures = new FailureSeam(topology, sessions, transaction, pins, replicas);
        this.tracker = new ExecutionTracker(routing, topology, state, transaction, pins, commits, freshness, replicas, tables);
    }

    /** The classify step: what the statement is and does, cached per SQL text. */
    StatementInfo classify(String sql) {
        return routing.classify(sql);
    }

    /**
     * The rewrite step: the text that runs for {@code sql}. The identity today; multi-master stamping will rewrite
     * writes to opted-in tables here (design §8).
     */
    String rewrite(StatementInfo info, String sql) {
        return sql;
    }

    /**
     * The route and acquire steps: the physical connection that runs {@code info} now, synced to the session state.
     * A replica that cannot be connected to for an auto-commit read is reported down and the read routed once more.
     *
     * @param mayWrite batches, calls and updatable result sets: they may write whatever their text says
     */
    NodeSession acquire(StatementInfo info, boolean mayWrite) throws SQLException {
        topology.ensureProbed(connector);
        Node target = route.choose(info, mayWrite);
        NodeSession session;
        try {
            session = open(target);
        } catch (SQLException e) {
            if (!failures.replicaUnreachable(e, target, info, state.autoCommit())) {
                throw e;
            }
            session = open(route.choose(info, mayWrite));
        }
        sync(session);
        if (!state.autoCommit()) {
            transaction.heldBy(session);
        }
        sessions.use(session);
        return session;
    }

    /**
     * Where to run an execution again after it failed on {@code session} ({@link FailureSeam#afterFailure}), or null
     * when the failure must surface.
     */
    NodeSession retry(SQLException e, NodeSession session, StatementInfo info, boolean mayWrite) throws SQLException {
        if (sessions.closed()) {
            return null;
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
    void executed(StatementInfo info, NodeSession session, String sql, SessionChange.Action replay) {
        tracker.executed(info, session, sql, replay);
    }

    /** The on-failure step: names the node, reacts to what the error says; returns the exception to throw. */
    @Override
    public SQLException failed(SQLException e, NodeSession session) {
        return failures.failed(e, session);
    }

    @Override
    public NodeSession open(Node node) throws SQLException {
        return sessions.open(node, transaction.session());
    }

    /** Brings {@code session} to the session's state before it runs anything. */
    void sync(NodeSession session) throws SQLException {
        try {
            session.sync(state, session == transaction.session());
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /** Pins the session to {@code session}'s node, for state Junction cannot replay elsewhere. */
    void pin(NodeSession session, String reason) {
        if (session != null) {
            pins.hold(session.node(), reason);
        }
    }

    /** The session for connection-level operations that need some node: the transaction's, else the pin's or primary. */
    NodeSession anchor() throws SQLException {
        if (transaction.session() != null) {
            return transaction.session();
        }
        topology.ensureProbed(connector);
        NodeSession session = open(pins.pinnedNode() != null ? pins.pinnedNode() : topology.primary());
        sync(session);
        return session;
    }

    /** Fails when no node of the cluster can be reached (the first probe, or the monitor's answer). */
    void anchorReachable() throws SQLException {
        topology.ensureProbed(connector);
    }

    /** The most recently used session, else the anchor. */
    NodeSession currentOrAnchor() throws SQLException {
        NodeSession current = sessions.current();
        return current != null ? current : anchor();
    }

    NodeSessions sessions() {
        return sessions;
    }

    SessionPins pins() {
        return pins;
    }

    ExecutionTracker tracker() {
        return tracker;
    }

    CommitRecorder commits() {
        return commits;
    }

    CausalTokens tokens() {
        return tokens;
    }

    StatementRouting routing() {
        return routing;
    }
}
