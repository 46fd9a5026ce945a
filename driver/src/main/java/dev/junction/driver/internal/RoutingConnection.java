package dev.junction.driver.internal;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.router.Classification;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.RoutingOptions;
import dev.junction.router.StatementKind;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.monitor.SharedMonitors;
import dev.junction.driver.internal.monitor.TopologyMonitor;
import dev.junction.router.ReadConsistency;

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
import java.util.List;
import java.util.Map;
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
public final class RoutingConnection implements JunctionConnection, NodeAccess {
    private final ConnectionSettings settings;
    private final ClusterTopology topology;
    private final NodeConnector connector;
    private static final Classification PLAIN_READ = Classification.builder(StatementKind.READ).build();

    private final StatementRouting routing;
    private final RoutingOptions options;
    private final ReplicaRouter replicas;
    private final CommitRecorder commits;
    private final SessionState state = new SessionState();
    /** The router's view of the session for each (auto-commit, read-only, serializable on PostgreSQL): built once. */
    private static final dev.junction.router.SessionState[] ROUTING_SESSIONS = routingSessions();

    private final NodeSessions sessions;
    /** What pins the session to a node, and what releases it. */
    private final SessionPins pins;
    private final Properties clientInfo = new Properties();
    private NodeSession current;
    private final OpenTransaction transaction = new OpenTransaction();
    private final CausalTokens tokens;
    private int networkTimeout;
    private volatile boolean closed;
    private final SharedMonitors.Lease lease;
    private final SessionFreshness freshness;
    private final Duration replicaWaitTimeout;
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
        // eventual reads ignore commits and strong reads always run on the primary: nothing they read depends on them
        this.recordsCommits = options.readConsistency() != ReadConsistency.EVENTUAL
                && options.readConsistency() != ReadConsistency.STRONG;
        this.commits = new CommitRecorder(topology, freshness, tables, recordsCommits);
        if (recordsCommits) {
            commits.listen(this::recordCommit);
        }
        this.sessions = new NodeSessions(connector, topology.dialect(), settings.properties().get(JunctionProperty.REPLICA_READ_TIMEOUT));
        this.tokens = new CausalTokens(topology, connector, freshness, recordsCommits, this);
        this.replicas = new ReplicaRouter(settings.clusterKey(), topology, options, freshness, tables, views, replicaWaitTimeout, this);
    }

    // ---- routing: what every statement wrapper calls ----

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
            if (!info.isRead() || transaction.active(state.autoCommit()) || pins.pinnedNode() != null
                    || !Dialect.isConnectionLoss(e) || target.role() != NodeRole.REPLICA) {
                throw e;
            }
            // An auto-commit read whose replica vanished since the last probe: one retry elsewhere (design §7).
            topology.markDown(target, e.getMessage());
            replicas.forget();
            session = open(chooseNode(info, forcePrimary));
        }
        try {
            session.sync(state, session == transaction.session());
        } catch (SQLException e) {
            throw failed(e, session);
        }
        if (!state.autoCommit()) {
            transaction.heldBy(session);
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
        NodeSession inTransaction = transaction.session();
        if (inTransaction != null) {
            return inTransaction.node();
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
        return replicas.route(statement, routingSession());
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

    @Override
    public NodeSession open(Node node) throws SQLException {
        return sessions.open(node, transaction.session());
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
        if (session == null || !session.guarded() || transaction.active(state.autoCommit())
                || pins.pinnedNode() != null || closed) {
            return null;
        }
        FailureKind kind = FailureKind.of(e, topology.dialect());
        if (kind == FailureKind.NODE_READ_ONLY) {
            ReadOnlyRefusals.record(session.node(), info, e);
            return sessionFor(info, true); // the acquire step, forced to the primary
        }
        if ((info.isRead() || info.kind() == StatementInfo.Kind.SESSION) && kind == FailureKind.CONNECTION_LOST) {
            // Down until a probe reaches it again (the monitor's, or the next role check's): the retry must not go back.
            drop(session);
            reportTrouble(session.node(), e);
            replicas.forget();
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
                    transaction.begunInSql(session);
                }
                break;
            case END:
                endedInSql(statement.sessionEffect(), session);
                break;
            default:
                break;
        }
        pins.executed(info, session.node(), transaction.active(state.autoCommit()));
        if (transaction.openedInSql()) {
            transaction.heldBy(session);
        }
    }

    /** DDL may change the functions and views routing has judged; MySQL commits the open transaction before it. */
    private void definitionsOrImplicitCommit(StatementInfo info, NodeSession session) {
        if (info.classification().kind() == StatementKind.DDL) {
            routing.definitionsChanged(); // CREATE OR REPLACE FUNCTION / VIEW: what routing learnt may be wrong now
        }
        if (info.classification().implicitCommit() && transaction.open()
                && info.kind() != StatementInfo.Kind.END) {
            implicitlyCommitted(session);
        }
    }

    /** {@code SET autocommit = 0|1} ran on {@code session}: the logical connection's mode follows. */
    private void autoCommitSetInSql(StatementInfo info, NodeSession session) {
        boolean on = "1".equals(info.sessionKey());
        if (on && transaction.open()) {
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
            transaction.end();
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
        if (transaction.openedInSql()) {
            transaction.end();
        }
    }

    /**
     * Bookkeeping after a statement ran: a read raises the session's monotonic-read floor; a write goes to the commit
     * seam ({@link CommitRecorder}), committed at once in auto-commit, at the end of its transaction otherwise.
     */
    private void trackFreshness(StatementInfo info, NodeSession session) {
        if (info.isRead()) {
            TopologyMonitor monitor = topology.monitor();
            if (monitor != null && replicas.needsFreshness(info.classification())) {
                freshness.readOn(session.node().id(), monitor.positions(), monitor.probesStarted());
            }
            return;
        }
        if (info.classification().kind() == StatementKind.DDL && tableCatalog != null) {
            tableCatalog.forgetAll();
        }
        if (info.kind() != StatementInfo.Kind.WRITE || session.node().role() != NodeRole.PRIMARY) {
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
    private void recordCommit(Node node, Set<String> tables) {
        TopologyMonitor monitor = topology.monitor();
        if (monitor != null && tables != null) {
            freshness.committed(monitor.nanoTime(), tables);
        }
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
    @Override
    public SQLException failed(SQLException e, NodeSession session) {
        if (session == null) {
            return e;
        }
        pins.failed();
        FailureKind kind = FailureKind.of(e, topology.dialect());
        if (kind == FailureKind.CONNECTION_LOST) {
            drop(session);
            reportTrouble(session.node(), e);
        } else if (kind == FailureKind.NODE_READ_ONLY && session.node().role() == NodeRole.PRIMARY) {
            reportTrouble(session.node(), e); // a primary that refuses writes was demoted under the session
        }
        return ExceptionFunnel.withNode(e, session.node());
    }

    /**
     * Tells the topology what a session saw, so that the monitor acts on it at once instead of at its next interval:
     * a replica that failed is published down and probed again; trouble with the primary asks for a probe of it now
     * (marking it down on one session's lost connection would fail every other session's writes until the probe).
     */
    private void reportTrouble(Node node, SQLException e) {
        topology.invalidate();
        TopologyMonitor monitor = topology.monitor();
        if (node.role() == NodeRole.REPLICA) {
            topology.markDown(node, e.getMessage());
        } else if (monitor != null) {
            monitor.requestPrimaryProbe();
        }
    }

    /** Forgets a physical connection that was lost, with the transaction and pins it held. */
    private void drop(NodeSession session) {
        sessions.drop(session);
        transaction.lost(session);
        pins.lost(session.node()); // what pinned the session died with the connection
    }

    /** The session for connection-level operations that need some node: the transaction's, else the primary. */
    private NodeSession anchorSession() throws SQLException {
        checkOpen();
        if (transaction.session() != null) {
            return transaction.session();
        }
        topology.ensureProbed(connector);
        NodeSession session = open(pins.pinnedNode() != null ? pins.pinnedNode() : topology.primary());
        try {
            session.sync(state, session == transaction.session());
        } catch (SQLException e) {
            throw failed(e, session);
        }
        return session;
    }

    /** Runs a connection-level call on the node the session used last (else the anchor), through the failure funnel. */
    private <T> T onCurrentNode(PhysicalCall<T> call) throws SQLException {
        NodeSession session = currentOrAnchor();
        try {
            return call.on(session.physical());
        } catch (SQLException e) {
            throw failed(e, session);
        }
    }

    /** A call on a physical connection. */
    @FunctionalInterface
    private interface PhysicalCall<T> {
        T on(Connection physical) throws SQLException;
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
        if (autoCommit && !state.autoCommit() && transaction.session() != null) {
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
        NodeSession session = transaction.session();
        if (session == null) {
            return;
        }
        try {
            session.physical().commit();
        } catch (SQLException e) {
            commits.transactionAbandoned();
            throw failed(e, session);
        } finally {
            endTransaction();
        }
        transactionEnded(session, true);
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        NodeSession session = transaction.session();
        if (session == null) {
            return;
        }
        try {
            session.physical().rollback();
        } catch (SQLException e) {
            throw failed(e, session);
        } finally {
            endTransaction();
            commits.transactionAbandoned();
        }
        pins.transactionEnded(false);
    }

    private void endTransaction() {
        transaction.end();
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
        NodeSession inTransaction = transaction.session();
        if (inTransaction != null) {
            // Inside a transaction the backend decides whether this is allowed: let it say so now.
            try {
                inTransaction.physical().setTransactionIsolation(level);
            } catch (SQLException e) {
                throw failed(e, inTransaction);
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
        return onCurrentNode(physical -> physical.getSchema());
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        // Connector/J's setCatalog is USE: the same key as a USE statement.
        recordAndApply("catalog", "setCatalog", physical -> physical.setCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        return onCurrentNode(physical -> physical.getCatalog());
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
        return onCurrentNode(physical -> physical.getHoldability());
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        Map<String, Class<?>> copy = Map.copyOf(map);
        recordAndApply(SessionState.CLIENT_SIDE + "typeMap", "setTypeMap", physical -> physical.setTypeMap(copy));
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return onCurrentNode(physical -> physical.getTypeMap());
    }

    /**
     * Logs a change for replay and applies it at once to the physical connections already open, so that an invalid
     * value fails here, where the application made it, as it would on a plain connection.
     */
    private void recordAndApply(String key, String description, SessionChange.Action action) throws SQLException {
        long sequence = state.record(key, description, action);
        for (NodeSession session : sessions.open()) {
            try {
                session.sync(state, session == transaction.session());
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
        return onCurrentNode(physical -> physical.nativeSQL(sql));
    }

    // ---- values created by a node: they carry no route back to a physical connection ----

    @Override
    public Clob createClob() throws SQLException {
        return onCurrentNode(physical -> physical.createClob());
    }

    @Override
    public Blob createBlob() throws SQLException {
        return onCurrentNode(physical -> physical.createBlob());
    }

    @Override
    public NClob createNClob() throws SQLException {
        return onCurrentNode(physical -> physical.createNClob());
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return onCurrentNode(physical -> physical.createSQLXML());
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return onCurrentNode(physical -> physical.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return onCurrentNode(physical -> physical.createStruct(typeName, attributes));
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
        for (NodeSession session : sessions.open()) {
            try {
                session.physical().clearWarnings();
            } catch (SQLException e) {
                throw failed(e, session);
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
        for (NodeSession session : sessions.open()) {
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
        sessions.closeAll();
        current = null;
        transaction.end();
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
        sessions.abortAll(executor);
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
        return tokens.issue(transaction.session());
    }

    @Override
    public void awaitToken(String token) throws SQLException {
        checkOpen();
        tokens.await(token);
    }

    @Override
    public List<NodeStatus> topologyReport() throws SQLException {
        checkOpen();
        return StatusReport.of(topology.monitor(), topology);
    }

    /** Adds a listener to this connection's commit seam (sync modes and stamping will; tests do now). */
    void listenToCommits(CommitListener listener) {
        commits.listen(listener);
    }

    /** The physical connections open now, for tests and status output. */
    List<NodeSession> openSessions() {
        return sessions.all();
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
        for (NodeSession session : sessions.all()) {
            text.append(separator).append(session.node().role().label()).append(' ').append(session.node().address());
            separator = ", ";
        }
        if (separator.isEmpty()) {
            text.append(settings.url());
        }
        return text.append(closed ? "] closed" : "]").toString();
    }
}
