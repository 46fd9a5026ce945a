package dev.junction.benchmarks.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * Answers every query with one row: {@code t}/{@code f} (PostgreSQL) or {@code 1}/{@code 0} (MySQL) for the role
 * probes Junction sends at first use ({@code select pg_is_in_recovery()}, {@code select @@global.read_only}),
 * a fixed text for anything else; every update reports one row changed.
 */
class StubStatement implements Statement {
    private final StubConnection connection;
    private ResultSet current;
    private int updateCount = -1;
    private boolean closed;

    StubStatement(StubConnection connection) {
        this.connection = connection;
    }

    @Override
    public ResultSet executeQuery(String sql) {
        return new StubResultSet(this, connection.answer(sql));
    }

    @Override
    public int executeUpdate(String sql) {
        return 1;
    }

    @Override
    public boolean execute(String sql) {
        boolean query = StubConnection.isQuery(sql);
        current = query ? executeQuery(sql) : null;
        updateCount = query ? -1 : 1;
        return query;
    }

    @Override
    public ResultSet getResultSet() {
        return current;
    }

    @Override
    public int getUpdateCount() {
        return updateCount;
    }

    @Override
    public boolean getMoreResults() {
        current = null;
        updateCount = -1;
        return false;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // Everything else: neutral answers, never reached by the benchmarks.

    @Override
    public int getMaxFieldSize() throws SQLException {
        return 0;
    }

    @Override
    public void setMaxFieldSize(int p0) throws SQLException {}

    @Override
    public int getMaxRows() throws SQLException {
        return 0;
    }

    @Override
    public void setMaxRows(int p0) throws SQLException {}

    @Override
    public void setEscapeProcessing(boolean p0) throws SQLException {}

    @Override
    public int getQueryTimeout() throws SQLException {
        return 0;
    }

    @Override
    public void setQueryTimeout(int p0) throws SQLException {}

    @Override
    public void cancel() throws SQLException {}

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {}

    @Override
    public void setCursorName(String p0) throws SQLException {}

    @Override
    public void setFetchDirection(int p0) throws SQLException {}

    @Override
    public int getFetchDirection() throws SQLException {
        return 0;
    }

    @Override
    public void setFetchSize(int p0) throws SQLException {}

    @Override
    public int getFetchSize() throws SQLException {
        return 0;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return 0;
    }

    @Override
    public int getResultSetType() throws SQLException {
        return 0;
    }

    @Override
    public void addBatch(String p0) throws SQLException {}

    @Override
    public void clearBatch() throws SQLException {}

    @Override
    public int[] executeBatch() throws SQLException {
        return null;
    }

    @Override
    public boolean getMoreResults(int p0) throws SQLException {
        return false;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return null;
    }

    @Override
    public int executeUpdate(String p0, int p1) throws SQLException {
        return 0;
    }

    @Override
    public int executeUpdate(String p0, int[] p1) throws SQLException {
        return 0;
    }

    @Override
    public int executeUpdate(String p0, String[] p1) throws SQLException {
        return 0;
    }

    @Override
    public boolean execute(String p0, int p1) throws SQLException {
        return false;
    }

    @Override
    public boolean execute(String p0, int[] p1) throws SQLException {
        return false;
    }

    @Override
    public boolean execute(String p0, String[] p1) throws SQLException {
        return false;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return 0;
    }

    @Override
    public void setPoolable(boolean p0) throws SQLException {}

    @Override
    public boolean isPoolable() throws SQLException {
        return false;
    }

    @Override
    public void closeOnCompletion() throws SQLException {}

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return false;
    }

    @Override
    public <T> T unwrap(Class<T> p0) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> p0) throws SQLException {
        return false;
    }
}
