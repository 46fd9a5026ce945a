package dev.junction.driver.internal;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.monitor.SharedMonitors;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

/**
 * A logical connection: what the application holds, and the JDBC façade in front of the {@link StatementPipeline}
 * every execution goes through (classify → rewrite → route → acquire → run → on failure → on success and commit). It
 * holds the session's state — JDBC settings and the replay log ({@link SessionState}), the open transaction
 * ({@link OpenTransaction}) — and turns each JDBC call into a step of that pipeline or a change of that state.
 *
 * <p>Session changes ({@code setSchema}, client info, network timeout...) are logged for replay and applied at once
 * to the physical connections already open, so that an invalid value fails where the application made it. Like any
 * JDBC connection it is meant for one thread at a time; only {@link #abort} and {@code Statement.cancel} may come
 * from another.
 */
public final class RoutingConnection implements JunctionConnection {
    private final ConnectionSettings settings;
    private final ClusterTopology topology;
    private final SessionState state = new SessionState();
    private final OpenTransaction transaction = new OpenTransaction();
    private final StatementPipeline pipeline;
    private final NodeSessions sessions;
    private final Properties clientInfo = new Properties();
    private final SharedMonitors.Lease lease;
    private int networkTimeout;
    private volatile boolean closed;

    public RoutingConnection(ConnectionSettings settings, ClusterTopology topology, NodeConnector connector,
                             StatementRouting routing) {
        this(settings, topology, connector, routing, null);
    }

    /** @param lease this connection's share of the cluster's monitor, released on close; null without a monitor */
    public RoutingConnection(ConnectionSettings settings, ClusterTopology topology, NodeConnector connector,
                             StatementRouting routing, SharedMonitors.Lease lease) {
        this.settings = settings;
        this.topology = topology;
        this.lease = lease;
        this.pipeline = new StatementPipeline(settings, topology, connector, routing, state, transaction);
        this.sessions = pipeline.sessions();
    }

    // ---- the pipeline, for the statement wrappers ----

    StatementInfo classify(String sql) {
        return pipeline.classify(sql);
    }

    String rewrite(StatementInfo info, String sql) {
        return pipeline.rewrite(info, sql);
    }

    /** @param mayWrite batches, calls and updatable result sets: they may write whatever their text says */
    NodeSession sessionFor(StatementInfo info, boolean mayWrite) throws SQLException {
        checkOpen();
        return pipeline.acquire(info, mayWrite);
    }

    NodeSession retrySession(SQLException e, NodeSession session, StatementInfo info, boolean mayWrite) throws SQLException {
        return pipeline.retry(e, session, info, mayWrite);
    }

    void executed(StatementInfo info, NodeSession session, String sql, SessionChange.Action replay) {
        pipeline.executed(info, session, sql, replay);
    }

    SQLException failed(SQLException e, NodeSession session) {
        return pipeline.failed(e, session);
    }

    void pin(NodeSession session, String reason) {
        pipeline.pin(session, reason);
    }

    /** Runs a connection-level call on the node the session used last (else the anchor), through the failure funnel. */
    private <T> T onCurrentNode(PhysicalCall<T> call) throws SQLException {
        checkOpen();
        return on(pipeline.currentOrAnchor(), call);
    }

    /** Runs {@code call} on {@code session}'s physical connection, through the failure funnel. */
    private <T> T on(NodeSession session, PhysicalCall<T> call) throws SQLException {
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

    /** The session for connection-level operations that need some node: the transaction's, else the primary. */
    private NodeSession anchorSession() throws SQLException {
        checkOpen();
        return pipeline.anchor();
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
            pipeline.tracker().commitFailed();
            throw failed(e, session);
        }
        pipeline.tracker().committed(session);
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
            pipeline.tracker().rolledBack(false);
            throw failed(e, session);
        }
        pipeline.tracker().rolledBack(true);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return on(sessionFor(classify("SAVEPOINT junction"), false), physical -> physical.setSavepoint());
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return on(sessionFor(classify("SAVEPOINT junction"), false), physical -> physical.setSavepoint(name));
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        on(anchorSession(), physical -> {
            physical.rollback(savepoint);
            return null;
        });
        pipeline.pins().rolledBackToSavepoint();
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        on(anchorSession(), physical -> {
            physical.releaseSavepoint(savepoint);
            return null;
        });
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
        if (transaction.session() != null) {
            // Inside a transaction the backend decides whether this is allowed: let it say so now.
            on(transaction.session(), physical -> {
                physical.setTransactionIsolation(level);
                return null;
            });
        }
        state.isolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (state.isolation() != null) {
            return state.isolation();
        }
        return onCurrentNode(physical -> physical.getTransactionIsolation());
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
            pipeline.sync(session);
            session.applied(sequence);
        }
    }

    // ---- statements ----

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
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
        return WrapperFactory.preparedStatement(this, sql, ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql));
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
        return WrapperFactory.preparedStatement(this, sql, ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        int[] copy = columnIndexes.clone();
        return WrapperFactory.preparedStatement(this, sql, ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, copy));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        String[] copy = columnNames.clone();
        return WrapperFactory.preparedStatement(this, sql, ResultSet.CONCUR_READ_ONLY, physical -> physical.prepareStatement(sql, copy));
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
        NodeSession session = sessions.current();
        return session == null ? null : on(session, physical -> physical.getWarnings());
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (NodeSession session : sessions.open()) {
            on(session, physical -> {
                physical.clearWarnings();
                return null;
            });
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
                pipeline.anchorReachable();
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
        NodeSession session = sessions.current();
        return session == null ? null : session.node().toString();
    }

    @Override
    public Set<String> pins() {
        return pipeline.pins().reasons(state.isSerializable() && topology.dialect().pinsOnSerializable());
    }

    @Override
    public String causalToken() throws SQLException {
        checkOpen();
        return pipeline.tokens().issue(transaction.session());
    }

    @Override
    public void awaitToken(String token) throws SQLException {
        checkOpen();
        pipeline.tokens().await(token);
    }

    @Override
    public List<NodeStatus> topologyReport() throws SQLException {
        checkOpen();
        return StatusReport.of(topology.monitor(), topology);
    }

    /** Adds a listener to this connection's commit seam (sync modes and stamping will; tests do now). */
    void listenToCommits(CommitListener listener) {
        pipeline.commits().listen(listener);
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
            pipeline.pins().unwrapped(session.node(), iface.getSimpleName());
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
