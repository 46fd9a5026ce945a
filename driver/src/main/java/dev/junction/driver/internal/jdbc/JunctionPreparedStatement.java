package dev.junction.driver.internal.jdbc;

import dev.junction.conflict.Stamping;
import dev.junction.driver.internal.pipeline.ConflictStamping;
import dev.junction.driver.internal.pipeline.NodeSession;
import dev.junction.driver.internal.pipeline.OptimisticJournal;
import dev.junction.driver.internal.pipeline.SessionChange;
import dev.junction.driver.internal.pipeline.StatementInfo;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * The application's {@link PreparedStatement}. Its SQL is classified once, at prepare time. It is prepared on a node
 * only when it first executes there. Parameters are recorded, not sent: each execution binds them to the physical
 * statement of the node that runs it, so an execution that moves to another node (a new transaction on another
 * replica, a pin) sees the same parameters. Batches run on the primary, or on the transaction's node.
 */
// CallableStatement extends PreparedStatement: the one subclass is JunctionCallableStatement.
sealed class JunctionPreparedStatement extends StatementBase<PreparedStatement> implements PreparedStatement
        permits JunctionCallableStatement {
    /** One recorded parameter setting. */
    @FunctionalInterface
    interface Binding extends ParameterBindings.Binding {}

    private final String sql;
    private final StatementInfo info;
    private final boolean alwaysPrimary;
    private final ParameterBindings bindings = new ParameterBindings();
    private final List<ParameterBindings> batch = new ArrayList<>();
    /** The rewrite step's stamping of this statement (a write of a multi-master conflict table); null for none. */
    private final Stamping.Stamped stamped;
    /** The row this statement reads by key from a conflict table, for read repair; null for none. */
    private final dev.junction.conflict.KeyRead keyRead;
    // The executions, built once: a capturing lambda per call was an allocation on every statement.
    private final Execution<PreparedStatement, ResultSet> runQuery = (physical, prepared) -> {
        bind(bindings, physical);
        return physical.executeQuery();
    };
    private final Execution<PreparedStatement, Integer> runUpdate = (physical, prepared) -> {
        bind(bindings, physical);
        return physical.executeUpdate();
    };
    private final Execution<PreparedStatement, Boolean> run = (physical, prepared) -> {
        bind(bindings, physical);
        return physical.execute();
    };

    JunctionPreparedStatement(
            RoutingConnection connection,
            String sql,
            Creator<PreparedStatement> creator,
            boolean alwaysPrimary,
            boolean updatable)
            throws SQLException {
        super(connection, creator, updatable);
        this.sql = sql;
        this.info = connection.pipeline().classify(sql);
        this.stamped = connection.pipeline().stampingOf(info, sql);
        this.keyRead = connection.pipeline().keyReadOf(info, sql);
        this.alwaysPrimary = alwaysPrimary;
    }

    /**
     * Binds {@code values} to {@code physical}: as they are, or where the stamping put the application's parameters,
     * with a fresh stamp for this execution (or batch row).
     */
    private void bind(ParameterBindings values, PreparedStatement physical) throws SQLException {
        if (stamped == null) {
            values.bindTo(physical);
            return;
        }
        values.bindTo(physical, stamped.physicalIndexOfApplicationParameter());
        ConflictStamping.bindStamp(stamped, physical, currentSession().node());
    }

    @Override
    final dev.junction.conflict.KeyRead keyRead(StatementInfo info, String sql) {
        return keyRead;
    }

    @Override
    final dev.junction.driver.internal.pipeline.KeyReadRepair.KeyValues keyValues() {
        return bindings::bindOne;
    }

    @Override
    final int reportedRowsPerExecution() {
        return stamped == null ? -1 : stamped.reportedRows();
    }

    /** A prepared statement's text is fixed when it is prepared on a node ({@link #preparedText}). */
    @Override
    final String executionText(StatementInfo info, String sql, NodeSession session) {
        return sql;
    }

    /** The parameters as bound now, kept by an optimistic transaction's journal for a replay on the primary. */
    @Override
    final OptimisticJournal.Parameters journalParameters() {
        return bindings.copy();
    }

    /** The rewrite step's text for this statement: what every node prepares. */
    @Override
    final String preparedText() {
        return stamped == null ? sql : stamped.preparedText();
    }

    /** Records the parameter at {@code index}. */
    final void record(int index, ParameterBindings.IndexedBinding binding) throws SQLException {
        checkOpen();
        bindings.set(index, binding);
    }

    /** Records a callable's named parameter or out-parameter registration, keyed by {@code key}. */
    final void record(String key, Binding binding) throws SQLException {
        checkOpen();
        bindings.named(key, binding);
    }

    /** A session statement with parameters is replayed with the parameters it ran with. */
    @Override
    SessionChange.Action replayAction(String sql) {
        ParameterBindings values = bindings.copy();
        return physical -> {
            try (PreparedStatement statement = physical.prepareStatement(sql)) {
                values.bindTo(statement);
                statement.execute();
            }
        };
    }

    @Override
    StatementInfo describeInfo() {
        return info;
    }

    final String sql() {
        return sql;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return wrap(execute(info, sql, alwaysPrimary, runQuery));
    }

    @Override
    public int executeUpdate() throws SQLException {
        return execute(info, sql, alwaysPrimary, runUpdate);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return execute(info, sql, alwaysPrimary, (physical, prepared) -> {
            bind(bindings, physical);
            return physical.executeLargeUpdate();
        });
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(info, sql, alwaysPrimary, run);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        batch.add(bindings.copy());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        List<ParameterBindings> rows = List.copyOf(batch);
        batch.clear();
        return execute(info, sql, true, (physical, prepared) -> {
            physical.clearBatch();
            for (ParameterBindings row : rows) {
                bind(row, physical);
                physical.addBatch();
            }
            return physical.executeBatch();
        });
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<ParameterBindings> rows = List.copyOf(batch);
        batch.clear();
        return execute(info, sql, true, (physical, prepared) -> {
            physical.clearBatch();
            for (ParameterBindings row : rows) {
                bind(row, physical);
                physical.addBatch();
            }
            return physical.executeLargeBatch();
        });
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        // JDBC forbids it on a PreparedStatement; let the backend say so in its own words.
        PreparedStatement physical = physicalOn(connection.pipeline().acquire(info, alwaysPrimary));
        try {
            physical.addBatch(sql);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        bindings.clear();
    }

    /** Metadata from the node that would run the statement now, prepared there if need be. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        NodeSession session = currentSession() != null
                ? currentSession()
                : connection.pipeline().acquire(info, alwaysPrimary);
        try {
            return physicalOn(session).getMetaData();
        } catch (SQLException e) {
            throw connection.pipeline().failed(e, session);
        }
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        NodeSession session = currentSession() != null
                ? currentSession()
                : connection.pipeline().acquire(info, alwaysPrimary);
        try {
            return physicalOn(session).getParameterMetaData();
        } catch (SQLException e) {
            throw connection.pipeline().failed(e, session);
        }
    }

    // ---- parameters: recorded, bound at execution ----
    // spotless:off (one line per pure delegation: house style; the formatter would make each five)
    @Override public void setNull(int parameterIndex, int sqlType) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNull(index, sqlType)); }
    @Override public void setBoolean(int parameterIndex, boolean x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBoolean(index, x)); }
    @Override public void setByte(int parameterIndex, byte x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setByte(index, x)); }
    @Override public void setShort(int parameterIndex, short x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setShort(index, x)); }
    @Override public void setInt(int parameterIndex, int x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setInt(index, x)); }
    @Override public void setLong(int parameterIndex, long x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setLong(index, x)); }
    @Override public void setFloat(int parameterIndex, float x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setFloat(index, x)); }
    @Override public void setDouble(int parameterIndex, double x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setDouble(index, x)); }
    @Override public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBigDecimal(index, x)); }
    @Override public void setString(int parameterIndex, String x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setString(index, x)); }
    @Override public void setBytes(int parameterIndex, byte[] x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBytes(index, x)); }
    @Override public void setDate(int parameterIndex, java.sql.Date x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setDate(index, x)); }
    @Override public void setTime(int parameterIndex, java.sql.Time x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setTime(index, x)); }
    @Override public void setTimestamp(int parameterIndex, java.sql.Timestamp x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setTimestamp(index, x)); }
    @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setAsciiStream(index, x, length)); }
    @Override public void setUnicodeStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setUnicodeStream(index, x, length)); }
    @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBinaryStream(index, x, length)); }
    @Override public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException { record(parameterIndex, (physical, index) -> physical.setObject(index, x, targetSqlType)); }
    @Override public void setObject(int parameterIndex, Object x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setObject(index, x)); }
    @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader, int length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setCharacterStream(index, reader, length)); }
    @Override public void setRef(int parameterIndex, Ref x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setRef(index, x)); }
    @Override public void setBlob(int parameterIndex, Blob x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBlob(index, x)); }
    @Override public void setClob(int parameterIndex, Clob x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setClob(index, x)); }
    @Override public void setArray(int parameterIndex, Array x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setArray(index, x)); }
    @Override public void setDate(int parameterIndex, java.sql.Date x, Calendar cal) throws SQLException { record(parameterIndex, (physical, index) -> physical.setDate(index, x, cal)); }
    @Override public void setTime(int parameterIndex, java.sql.Time x, Calendar cal) throws SQLException { record(parameterIndex, (physical, index) -> physical.setTime(index, x, cal)); }
    @Override public void setTimestamp(int parameterIndex, java.sql.Timestamp x, Calendar cal) throws SQLException { record(parameterIndex, (physical, index) -> physical.setTimestamp(index, x, cal)); }
    @Override public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNull(index, sqlType, typeName)); }
    @Override public void setURL(int parameterIndex, java.net.URL x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setURL(index, x)); }
    @Override public void setRowId(int parameterIndex, RowId x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setRowId(index, x)); }
    @Override public void setNString(int parameterIndex, String value) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNString(index, value)); }
    @Override public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNCharacterStream(index, value, length)); }
    @Override public void setNClob(int parameterIndex, NClob value) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNClob(index, value)); }
    @Override public void setClob(int parameterIndex, Reader reader, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setClob(index, reader, length)); }
    @Override public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBlob(index, inputStream, length)); }
    @Override public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNClob(index, reader, length)); }
    @Override public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException { record(parameterIndex, (physical, index) -> physical.setSQLXML(index, xmlObject)); }
    @Override public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException { record(parameterIndex, (physical, index) -> physical.setObject(index, x, targetSqlType, scaleOrLength)); }
    @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setAsciiStream(index, x, length)); }
    @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBinaryStream(index, x, length)); }
    @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader, long length) throws SQLException { record(parameterIndex, (physical, index) -> physical.setCharacterStream(index, reader, length)); }
    @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setAsciiStream(index, x)); }
    @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBinaryStream(index, x)); }
    @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader) throws SQLException { record(parameterIndex, (physical, index) -> physical.setCharacterStream(index, reader)); }
    @Override public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNCharacterStream(index, value)); }
    @Override public void setClob(int parameterIndex, Reader reader) throws SQLException { record(parameterIndex, (physical, index) -> physical.setClob(index, reader)); }
    @Override public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException { record(parameterIndex, (physical, index) -> physical.setBlob(index, inputStream)); }
    @Override public void setNClob(int parameterIndex, Reader reader) throws SQLException { record(parameterIndex, (physical, index) -> physical.setNClob(index, reader)); }
    @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException { record(parameterIndex, (physical, index) -> physical.setObject(index, x, targetSqlType, scaleOrLength)); }
    @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException { record(parameterIndex, (physical, index) -> physical.setObject(index, x, targetSqlType)); }
    // spotless:on
}
