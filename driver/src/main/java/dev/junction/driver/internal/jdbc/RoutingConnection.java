package dev.junction.driver.internal.jdbc;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.pipeline.NodeSession;
import dev.junction.driver.internal.pipeline.NodeSessions;
import dev.junction.driver.internal.pipeline.OpenTransaction;
import dev.junction.driver.internal.pipeline.SessionSettings;
import dev.junction.driver.internal.pipeline.StatementPipeline;
import dev.junction.driver.internal.pipeline.StatementRouting;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.StatusReport;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
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
 * holds the session's state — JDBC settings and the replay log ({@link SessionSettings}), the open transaction
 * ({@link OpenTransaction}) — and turns each JDBC call into a step of that pipeline or a change of that state.
 *
 * <p>Session changes ({@code setSchema}, client info, network timeout...) are logged for replay and applied at once
 * to the physical connections already open, so that an invalid value fails where the application made it. Like any
 * JDBC connection it is meant for one thread at a time; only {@link #abort} and {@code Statement.cancel} may come
 * from another.
 */
public final class RoutingConnection implements JunctionConnection {
    private static final String CLIENT_SIDE = SessionSettings.CLIENT_SIDE;
    private final ConnectionSettings settings;
    private final ClusterTopology topology;
    private final SessionSettings state = new SessionSettings();
    private final OpenTransaction transaction;
    private final StatementPipeline pipeline;
    private final NodeSessions sessions;
    private final ClientInfo clientInfo = new ClientInfo(state);
    private final SharedMonitors.Lease lease;
    private int networkTimeout;
    private volatile boolean closed;

    /** @param lease this connection's share of the cluster's monitor, released on close; null without a monitor */
    public RoutingConnection(
            ConnectionSettings settings,
            ClusterTopology topology,
            NodeConnector connector,
            StatementRouting routing,
            SharedMonitors.Lease lease) {
        this.settings = settings;
        this.topology = topology;
        this.lease = lease;
        if (settings.backendReadOnly()) {
            state.readOnly(true); // PgJDBC's readOnly=true: the application asked for a read-only connection
        }
        this.pipeline = new StatementPipeline(settings, topology, connector, routing, state);
        this.transaction = pipeline.transaction();
        this.sessions = pipeline.sessions();
    }

    /** The pipeline the statement wrappers run executions through. */
    public StatementPipeline pipeline() {
        return pipeline;
    }

    /** The pipeline of an open connection; a closed one has none to offer and says so (08003). */
    private StatementPipeline open() throws SQLException {
        checkOpen();
        return pipeline;
    }

    /** Runs a connection-level call on the node the session used last (else the anchor), through the failure funnel. */
    private <T> T onCurrentNode(StatementPipeline.PhysicalCall<T> call) throws SQLException {
        return open().call(pipeline.currentOrAnchor(), call);
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw JunctionErrorCode.CONNECTION_CLOSED.exception();
        }
    }

    ConnectionSettings settings() {
        return settings;
    }

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
        open().commit();
    }

    @Override
    public void rollback() throws SQLException {
        open().rollback();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return pipeline.call(open().savepointSession(), physical -> physical.setSavepoint());
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return pipeline.call(open().savepointSession(), physical -> physical.setSavepoint(name));
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        pipeline.run(open().anchor(), physical -> physical.rollback(savepoint));
        pipeline.pins().rolledBackToSavepoint();
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        pipeline.run(open().anchor(), physical -> physical.releaseSavepoint(savepoint));
    }

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
            pipeline.run(transaction.session(), physical -> physical.setTransactionIsolation(level));
        }
        state.isolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return state.isolation() != null ? state.isolation() : onCurrentNode(Connection::getTransactionIsolation);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        // PgJDBC's setSchema is SET search_path: one key, so that the later of the two wins on replay.
        String key = settings.backend() == Backend.POSTGRESQL ? "search_path" : "schema";
        open().recordAndApply(key, "setSchema", physical -> physical.setSchema(schema));
    }

    @Override
    public String getSchema() throws SQLException {
        return onCurrentNode(Connection::getSchema);
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        // Connector/J's setCatalog is USE: the same key as a USE statement.
        open().recordAndApply("catalog", "setCatalog", physical -> physical.setCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        return onCurrentNode(Connection::getCatalog);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        networkTimeout = milliseconds;
        pipeline.recordAndApply(
                CLIENT_SIDE + "networkTimeout", "setNetworkTimeout", c -> c.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        clientInfo.set(name, value, closed, pipeline::recordAndApply);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        clientInfo.setAll(properties, closed, pipeline::recordAndApply);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.get(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        return clientInfo.all();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        open().recordAndApply(CLIENT_SIDE + "holdability", "setHoldability", c -> c.setHoldability(holdability));
    }

    @Override
    public int getHoldability() throws SQLException {
        return onCurrentNode(Connection::getHoldability);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        Map<String, Class<?>> copy = Map.copyOf(map);
        pipeline.recordAndApply(CLIENT_SIDE + "typeMap", "setTypeMap", c -> c.setTypeMap(copy));
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return onCurrentNode(Connection::getTypeMap);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return WrapperFactory.statement(this, concurrency, (c, none) -> c.createStatement(type, concurrency));
    }

    @Override
    public Statement createStatement(int type, int concurrency, int hold) throws SQLException {
        return WrapperFactory.statement(this, concurrency, (c, none) -> c.createStatement(type, concurrency, hold));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepared(sql, ResultSet.CONCUR_READ_ONLY, (c, text) -> c.prepareStatement(text));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepared(sql, concurrency, (c, text) -> c.prepareStatement(text, type, concurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int hold) throws SQLException {
        return prepared(sql, concurrency, (c, text) -> c.prepareStatement(text, type, concurrency, hold));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepared(sql, ResultSet.CONCUR_READ_ONLY, (c, text) -> c.prepareStatement(text, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        int[] copy = columnIndexes.clone();
        return prepared(sql, ResultSet.CONCUR_READ_ONLY, (c, text) -> c.prepareStatement(text, copy));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        String[] copy = columnNames.clone();
        return prepared(sql, ResultSet.CONCUR_READ_ONLY, (c, text) -> c.prepareStatement(text, copy));
    }

    private PreparedStatement prepared(String sql, int concurrency, StatementBase.Creator<PreparedStatement> creator)
            throws SQLException {
        return WrapperFactory.preparedStatement(this, sql, concurrency, creator);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return WrapperFactory.callableStatement(this, sql, (c, text) -> c.prepareCall(text));
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        return WrapperFactory.callableStatement(this, sql, (c, text) -> c.prepareCall(text, type, concurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int hold) throws SQLException {
        return WrapperFactory.callableStatement(this, sql, (c, text) -> c.prepareCall(text, type, concurrency, hold));
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        NodeSession session = open().anchor();
        try {
            return WrapperFactory.metaData(this, session.physical().getMetaData(), session);
        } catch (SQLException e) {
            throw pipeline.failed(e, session);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return onCurrentNode(physical -> physical.nativeSQL(sql));
    }

    @Override
    public Clob createClob() throws SQLException {
        return onCurrentNode(Connection::createClob);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return onCurrentNode(Connection::createBlob);
    }

    @Override
    public NClob createNClob() throws SQLException {
        return onCurrentNode(Connection::createNClob);
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return onCurrentNode(Connection::createSQLXML);
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return onCurrentNode(physical -> physical.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return onCurrentNode(physical -> physical.createStruct(typeName, attributes));
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return open().warnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        open().clearWarnings();
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
        return !closed && pipeline.valid(timeout);
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        sessions.closeAll();
        transaction.end();
        pipeline.closeMetrics();
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
        pipeline.closeMetrics();
        releaseMonitor();
    }

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
        return pipeline.pinReasons();
    }

    @Override
    public String causalToken() throws SQLException {
        return open().tokens().issue(transaction.session());
    }

    @Override
    public void awaitToken(String token) throws SQLException {
        open().tokens().await(token);
    }

    @Override
    public void setCommitSyncMode(String mode) throws SQLException {
        open().commitSync().chooseForNextCommit(mode);
    }

    @Override
    public List<NodeStatus> topologyReport() throws SQLException {
        checkOpen();
        return StatusReport.of(topology.monitor(), topology);
    }

    /** The session's state, for tests. */
    SessionSettings state() {
        return state;
    }

    /**
     * Unwraps to Junction's own interfaces, or else to the primary's physical connection (PgJDBC's
     * {@code PGConnection} for COPY, for example). What the application then does on that connection bypasses
     * Junction's tracking, so the session is pinned to that node from then on.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : open().unwrap(iface, this);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection physical = open().anchor().physical();
        return iface.isInstance(physical) || physical.isWrapperFor(iface);
    }

    /** {@code JunctionConnection@1a2b [primary pg1:5432, replica pg2:5432]}: the nodes it has open, no credentials. */
    @Override
    public String toString() {
        String nodes = sessions.describe();
        String where = nodes.isEmpty() ? "no open connection; " + settings.url() : nodes;
        return "JunctionConnection@" + Integer.toHexString(hashCode()) + " [" + where + (closed ? "] closed" : "]");
    }
}
