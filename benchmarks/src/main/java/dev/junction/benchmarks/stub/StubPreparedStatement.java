package dev.junction.benchmarks.stub;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;

/** A {@link StubStatement} bound to one SQL text; parameters are accepted and ignored. */
final class StubPreparedStatement extends StubStatement implements PreparedStatement {
    private final String sql;

    StubPreparedStatement(StubConnection connection, String sql) {
        super(connection);
        this.sql = sql;
    }

    @Override
    public ResultSet executeQuery() {
        return executeQuery(sql);
    }

    @Override
    public int executeUpdate() {
        return 1;
    }

    @Override
    public boolean execute() {
        return execute(sql);
    }

    // Everything else: neutral answers, never reached by the benchmarks.

    @Override
    public void setNull(int p0, int p1) throws SQLException {}

    @Override
    public void setBoolean(int p0, boolean p1) throws SQLException {}

    @Override
    public void setByte(int p0, byte p1) throws SQLException {}

    @Override
    public void setShort(int p0, short p1) throws SQLException {}

    @Override
    public void setInt(int p0, int p1) throws SQLException {}

    @Override
    public void setLong(int p0, long p1) throws SQLException {}

    @Override
    public void setFloat(int p0, float p1) throws SQLException {}

    @Override
    public void setDouble(int p0, double p1) throws SQLException {}

    @Override
    public void setBigDecimal(int p0, java.math.BigDecimal p1) throws SQLException {}

    @Override
    public void setString(int p0, String p1) throws SQLException {}

    @Override
    public void setBytes(int p0, byte[] p1) throws SQLException {}

    @Override
    public void setDate(int p0, Date p1) throws SQLException {}

    @Override
    public void setTime(int p0, Time p1) throws SQLException {}

    @Override
    public void setTimestamp(int p0, Timestamp p1) throws SQLException {}

    @Override
    public void setAsciiStream(int p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void setUnicodeStream(int p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void setBinaryStream(int p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void clearParameters() throws SQLException {}

    @Override
    public void setObject(int p0, Object p1, int p2) throws SQLException {}

    @Override
    public void setObject(int p0, Object p1) throws SQLException {}

    @Override
    public void addBatch() throws SQLException {}

    @Override
    public void setCharacterStream(int p0, java.io.Reader p1, int p2) throws SQLException {}

    @Override
    public void setRef(int p0, Ref p1) throws SQLException {}

    @Override
    public void setBlob(int p0, Blob p1) throws SQLException {}

    @Override
    public void setClob(int p0, Clob p1) throws SQLException {}

    @Override
    public void setArray(int p0, Array p1) throws SQLException {}

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return null;
    }

    @Override
    public void setDate(int p0, Date p1, java.util.Calendar p2) throws SQLException {}

    @Override
    public void setTime(int p0, Time p1, java.util.Calendar p2) throws SQLException {}

    @Override
    public void setTimestamp(int p0, Timestamp p1, java.util.Calendar p2) throws SQLException {}

    @Override
    public void setNull(int p0, int p1, String p2) throws SQLException {}

    @Override
    public void setURL(int p0, java.net.URL p1) throws SQLException {}

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return null;
    }

    @Override
    public void setRowId(int p0, RowId p1) throws SQLException {}

    @Override
    public void setNString(int p0, String p1) throws SQLException {}

    @Override
    public void setNCharacterStream(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void setNClob(int p0, NClob p1) throws SQLException {}

    @Override
    public void setClob(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void setBlob(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void setNClob(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void setSQLXML(int p0, SQLXML p1) throws SQLException {}

    @Override
    public void setObject(int p0, Object p1, int p2, int p3) throws SQLException {}

    @Override
    public void setAsciiStream(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void setBinaryStream(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void setCharacterStream(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void setAsciiStream(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void setBinaryStream(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void setCharacterStream(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void setNCharacterStream(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void setClob(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void setBlob(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void setNClob(int p0, java.io.Reader p1) throws SQLException {}
}
