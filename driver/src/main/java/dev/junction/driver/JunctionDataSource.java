package dev.junction.driver;

import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.Connections;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for Junction: a URL, credentials, a setter for every {@link JunctionProperty}, and
 * {@link #setProperty} for backend properties. Setters validate at once (an invalid value throws
 * {@link IllegalArgumentException} with the same message as the URL's {@link SQLException}), so a misconfigured
 * application fails at start-up, not at its first query. Explicit setters win over the URL's parameters.
 *
 * <p>The merged configuration is parsed once and reused until a setter changes it.
 *
 * <p>From its first connection on, the data source holds a share of what connections to its cluster with its
 * credentials share (topology monitor, classifier, catalogs; design §4); {@link #close()} releases it, and their
 * threads and connections stop once no data source or connection uses that cluster with those credentials.
 */
public final class JunctionDataSource implements DataSource, AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, String> explicit = new LinkedHashMap<>();
    private final Properties backendProperties = new Properties();
    private String url;
    private ConnectionSettings settings;
    private PrintWriter logWriter;
    private int loginTimeout;
    /** One per set of credentials this data source connected with ({@code getConnection(user, password)} may add some). */
    private final Map<SharedMonitors.Key, SharedMonitors.Lease> leases = new LinkedHashMap<>();

    private boolean closed;
    private volatile Driver backendDriver;

    /** The Junction URL, {@code jdbc:junction:postgresql://pg1,pg2,pg3/app}. */
    public void setUrl(String url) {
        lock.lock();
        try {
            this.url = url;
            settings = null;
        } finally {
            lock.unlock();
        }
    }

    public String getUrl() {
        return url;
    }

    /** Alias of {@link #setUrl} for frameworks that say {@code jdbcUrl}. */
    public void setJdbcUrl(String url) {
        setUrl(url);
    }

    public String getJdbcUrl() {
        return url;
    }

    public void setUser(String user) {
        setProperty("user", user);
    }

    public String getUser() {
        return backendProperties.getProperty("user");
    }

    /** Alias of {@link #setUser}. */
    public void setUsername(String user) {
        setUser(user);
    }

    public void setPassword(String password) {
        setProperty("password", password);
    }

    /**
     * Sets a property by name: a Junction property (validated now) or a backend driver property (passed through).
     *
     * @throws IllegalArgumentException for an invalid Junction value
     */
    public void setProperty(String name, String value) {
        JunctionProperty<?> property = JunctionProperty.named(name).orElse(null);
        if (property != null) {
            setJunctionProperty(property, value);
            return;
        }
        lock.lock();
        try {
            if (value == null) {
                backendProperties.remove(name);
            } else {
                backendProperties.setProperty(name, value);
            }
            settings = null;
        } finally {
            lock.unlock();
        }
    }

    private void setJunctionProperty(JunctionProperty<?> property, String value) {
        if (value != null) {
            try {
                property.parse(value);
            } catch (SQLException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        lock.lock();
        try {
            if (value == null) {
                explicit.remove(property.name());
            } else {
                explicit.put(property.name(), value);
            }
            settings = null;
        } finally {
            lock.unlock();
        }
    }

    /** Sets {@code maxReplicaLag}; see {@link JunctionProperty#MAX_REPLICA_LAG}. @throws IllegalArgumentException for an invalid value */
    public void setMaxReplicaLag(String value) {
        setJunctionProperty(JunctionProperty.MAX_REPLICA_LAG, value);
    }

    public String getMaxReplicaLag() {
        return explicit.get(JunctionProperty.MAX_REPLICA_LAG.name());
    }

    /** Sets {@code readConsistency}; see {@link JunctionProperty#READ_CONSISTENCY}. @throws IllegalArgumentException for an invalid value */
    public void setReadConsistency(String value) {
        setJunctionProperty(JunctionProperty.READ_CONSISTENCY, value);
    }

    public String getReadConsistency() {
        return explicit.get(JunctionProperty.READ_CONSISTENCY.name());
    }

    /** Sets {@code staleReadFallback}; see {@link JunctionProperty#STALE_READ_FALLBACK}. @throws IllegalArgumentException for an invalid value */
    public void setStaleReadFallback(String value) {
        setJunctionProperty(JunctionProperty.STALE_READ_FALLBACK, value);
    }

    public String getStaleReadFallback() {
        return explicit.get(JunctionProperty.STALE_READ_FALLBACK.name());
    }

    /** Sets {@code transactionRouting}; see {@link JunctionProperty#TRANSACTION_ROUTING}. @throws IllegalArgumentException for an invalid value */
    public void setTransactionRouting(String value) {
        setJunctionProperty(JunctionProperty.TRANSACTION_ROUTING, value);
    }

    public String getTransactionRouting() {
        return explicit.get(JunctionProperty.TRANSACTION_ROUTING.name());
    }

    /** Sets {@code learnedWriteShare}; see {@link JunctionProperty#LEARNED_WRITE_SHARE}. @throws IllegalArgumentException for an invalid value */
    public void setLearnedWriteShare(String value) {
        setJunctionProperty(JunctionProperty.LEARNED_WRITE_SHARE, value);
    }

    public String getLearnedWriteShare() {
        return explicit.get(JunctionProperty.LEARNED_WRITE_SHARE.name());
    }

    /** Sets {@code replicaWaitTimeout}; see {@link JunctionProperty#REPLICA_WAIT_TIMEOUT}. @throws IllegalArgumentException for an invalid value */
    public void setReplicaWaitTimeout(String value) {
        setJunctionProperty(JunctionProperty.REPLICA_WAIT_TIMEOUT, value);
    }

    public String getReplicaWaitTimeout() {
        return explicit.get(JunctionProperty.REPLICA_WAIT_TIMEOUT.name());
    }

    public void setReplicaReadTimeout(String value) {
        setJunctionProperty(JunctionProperty.REPLICA_READ_TIMEOUT, value);
    }

    public String getReplicaReadTimeout() {
        return explicit.get(JunctionProperty.REPLICA_READ_TIMEOUT.name());
    }

    /** Sets {@code syncMode}; see {@link JunctionProperty#SYNC_MODE}. @throws IllegalArgumentException for an invalid value */
    public void setSyncMode(String value) {
        setJunctionProperty(JunctionProperty.SYNC_MODE, value);
    }

    public String getSyncMode() {
        return explicit.get(JunctionProperty.SYNC_MODE.name());
    }

    /** Sets {@code syncTables}; see {@link JunctionProperty#SYNC_TABLES}. @throws IllegalArgumentException for an invalid value */
    public void setSyncTables(String value) {
        setJunctionProperty(JunctionProperty.SYNC_TABLES, value);
    }

    public String getSyncTables() {
        return explicit.get(JunctionProperty.SYNC_TABLES.name());
    }

    /** Sets {@code syncAck}; see {@link JunctionProperty#SYNC_ACK}. @throws IllegalArgumentException for an invalid value */
    public void setSyncAck(String value) {
        setJunctionProperty(JunctionProperty.SYNC_ACK, value);
    }

    public String getSyncAck() {
        return explicit.get(JunctionProperty.SYNC_ACK.name());
    }

    /** Sets {@code syncTimeout}; see {@link JunctionProperty#SYNC_TIMEOUT}. @throws IllegalArgumentException for an invalid value */
    public void setSyncTimeout(String value) {
        setJunctionProperty(JunctionProperty.SYNC_TIMEOUT, value);
    }

    public String getSyncTimeout() {
        return explicit.get(JunctionProperty.SYNC_TIMEOUT.name());
    }

    /** Sets {@code syncTimeoutAction}; see {@link JunctionProperty#SYNC_TIMEOUT_ACTION}. @throws IllegalArgumentException for an invalid value */
    public void setSyncTimeoutAction(String value) {
        setJunctionProperty(JunctionProperty.SYNC_TIMEOUT_ACTION, value);
    }

    public String getSyncTimeoutAction() {
        return explicit.get(JunctionProperty.SYNC_TIMEOUT_ACTION.name());
    }

    /** Sets {@code loadBalance}; see {@link JunctionProperty#LOAD_BALANCE}. @throws IllegalArgumentException for an invalid value */
    public void setLoadBalance(String value) {
        setJunctionProperty(JunctionProperty.LOAD_BALANCE, value);
    }

    public String getLoadBalance() {
        return explicit.get(JunctionProperty.LOAD_BALANCE.name());
    }

    /** Sets {@code primaryReads}; see {@link JunctionProperty#PRIMARY_READS}. @throws IllegalArgumentException for an invalid value */
    public void setPrimaryReads(String value) {
        setJunctionProperty(JunctionProperty.PRIMARY_READS, value);
    }

    public String getPrimaryReads() {
        return explicit.get(JunctionProperty.PRIMARY_READS.name());
    }

    /** Sets {@code monitorInterval}; see {@link JunctionProperty#MONITOR_INTERVAL}. @throws IllegalArgumentException for an invalid value */
    public void setMonitorInterval(String value) {
        setJunctionProperty(JunctionProperty.MONITOR_INTERVAL, value);
    }

    public String getMonitorInterval() {
        return explicit.get(JunctionProperty.MONITOR_INTERVAL.name());
    }

    /** Sets {@code failoverTimeout}; see {@link JunctionProperty#FAILOVER_TIMEOUT}. @throws IllegalArgumentException for an invalid value */
    public void setFailoverTimeout(String value) {
        setJunctionProperty(JunctionProperty.FAILOVER_TIMEOUT, value);
    }

    public String getFailoverTimeout() {
        return explicit.get(JunctionProperty.FAILOVER_TIMEOUT.name());
    }

    /**
     * Sets {@code exceptionOverrideClassName}; see {@link JunctionProperty#EXCEPTION_OVERRIDE_CLASS_NAME}. The class is
     * loaded and constructed now, to validate it, and again for the connections' configuration.
     *
     * @throws IllegalArgumentException when the class cannot be found, is not a {@link JunctionExceptionOverride}, or
     *                                  cannot be constructed
     */
    public void setExceptionOverrideClassName(String value) {
        setJunctionProperty(JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME, value);
    }

    public String getExceptionOverrideClassName() {
        return explicit.get(JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME.name());
    }

    /** Sets {@code topology}; see {@link JunctionProperty#TOPOLOGY}. @throws IllegalArgumentException for an invalid value */
    public void setTopology(String value) {
        setJunctionProperty(JunctionProperty.TOPOLOGY, value);
    }

    public String getTopology() {
        return explicit.get(JunctionProperty.TOPOLOGY.name());
    }

    /** Sets {@code homeMaster}; see {@link JunctionProperty#HOME_MASTER}. @throws IllegalArgumentException for an invalid value */
    public void setHomeMaster(String value) {
        setJunctionProperty(JunctionProperty.HOME_MASTER, value);
    }

    public String getHomeMaster() {
        return explicit.get(JunctionProperty.HOME_MASTER.name());
    }

    /** Sets {@code conflictTables}; see {@link JunctionProperty#CONFLICT_TABLES}. @throws IllegalArgumentException for an invalid value */
    public void setConflictTables(String value) {
        setJunctionProperty(JunctionProperty.CONFLICT_TABLES, value);
    }

    public String getConflictTables() {
        return explicit.get(JunctionProperty.CONFLICT_TABLES.name());
    }

    /** Sets {@code commitOutcome}; see {@link JunctionProperty#COMMIT_OUTCOME}. @throws IllegalArgumentException for an invalid value */
    public void setCommitOutcome(String value) {
        setJunctionProperty(JunctionProperty.COMMIT_OUTCOME, value);
    }

    public String getCommitOutcome() {
        return explicit.get(JunctionProperty.COMMIT_OUTCOME.name());
    }

    /** Sets {@code transactionReplay}; see {@link JunctionProperty#TRANSACTION_REPLAY}. @throws IllegalArgumentException for an invalid value */
    public void setTransactionReplay(String value) {
        setJunctionProperty(JunctionProperty.TRANSACTION_REPLAY, value);
    }

    public String getTransactionReplay() {
        return explicit.get(JunctionProperty.TRANSACTION_REPLAY.name());
    }

    /**
     * Sets {@code tombstoneRetention}; see {@link JunctionProperty#TOMBSTONE_RETENTION}.
     *
     * @throws IllegalArgumentException for an invalid value
     */
    public void setTombstoneRetention(String value) {
        setJunctionProperty(JunctionProperty.TOMBSTONE_RETENTION, value);
    }

    public String getTombstoneRetention() {
        return explicit.get(JunctionProperty.TOMBSTONE_RETENTION.name());
    }

    /** Sets {@code readRepair}; see {@link JunctionProperty#READ_REPAIR}. @throws IllegalArgumentException for an invalid value */
    public void setReadRepair(String value) {
        setJunctionProperty(JunctionProperty.READ_REPAIR, value);
    }

    public String getReadRepair() {
        return explicit.get(JunctionProperty.READ_REPAIR.name());
    }

    /** Sets {@code metrics}; see {@link JunctionProperty#METRICS}. @throws IllegalArgumentException for an invalid value */
    public void setMetrics(String value) {
        setJunctionProperty(JunctionProperty.METRICS, value);
    }

    public String getMetrics() {
        return explicit.get(JunctionProperty.METRICS.name());
    }

    /**
     * Opens the physical connections with {@code driver} instead of the PgJDBC or Connector/J class Junction would
     * load by name: for instrumented or repackaged backend drivers (and the wrapper-overhead benchmark's in-memory
     * driver). It receives the same node URLs ({@code jdbc:postgresql://host:port/db}, {@code jdbc:mysql://...}) and
     * properties. {@code null} restores loading by class name.
     */
    public void setBackendDriver(Driver driver) {
        this.backendDriver = driver;
    }

    public Driver getBackendDriver() {
        return backendDriver;
    }

    private ConnectionSettings settings() throws SQLException {
        lock.lock();
        try {
            if (settings == null) {
                if (url == null) {
                    throw JunctionErrorCode.MALFORMED_URL.exception(
                            "(none)", "no URL was set on the JunctionDataSource");
                }
                settings = ConnectionSettings.of(JunctionUrl.parse(url), null, setters(Map.of()));
            }
            return settings;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(settings());
    }

    /**
     * Opens the connection first, then takes the data source's share of the monitor: a data source whose first
     * connection fails (a wrong password) holds nothing, and the connection, not the data source, starts the monitor,
     * so that its probes vouch for its credentials ({@code ConnectionCheck}).
     */
    private Connection connect(ConnectionSettings current) throws SQLException {
        checkOpen();
        Connection connection = open(current);
        try {
            holdMonitor(current);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void checkOpen() throws SQLException {
        lock.lock();
        try {
            if (closed) {
                throw JunctionErrorCode.CONNECTION_CLOSED.exception();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps the monitor and catalogs of the connection's cluster and credentials between connections, until
     * {@link #close()}: one entry per set of credentials, since entries are never shared across credentials.
     */
    private void holdMonitor(ConnectionSettings current) throws SQLException {
        lock.lock();
        try {
            if (closed) {
                throw JunctionErrorCode.CONNECTION_CLOSED.exception();
            }
            SharedMonitors.Key key = Connections.key(current);
            if (!leases.containsKey(key)) {
                Driver driver = backendDriver;
                leases.put(
                        key,
                        driver == null ? Connections.monitorLease(current) : Connections.monitorLease(current, driver));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every node as the cluster's monitor last saw it, for {@code junction status}: role, position, staleness bound,
     * round trip, health and last error. Starts the monitor if this data source has not connected yet.
     */
    public List<NodeStatus> topologyReport() throws SQLException {
        try (Connection connection = getConnection()) {
            return connection.unwrap(JunctionConnection.class).topologyReport();
        }
    }

    /**
     * Releases this data source's shares of the monitors and catalogs it used: their threads and connections end when
     * the connections still open close too (after {@code Connections.IDLE_GRACE} then). Later {@code getConnection}
     * calls fail.
     */
    @Override
    public void close() {
        List<SharedMonitors.Lease> held;
        lock.lock();
        try {
            closed = true;
            held = List.copyOf(leases.values());
            leases.clear();
        } finally {
            lock.unlock();
        }
        for (SharedMonitors.Lease lease : held) {
            lease.close();
        }
    }

    /**
     * As {@link #getConnection()} with these credentials, which win over the setters' and the URL's (JDBC's meaning of
     * the arguments). A null argument is not given: the setters' or the URL's value applies (HikariCP passes a null
     * password when only its username is configured).
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Map<String, String> credentials = new LinkedHashMap<>();
        if (username != null) {
            credentials.put("user", username);
        }
        if (password != null) {
            credentials.put("password", password);
        }
        String current;
        lock.lock();
        try {
            current = url;
        } finally {
            lock.unlock();
        }
        if (current == null) {
            throw JunctionErrorCode.MALFORMED_URL.exception("(none)", "no URL was set on the JunctionDataSource");
        }
        return connect(ConnectionSettings.of(JunctionUrl.parse(current), null, setters(credentials)));
    }

    /**
     * What the setters say, backend properties (user, password...) and Junction's alike, with {@code arguments} on top:
     * the layer above the URL's parameters.
     */
    private Map<String, String> setters(Map<String, String> arguments) {
        Map<String, String> layer = new LinkedHashMap<>();
        lock.lock();
        try {
            for (String name : backendProperties.stringPropertyNames()) {
                layer.put(name, backendProperties.getProperty(name));
            }
            layer.putAll(explicit);
        } finally {
            lock.unlock();
        }
        layer.putAll(arguments);
        return layer;
    }

    private Connection open(ConnectionSettings connectionSettings) throws SQLException {
        Driver driver = backendDriver;
        return driver == null ? Connections.open(connectionSettings) : Connections.open(connectionSettings, driver);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.junction");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw JunctionErrorCode.NOT_A_WRAPPER.exception(this, iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /** The URL with secrets masked, and the explicit Junction settings; never the password. */
    @Override
    public String toString() {
        return "JunctionDataSource[" + CredentialMask.url(url) + " " + explicit + "]";
    }
}
