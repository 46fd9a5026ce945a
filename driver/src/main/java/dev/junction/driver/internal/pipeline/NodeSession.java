package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.sync.SyncPolicy;
import dev.junction.driver.internal.topology.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One physical connection of a logical connection, to one node, with what of the session state it has applied.
 * Opened on first use and kept until the logical connection closes (or the node fails).
 *
 * <p>{@link #sync} brings it to the logical state with as few round trips as possible: only what differs is set.
 * Replay happens with auto-commit on, so that a replayed {@code SET} never opens a transaction of its own on a node
 * that is not the transaction's (PgJDBC would send {@code BEGIN} first); auto-commit is set last.
 *
 * <p>A connection opened to a replica is <em>guarded</em> (design §2: a write must never run on a replica): it is made
 * read-only at the server ({@link BackendDialect#readOnlySessionSql()}), so a statement Junction misjudged fails there
 * instead of writing (a privileged MariaDB user may otherwise write despite {@code read_only}), and it gets the
 * {@code replicaReadTimeout} as its network timeout, so a hung replica costs one timeout instead of a stalled
 * thread. Replaying the application's session state can undo either ({@code SET SESSION TRANSACTION READ WRITE},
 * {@code RESET ALL}, {@code setNetworkTimeout}): {@link #sync} puts the guard back after such a change. The
 * application's own read-only flag is never sent to a guarded connection: {@code setReadOnly(false)} would lift the
 * guard.
 */
public final class NodeSession {
    /** Connector/J runs the network-timeout change on the executor it is given: run it on the caller. */
    private static final java.util.concurrent.Executor DIRECT = Runnable::run;

    private final Node node;
    private final Connection physical;
    /** The node's role when this connection was opened: a connection outlives a promotion or a demotion. */
    private final ProbedRole openedAs;

    private final BackendDialect dialect;
    /** The network timeout of a guarded connection in milliseconds, 0 for none. */
    private final int replicaReadTimeoutMillis;

    /** The server process behind this connection, known on PostgreSQL when a sync mode set the session; else 0. */
    private int backendPid;
    /**
     * This session's {@code synchronous_commit} when {@link #askBackendPid} asked (before any commit of Junction's
     * own at a level); null when not asked that way.
     */
    private String levelWhenAsked;
    /**
     * The {@code synchronous_commit} setting Junction gave this session ({@code SyncPolicy#primarySessionSql}); null
     * for the server's own, or when not known (a change that failed): the server's own wait and the primary's view
     * are then not trusted to confirm a commit, the standbys are asked.
     */
    private String syncSessionSql;

    private boolean appliedAutoCommit = true;
    private boolean appliedReadOnly;
    private Integer appliedIsolation;
    private long appliedSequence;
    private boolean closed;
    /** Forgets this connection in the topology's {@link dev.junction.driver.internal.topology.LiveConnections}. */
    private dev.junction.driver.internal.topology.LiveConnections.Registration registration = () -> {};

    private NodeSession(
            Node node, Connection physical, ProbedRole openedAs, BackendDialect dialect, int replicaReadTimeoutMillis) {
        this.node = node;
        this.physical = physical;
        this.openedAs = openedAs;
        this.dialect = dialect;
        this.replicaReadTimeoutMillis = replicaReadTimeoutMillis;
    }

    /**
     * Wraps a physical connection just opened to {@code node}; to a replica, guards it first.
     *
     * @param replicaReadTimeout the network timeout of replica connections, zero for none
     * @param primarySessions    the write sync mode's setting of connections to the primary, or null
     */
    static NodeSession open(
            Node node,
            Connection physical,
            BackendDialect dialect,
            Duration replicaReadTimeout,
            dev.junction.driver.internal.sync.PrimarySessions primarySessions,
            dev.junction.driver.internal.topology.LiveConnections.Registration registration)
            throws SQLException {
        ProbedRole role = node.role();
        int timeout = (int) Math.min(Integer.MAX_VALUE, replicaReadTimeout.toMillis());
        NodeSession session = new NodeSession(node, physical, role, dialect, timeout);
        session.registration = registration;
        if (!session.guarded() && primarySessions != null && primarySessions.apply()) {
            String sql = primarySessions.forNewSession(node);
            try (Statement statement = physical.createStatement()) {
                if (sql != null) {
                    statement.execute(sql); // the write sync mode's session setting (SyncPolicy#primarySessionSql)
                    session.syncSessionSql = sql;
                }
                // What a bounded server-side sync wait cancels, asked even where the session keeps the server's
                // setting: the server may start waiting for its standbys before the session is realigned. Where it
                // keeps it, the same question raises it from off (SyncPolicy#SERVER_LEVEL_NOT_OFF).
                try (java.sql.ResultSet pid = statement.executeQuery(
                        sql != null ? "select pg_backend_pid()" : SyncPolicy.PID_AND_SERVER_LEVEL_NOT_OFF)) {
                    pid.next();
                    session.backendPid = pid.getInt(1);
                }
            } catch (SQLException e) {
                session.close();
                throw e;
            }
        }
        if (session.guarded()) {
            try {
                session.guardReadOnly();
                if (timeout > 0) {
                    physical.setNetworkTimeout(DIRECT, timeout);
                }
            } catch (SQLException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    /**
     * Whether this connection is read-only at the server: opened to anything but a known primary (a node marked down
     * may come back as either).
     */
    boolean guarded() {
        return openedAs != ProbedRole.PRIMARY;
    }

    /**
     * Whether this connection still fits its node's role: one opened read-only to a replica cannot take the writes of
     * a promoted node, one opened to a primary must not serve as an unguarded replica after a demotion.
     */
    boolean fitsRole() {
        ProbedRole now = node.role();
        return now == ProbedRole.DOWN || guarded() == (now != ProbedRole.PRIMARY);
    }

    private void guardReadOnly() throws SQLException {
        try (Statement statement = physical.createStatement()) {
            statement.execute(dialect.readOnlySessionSql());
        }
    }

    public Node node() {
        return node;
    }

    /** Whether this session's {@code synchronous_commit} is one Junction set ({@link #syncSessionSql}). */
    boolean syncSessionSet() {
        return syncSessionSql != null;
    }

    /**
     * Brings this session's {@code synchronous_commit} to {@code wanted} (null: the server's own, raised from
     * {@code off}: {@link SyncPolicy#SERVER_LEVEL_NOT_OFF}) when it differs,
     * between transactions only: PgJDBC sends nothing for the auto-commit switch around it while no transaction is
     * open, so the statement opens none. Not known until it returns: a change that fails leaves the session counted
     * as not set, which only makes its commits be confirmed by the standbys themselves.
     */
    void alignSyncSession(String wanted) throws SQLException {
        if (java.util.Objects.equals(wanted, syncSessionSql)) {
            return;
        }
        syncSessionSql = null;
        boolean autoCommit = physical.getAutoCommit();
        if (!autoCommit) {
            physical.setAutoCommit(true);
        }
        try (Statement statement = physical.createStatement()) {
            statement.execute(wanted != null ? wanted : SyncPolicy.SERVER_LEVEL_NOT_OFF);
            syncSessionSql = wanted;
        } finally {
            if (!autoCommit) {
                physical.setAutoCommit(false);
            }
        }
    }

    /** The PostgreSQL server process of this connection, when a write sync mode asked for it at open; else 0. */
    public int backendPid() {
        return backendPid;
    }

    /**
     * The same, asked now if it was not at open (one round trip, once per connection), with the session's
     * {@code synchronous_commit} ({@link #commitsAsynchronously}); PostgreSQL only.
     */
    int askBackendPid() throws SQLException {
        if (backendPid == 0) {
            try (Statement statement = physical.createStatement();
                    java.sql.ResultSet pid =
                            statement.executeQuery("select pg_backend_pid(), current_setting('synchronous_commit')")) {
                pid.next();
                backendPid = pid.getInt(1);
                levelWhenAsked = pid.getString(2);
            }
        }
        return backendPid;
    }

    /**
     * Whether this session commits asynchronously ({@code synchronous_commit = off}), from the server's configuration
     * or the connection's options, as {@link #askBackendPid} found it; asks it if not asked yet. Read only while the
     * application has not set the level itself (the caller's check), so the answer stays true for the connection.
     */
    boolean commitsAsynchronously() throws SQLException {
        askBackendPid();
        return "off".equals(levelWhenAsked);
    }

    /**
     * Commits the open transaction with {@code levelSql} ({@code SET LOCAL synchronous_commit = …}) sent in the same
     * round trip: PgJDBC sends both statements before one Sync, and reads from the server's answer that no transaction
     * is open any more. A transaction already failed refuses the {@code SET} ({@code 25P02}) and skips the
     * {@code COMMIT}; it is then ended by the driver's own {@code commit()}, which answers for it as always.
     */
    void commitAtLevel(String levelSql) throws SQLException {
        try (Statement statement = physical.createStatement()) {
            statement.execute(levelSql + "; commit");
        } catch (SQLException e) {
            if (!"25P02".equals(e.getSQLState())) {
                throw e;
            }
            physical.commit();
        }
    }

    public Connection physical() {
        return physical;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether the physical connection is closed (aborted by a failover, say); a local check, no round trip. */
    boolean physicallyClosed() {
        try {
            return physical().isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Applies whatever of {@code state} this physical connection does not have yet.
     *
     * @param inTransaction whether this connection holds the session's open transaction: then changes join it
     *                      rather than toggle auto-commit, which would commit it
     */
    void sync(SessionSettings state, boolean inTransaction) throws SQLException {
        boolean pendingLog = state.sequence() > appliedSequence;
        boolean pendingIsolation =
                state.isolation() != null && !state.isolation().equals(appliedIsolation);
        boolean pendingReadOnly = state.readOnly() != appliedReadOnly;
        if ((pendingLog || pendingIsolation || pendingReadOnly) && !appliedAutoCommit && !inTransaction) {
            physical.setAutoCommit(true);
            appliedAutoCommit = true;
        }
        if (pendingReadOnly) {
            if (!guarded()) {
                physical.setReadOnly(state.readOnly());
            }
            appliedReadOnly = state.readOnly();
        }
        if (pendingIsolation) {
            physical.setTransactionIsolation(state.isolation());
            appliedIsolation = state.isolation();
        }
        if (pendingLog) {
            boolean readOnlyTouched = false;
            boolean timeoutTouched = false;
            for (SessionChange change : state.changesAfter(appliedSequence)) {
                if (guarded() && ReplicaGuard.skipsOnReplica(change.key())) {
                    appliedSequence = change.sequence();
                    continue;
                }
                change.action().apply(physical);
                appliedSequence = change.sequence();
                readOnlyTouched |= guarded() && ReplicaGuard.mayLift(change.key());
                timeoutTouched |= guarded() && ReplicaGuard.setsNetworkTimeout(change.key());
            }
            appliedSequence = state.sequence();
            if (readOnlyTouched) {
                guardReadOnly();
            }
            if (readOnlyTouched || timeoutTouched) {
                boundNetworkTimeout();
            }
        }
        if (state.autoCommit() != appliedAutoCommit && !(inTransaction && !appliedAutoCommit)) {
            physical.setAutoCommit(state.autoCommit());
            appliedAutoCommit = state.autoCommit();
        }
    }

    /**
     * Bounds the network timeout again after the application set its own: the shorter of the application's and
     * {@code replicaReadTimeout} applies; the application may ask for less, never for an unbounded wait.
     */
    private void boundNetworkTimeout() throws SQLException {
        if (replicaReadTimeoutMillis > 0) {
            int applied = physical.getNetworkTimeout();
            if (applied == 0 || applied > replicaReadTimeoutMillis) {
                physical.setNetworkTimeout(DIRECT, replicaReadTimeoutMillis);
            }
        }
    }

    /** Records that {@code sequence} was applied by running the statement itself here. */
    void applied(long sequence) {
        appliedSequence = Math.max(appliedSequence, sequence);
    }

    /** Records that the physical connection's auto-commit changed outside {@link #sync} (commit via setAutoCommit). */
    void appliedAutoCommit(boolean value) {
        appliedAutoCommit = value;
    }

    void close() {
        if (!closed) {
            closed = true;
            registration.release();
            try {
                physical.close();
            } catch (SQLException e) {
                // closing a broken connection fails; nothing is left to release
            }
        }
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
