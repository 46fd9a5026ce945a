package dev.junction.driver.internal.jdbc;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.pipeline.ExceptionFunnel;
import dev.junction.driver.internal.pipeline.KeyReadRepair;
import dev.junction.driver.internal.pipeline.NodeSession;
import dev.junction.driver.internal.pipeline.OptimisticJournal;
import dev.junction.driver.internal.pipeline.ResultChecksum;
import dev.junction.driver.internal.pipeline.SessionChange;
import dev.junction.driver.internal.pipeline.StatementInfo;
import dev.junction.driver.internal.pipeline.StatementPipeline;
import dev.junction.router.NodeLoad;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link JunctionStatement}, {@link JunctionPreparedStatement} and {@link JunctionCallableStatement} share:
 * one physical statement per node that has run this statement (created on first use there, with the settings
 * the application made, and reused), the one that ran last (whose results, update count and warnings the
 * application reads), and the execution path through the connection's router.
 *
 * <p>A sealed base class rather than the house's "final class per wrapper": {@code CallableStatement extends
 * PreparedStatement extends Statement}, and fifty Statement methods written three times would drift apart.
 *
 * @param <S> the physical statement type
 */
abstract sealed class StatementBase<S extends Statement> implements Statement
        permits JunctionStatement, JunctionPreparedStatement {
    /**
     * Creates the physical statement on one node's physical connection. A prepared statement's text is the rewrite
     * step's output, passed in here rather than captured when the application prepared it.
     */
    @FunctionalInterface
    interface Creator<S> {
        /** @param sql the text to prepare, or null for a plain statement, whose text comes with each execution */
        S create(Connection physical, String sql) throws SQLException;
    }

    /**
     * One execution on a physical statement. The SQL text comes from the pipeline's rewrite step, not from the
     * lambda, so that a rewrite (multi-master stamping, say) has a place to act; a prepared statement's text was
     * rewritten when it was prepared, and its executions ignore it.
     */
    @FunctionalInterface
    interface Execution<S, T> {
        T run(S physical, String sql) throws SQLException;
    }

    /** Reads a setting of a physical statement. */
    @FunctionalInterface
    private interface Getter<T> {
        T get(Statement physical) throws SQLException;
    }

    final RoutingConnection connection;
    private final Creator<S> creator;
    private final Map<NodeSession, S> physicalStatements = new IdentityHashMap<>(4);
    private final List<StatementSetting> settings = new ArrayList<>();
    private volatile S current;
    private NodeSession currentSession;
    /** The checksum the next wrapped result set feeds, in an optimistic transaction; else null. */
    private ResultChecksum pendingChecksum;

    private JunctionResultSet currentResults;
    private final boolean updatable;
    /** The execution under way runs on the primary whatever its text (a batch, a call): it cannot be replayed. */
    private boolean forced;

    private boolean closeOnCompletion;
    private boolean closed;

    /**
     * @param updatable {@code CONCUR_UPDATABLE}: its result sets write through the node that produced them, so every
     *                  execution runs on the primary
     */
    StatementBase(RoutingConnection connection, Creator<S> creator, boolean updatable) {
        this.connection = connection;
        this.creator = creator;
        this.updatable = updatable;
    }

    /** A setting made on the statement (fetch size, timeout...) that every physical statement must get. */
    @FunctionalInterface
    private interface StatementSetting {
        void apply(Statement physical) throws SQLException;
    }

    // ---- execution ----

    /** Routes {@code info}, runs {@code execution} on that node's physical statement, funnels errors. */
    final <T> T execute(StatementInfo info, String sql, boolean forcePrimary, Execution<S, T> execution)
            throws SQLException {
        checkOpen();
        dev.junction.conflict.KeyRead read = keyRead(info, sql); // null unless read repair is on: nothing allocated
        if (read != null) {
            connection.pipeline().repairBeforeRead(read, keyValues());
        }
        NodeSession session = connection.pipeline().acquire(info, sql, forcePrimary || updatable);
        forced = forcePrimary;
        T result;
        try {
            // Inside the try: a connection lost before the statement could even be prepared on it (aborted by a
            // failover) takes the same way as one lost while it ran.
            result = run(info, sql, session, preparedOn(session), execution);
        } catch (SQLException e) {
            result = retryOrFail(e, session, info, sql, forcePrimary, execution);
        }
        connection.pipeline().acknowledgeCommit(); // a commit this execution made may wait for replicas (syncMode)
        return result;
    }

    /** The physical statement on {@code session}, this statement's current one from now on; failures unfunnelled. */
    private S preparedOn(NodeSession session) throws SQLException {
        S physical = physicalOnUnfunnelled(session);
        if (currentResults != null && current != physical) {
            // JDBC closes a statement's open result when it runs again; on another node that is ours to do.
            currentResults.closeQuietly();
        }
        currentResults = null;
        current = physical;
        currentSession = session;
        return physical;
    }

    /** The run step and, when it succeeds, the connection's bookkeeping (replay log, transaction, pins, commits). */
    private <T> T run(StatementInfo info, String sql, NodeSession session, S physical, Execution<S, T> execution)
            throws SQLException {
        String text = executionText(info, sql, session);
        int reportedRows = reportedRowsPerExecution(); // decided by this execution's text, before it runs
        Execution<S, T> step = connection.pipeline().tracksAutoCommitWrite(info, session, forced || updatable)
                ? inTrackedTransaction(session, execution)
                : execution;
        T result = connection.pipeline().countsLoad()
                ? counted(
                        session.node().load(),
                        step,
                        physical,
                        text,
                        connection.pipeline().timesThisExecution())
                : step.run(physical, text);
        if (reportedRows >= 0) {
            result = atMost(result, reportedRows);
        }
        connection
                .pipeline()
                .executed(info, session, sql, info.kind() == StatementInfo.Kind.SESSION ? replayAction(sql) : null);
        OptimisticJournal journal = connection.pipeline().journalFor(session);
        if (journal != null) {
            // An optimistic transaction on a replica: what ran is kept for its move to the primary, if it moves.
            boolean rows = result instanceof ResultSet || Boolean.TRUE.equals(result);
            long count = result instanceof Integer ints ? ints : result instanceof Long longs ? longs : -1;
            pendingChecksum = journal.ran(text, journalParameters(), rows, count);
            if (forced || updatable) {
                journal.unreplayable(); // a batch, a call, an updatable result set: not one text and its parameters
            }
        }
        return result;
    }

    /**
     * The execution counted in the node's load, which {@code loadBalance=least-busy} and {@code primaryReads} read: in
     * flight while it runs, and, when {@code timed}, its service time once it answers (a failure is no measure of the
     * node's speed).
     */
    private static <S, T> T counted(NodeLoad load, Execution<S, T> execution, S physical, String text, boolean timed)
            throws SQLException {
        load.begin();
        long sent = timed ? System.nanoTime() : 0;
        boolean answered = false;
        try {
            T result = execution.run(physical, text);
            answered = true;
            return result;
        } finally {
            if (answered && timed) {
                long now = System.nanoTime();
                load.end(now - sent, now);
            } else {
                load.end();
            }
        }
    }

    /**
     * {@code commitOutcome=track}: an auto-commit write runs in a transaction of its own, so that the id recorded
     * with it commits exactly when it does, and its outcome can be found out if the commit loses its connection.
     */
    private <T> Execution<S, T> inTrackedTransaction(NodeSession session, Execution<S, T> execution) {
        StatementPipeline pipeline = connection.pipeline();
        return (physical, text) -> {
            pipeline.beginTrackedWrite(session);
            T result;
            try {
                result = execution.run(physical, text);
            } catch (SQLException e) {
                throw pipeline.failedTrackedWrite(e, session);
            }
            pipeline.commitTrackedWrite(session);
            return result;
        };
    }

    /** Kept out of {@link #execute} so that the per-statement path stays small enough to inline. */
    private <T> T retryOrFail(
            SQLException e,
            NodeSession session,
            StatementInfo info,
            String sql,
            boolean forcePrimary,
            Execution<S, T> execution)
            throws SQLException {
        NodeSession retry = connection.pipeline().retry(e, session, info, forcePrimary || updatable);
        if (retry == null) {
            throw connection.pipeline().failedExecution(e, session, info, forcePrimary || updatable);
        }
        return executeAgain(info, sql, retry, execution, ExceptionFunnel.withNode(e, session.node()));
    }

    /**
     * The one retry {@link RoutingConnection#retrySession} allows: the same execution on another node. Parameters
     * are bound by the execution itself, so the retry sends the same ones. If it fails too, the first failure is
     * kept as a suppressed exception.
     */
    private <T> T executeAgain(
            StatementInfo info, String sql, NodeSession session, Execution<S, T> execution, SQLException first)
            throws SQLException {
        S physical = physicalOn(session);
        current = physical;
        currentSession = session;
        try {
            return run(info, sql, session, physical, execution);
        } catch (SQLException e) {
            SQLException failure = connection.pipeline().failed(e, session);
            failure.addSuppressed(first);
            throw failure;
        }
    }

    /** The physical statement on {@code session}, created and configured on first use. */
    final S physicalOn(NodeSession session) throws SQLException {
        try {
            return physicalOnUnfunnelled(session);
        } catch (SQLException e) {
            throw connection.pipeline().failed(e, session);
        }
    }

    /** {@link #physicalOn} whose failure is the backend's exception, for the caller's failure step. */
    private S physicalOnUnfunnelled(NodeSession session) throws SQLException {
        if (session == currentSession && current != null) {
            return current; // ran there last time: no map lookup
        }
        S physical = physicalStatements.get(session);
        if (physical != null) {
            return physical;
        }
        physical = creator.create(session.physical(), preparedText());
        for (StatementSetting setting : settings) {
            setting.apply(physical);
        }
        physicalStatements.put(session, physical);
        return physical;
    }

    /** A second result of one execution cannot be replayed by a move: the optimistic transaction's journal says so. */
    private boolean moreResults(boolean more) {
        OptimisticJournal journal = connection.pipeline().journalFor(currentSession);
        if (more && journal != null) {
            journal.unreplayable();
        }
        return more;
    }

    private static boolean scrollable(ResultSet physical) {
        try {
            return physical.getType() != ResultSet.TYPE_FORWARD_ONLY;
        } catch (SQLException e) {
            return true;
        }
    }

    /** The parameters bound now, as an optimistic transaction's journal keeps them: none for a plain statement. */
    OptimisticJournal.Parameters journalParameters() {
        return null;
    }

    /**
     * The text one execution runs, from the rewrite step; a prepared statement's was fixed when it was prepared
     * ({@link #preparedText}), and the physical statement ignores it.
     */
    String executionText(StatementInfo info, String sql, NodeSession session) throws SQLException {
        return connection.pipeline().rewrite(info, sql, session.node());
    }

    /**
     * The update count this execution's text stands for at most (an upsert standing for the application's UPDATE of one
     * row, or for its INSERT of rows), or -1 for the server's.
     */
    int reportedRowsPerExecution() {
        return connection.pipeline().lastRewriteRows();
    }

    /** An update count (or a batch's) of an upsert that stands for at most {@code rows} rows. */
    @SuppressWarnings("unchecked")
    static <T> T atMost(T result, int rows) {
        if (result instanceof Integer count) {
            return (T) Integer.valueOf(Math.min(count, rows));
        }
        if (result instanceof Long count) {
            return (T) Long.valueOf(Math.min(count, rows));
        }
        if (result instanceof int[] counts) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = Math.min(counts[i], rows); // SUCCESS_NO_INFO (-2) and EXECUTE_FAILED (-3) stay
            }
        } else if (result instanceof long[] counts) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = Math.min(counts[i], rows);
            }
        }
        return result;
    }

    /** The row this execution reads by key from a conflict table, for read repair; null for none. */
    dev.junction.conflict.KeyRead keyRead(StatementInfo info, String sql) {
        return connection.pipeline().keyReadOf(info, sql);
    }

    /** Where read repair finds the values of the key's parameters: a plain statement has none. */
    KeyReadRepair.KeyValues keyValues() {
        return KeyReadRepair.KeyValues.NONE;
    }

    /** The text a physical statement is prepared with: none for a plain statement. */
    String preparedText() {
        return null;
    }

    /** The physical statement that ran last. */
    final S current(String operation) throws SQLException {
        checkOpen();
        S physical = current;
        if (physical == null) {
            throw JunctionErrorCode.NOT_EXECUTED.exception(operation);
        }
        return physical;
    }

    final NodeSession currentSession() {
        return currentSession;
    }

    final SQLException failed(SQLException e) {
        return connection.pipeline().failed(e, currentSession);
    }

    final ResultSet wrap(ResultSet physical) {
        if (physical == null) {
            return null;
        }
        if (currentResults != null && currentResults.wraps(physical)) {
            return currentResults;
        }
        ResultChecksum checksum = pendingChecksum;
        if (checksum != null && scrollable(physical)) {
            connection.pipeline().journalFor(currentSession).unreplayable(); // a cursor that moves back has no prefix
            checksum = null;
        }
        currentResults = WrapperFactory.resultSet(this, physical, currentSession, checksum);
        pendingChecksum = null; // one result per execution is replayed; a second one makes the journal unreplayable
        return currentResults;
    }

    /** Records a setting and applies it to the physical statements that exist. */
    private void set(StatementSetting setting) throws SQLException {
        checkOpen();
        settings.add(setting);
        for (Map.Entry<NodeSession, S> entry : physicalStatements.entrySet()) {
            try {
                setting.apply(entry.getValue());
            } catch (SQLException e) {
                throw connection.pipeline().failed(e, entry.getKey());
            }
        }
    }

    final void checkOpen() throws SQLException {
        if (isClosed()) {
            throw JunctionErrorCode.STATEMENT_CLOSED.exception(
                    getClass().getSimpleName().replace("Junction", ""));
        }
    }

    /** Called by a result set of this statement when it closes: honours {@link #closeOnCompletion()}. */
    final void resultClosed() throws SQLException {
        if (closeOnCompletion && !closed) {
            close();
        }
    }

    // ---- plain SQL execution (Statement) ----

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return wrap(execute(
                connection.pipeline().classify(sql), sql, false, (physical, text) -> physical.executeQuery(text)));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return execute(
                connection.pipeline().classify(sql), sql, false, (physical, text) -> physical.executeUpdate(text));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeUpdate(text, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeUpdate(text, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeUpdate(text, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return execute(
                connection.pipeline().classify(sql), sql, false, (physical, text) -> physical.executeLargeUpdate(text));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeLargeUpdate(text, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeLargeUpdate(text, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.executeLargeUpdate(text, columnNames));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return execute(connection.pipeline().classify(sql), sql, false, (physical, text) -> physical.execute(text));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.execute(text, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.execute(text, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return execute(
                connection.pipeline().classify(sql),
                sql,
                false,
                (physical, text) -> physical.execute(text, columnNames));
    }

    // ---- results of the last execution ----

    @Override
    public ResultSet getResultSet() throws SQLException {
        S physical = current;
        if (physical == null) {
            checkOpen();
            return null;
        }
        try {
            return wrap(physical.getResultSet());
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public int getUpdateCount() throws SQLException {
        S physical = current;
        if (physical == null) {
            checkOpen();
            return -1;
        }
        try {
            return physical.getUpdateCount();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        S physical = current;
        if (physical == null) {
            checkOpen();
            return -1;
        }
        try {
            return physical.getLargeUpdateCount();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        S physical = current;
        if (physical == null) {
            checkOpen();
            return false;
        }
        try {
            currentResults = null;
            return moreResults(physical.getMoreResults());
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        S physical = this.current;
        if (physical == null) {
            checkOpen();
            return false;
        }
        try {
            if (current != KEEP_CURRENT_RESULT) {
                currentResults = null;
            }
            return moreResults(physical.getMoreResults(current));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        S physical = current("getGeneratedKeys");
        try {
            ResultSet keys = physical.getGeneratedKeys();
            return keys == null ? null : WrapperFactory.resultSet(this, keys, currentSession);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        S physical = current;
        try {
            return physical == null ? null : physical.getWarnings();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (Map.Entry<NodeSession, S> entry : physicalStatements.entrySet()) {
            try {
                entry.getValue().clearWarnings();
            } catch (SQLException e) {
                throw connection.pipeline().failed(e, entry.getKey());
            }
        }
    }

    /** Cancels the running execution; may come from another thread, hence the volatile {@code current}. */
    @Override
    public void cancel() throws SQLException {
        S physical = current;
        if (physical != null) {
            physical.cancel();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    // ---- settings: recorded, applied to every physical statement ----

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        set(physical -> physical.setMaxFieldSize(max));
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        return readSetting(Statement::getMaxFieldSize);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        set(physical -> physical.setMaxRows(max));
    }

    @Override
    public int getMaxRows() throws SQLException {
        return readSetting(Statement::getMaxRows);
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        set(physical -> physical.setLargeMaxRows(max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return readSetting(Statement::getLargeMaxRows);
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        set(physical -> physical.setEscapeProcessing(enable));
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        set(physical -> physical.setQueryTimeout(seconds));
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return readSetting(Statement::getQueryTimeout);
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        set(physical -> physical.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        set(physical -> physical.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return readSetting(Statement::getFetchDirection);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        set(physical -> physical.setFetchSize(rows));
    }

    @Override
    public int getFetchSize() throws SQLException {
        return readSetting(Statement::getFetchSize);
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        set(physical -> physical.setPoolable(poolable));
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return readSetting(Statement::isPoolable);
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return readSetting(Statement::getResultSetConcurrency);
    }

    @Override
    public int getResultSetType() throws SQLException {
        return readSetting(Statement::getResultSetType);
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return readSetting(Statement::getResultSetHoldability);
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    /** A setting's value from the physical statement that ran last, else from one created on the anchor node. */
    private <T> T readSetting(Getter<T> getter) throws SQLException {
        checkOpen();
        S physical = current;
        NodeSession session = currentSession;
        if (physical == null) {
            session = connection.pipeline().acquire(describeInfo(), false);
            physical = physicalOn(session);
        }
        try {
            return getter.get(physical);
        } catch (SQLException e) {
            throw connection.pipeline().failed(e, session);
        }
    }

    /** How to re-create, on another physical connection, the session state that {@code sql} just set. */
    SessionChange.Action replayAction(String sql) {
        return physical -> {
            try (Statement statement = physical.createStatement()) {
                statement.execute(sql);
            }
        };
    }

    /** How to route when a physical statement is needed before any execution (settings, metadata). */
    abstract StatementInfo describeInfo();

    // ---- lifecycle ----

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException first = null;
        for (S physical : physicalStatements.values()) {
            try {
                physical.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        physicalStatements.clear();
        current = null;
        if (first != null && !connection.isClosed()) {
            throw failed(first);
        }
    }

    @Override
    public boolean isClosed() {
        return closed || connection.isClosed();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        S physical = current;
        if (physical != null && (iface.isInstance(physical) || physical.isWrapperFor(iface))) {
            return iface.isInstance(physical) ? iface.cast(physical) : physical.unwrap(iface);
        }
        throw JunctionErrorCode.NOT_A_WRAPPER.exception(this, iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        S physical = current;
        return iface.isInstance(this)
                || physical != null && (iface.isInstance(physical) || physical.isWrapperFor(iface));
    }

    /** {@code JunctionStatement@1a2b [replica pg2:5432]}: where it last ran. */
    @Override
    public String toString() {
        NodeSession session = currentSession;
        return getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + " ["
                + (session == null
                        ? "not executed"
                        : session.node().role().label() + " " + session.node().address()) + "]";
    }
}
