package dev.junction.driver.internal.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.util.Calendar;
import java.util.Map;

/**
 * The application's {@link CallableStatement}. A procedure or function call may write whatever its body does, so a
 * call always runs on the primary (or on the transaction's node). IN parameters and OUT registrations are recorded
 * like a prepared statement's; OUT values are read from the physical call that ran last.
 */
final class JunctionCallableStatement extends JunctionPreparedStatement implements CallableStatement {
    JunctionCallableStatement(RoutingConnection connection, String sql, Creator<PreparedStatement> creator)
            throws SQLException {
        super(connection, sql, creator, true, false);
    }

    private CallableStatement callable(String operation) throws SQLException {
        return (CallableStatement) current(operation);
    }

    /** A REF CURSOR comes back as a backend result set: wrapped, so that its statement is ours. */
    private Object wrapValue(Object value) {
        return value instanceof ResultSet ? WrapperFactory.resultSet(this, (ResultSet) value, currentSession()) : value;
    }

    @Override
    public Object getObject(int parameterIndex) throws SQLException {
        try {
            return wrapValue(callable("getObject").getObject(parameterIndex));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public Object getObject(String parameterName) throws SQLException {
        try {
            return wrapValue(callable("getObject").getObject(parameterName));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
        try {
            return wrapValue(callable("getObject").getObject(parameterIndex, map));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
        try {
            return wrapValue(callable("getObject").getObject(parameterName, map));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    // ---- IN parameters and OUT registrations are recorded; OUT values come from the last execution ----
    // spotless:off (one line per pure delegation: house style; the formatter would make each five)
    @Override public void registerOutParameter(int parameterIndex, int sqlType) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType)); }
    @Override public void registerOutParameter(int parameterIndex, int sqlType, int scale) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType, scale)); }
    @Override public boolean wasNull() throws SQLException { try { return callable("wasNull").wasNull(); } catch (SQLException e) { throw failed(e); } }
    @Override public String getString(int parameterIndex) throws SQLException { try { return callable("getString").getString(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean getBoolean(int parameterIndex) throws SQLException { try { return callable("getBoolean").getBoolean(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public byte getByte(int parameterIndex) throws SQLException { try { return callable("getByte").getByte(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public short getShort(int parameterIndex) throws SQLException { try { return callable("getShort").getShort(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public int getInt(int parameterIndex) throws SQLException { try { return callable("getInt").getInt(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public long getLong(int parameterIndex) throws SQLException { try { return callable("getLong").getLong(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public float getFloat(int parameterIndex) throws SQLException { try { return callable("getFloat").getFloat(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public double getDouble(int parameterIndex) throws SQLException { try { return callable("getDouble").getDouble(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public BigDecimal getBigDecimal(int parameterIndex, int scale) throws SQLException { try { return callable("getBigDecimal").getBigDecimal(parameterIndex, scale); } catch (SQLException e) { throw failed(e); } }
    @Override public byte[] getBytes(int parameterIndex) throws SQLException { try { return callable("getBytes").getBytes(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Date getDate(int parameterIndex) throws SQLException { try { return callable("getDate").getDate(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Time getTime(int parameterIndex) throws SQLException { try { return callable("getTime").getTime(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Timestamp getTimestamp(int parameterIndex) throws SQLException { try { return callable("getTimestamp").getTimestamp(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public BigDecimal getBigDecimal(int parameterIndex) throws SQLException { try { return callable("getBigDecimal").getBigDecimal(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public Ref getRef(int parameterIndex) throws SQLException { try { return callable("getRef").getRef(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public Blob getBlob(int parameterIndex) throws SQLException { try { return callable("getBlob").getBlob(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public Clob getClob(int parameterIndex) throws SQLException { try { return callable("getClob").getClob(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public Array getArray(int parameterIndex) throws SQLException { try { return callable("getArray").getArray(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Date getDate(int parameterIndex, Calendar cal) throws SQLException { try { return callable("getDate").getDate(parameterIndex, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Time getTime(int parameterIndex, Calendar cal) throws SQLException { try { return callable("getTime").getTime(parameterIndex, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Timestamp getTimestamp(int parameterIndex, Calendar cal) throws SQLException { try { return callable("getTimestamp").getTimestamp(parameterIndex, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public void registerOutParameter(int parameterIndex, int sqlType, String typeName) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType, typeName)); }
    @Override public void registerOutParameter(String parameterName, int sqlType) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType)); }
    @Override public void registerOutParameter(String parameterName, int sqlType, int scale) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType, scale)); }
    @Override public void registerOutParameter(String parameterName, int sqlType, String typeName) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType, typeName)); }
    @Override public java.net.URL getURL(int parameterIndex) throws SQLException { try { return callable("getURL").getURL(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public void setURL(String parameterName, java.net.URL val) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setURL(parameterName, val)); }
    @Override public void setNull(String parameterName, int sqlType) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNull(parameterName, sqlType)); }
    @Override public void setBoolean(String parameterName, boolean x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBoolean(parameterName, x)); }
    @Override public void setByte(String parameterName, byte x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setByte(parameterName, x)); }
    @Override public void setShort(String parameterName, short x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setShort(parameterName, x)); }
    @Override public void setInt(String parameterName, int x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setInt(parameterName, x)); }
    @Override public void setLong(String parameterName, long x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setLong(parameterName, x)); }
    @Override public void setFloat(String parameterName, float x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setFloat(parameterName, x)); }
    @Override public void setDouble(String parameterName, double x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setDouble(parameterName, x)); }
    @Override public void setBigDecimal(String parameterName, BigDecimal x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBigDecimal(parameterName, x)); }
    @Override public void setString(String parameterName, String x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setString(parameterName, x)); }
    @Override public void setBytes(String parameterName, byte[] x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBytes(parameterName, x)); }
    @Override public void setDate(String parameterName, java.sql.Date x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setDate(parameterName, x)); }
    @Override public void setTime(String parameterName, java.sql.Time x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setTime(parameterName, x)); }
    @Override public void setTimestamp(String parameterName, java.sql.Timestamp x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setTimestamp(parameterName, x)); }
    @Override public void setAsciiStream(String parameterName, java.io.InputStream x, int length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setAsciiStream(parameterName, x, length)); }
    @Override public void setBinaryStream(String parameterName, java.io.InputStream x, int length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBinaryStream(parameterName, x, length)); }
    @Override public void setObject(String parameterName, Object x, int targetSqlType, int scale) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setObject(parameterName, x, targetSqlType, scale)); }
    @Override public void setObject(String parameterName, Object x, int targetSqlType) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setObject(parameterName, x, targetSqlType)); }
    @Override public void setObject(String parameterName, Object x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setObject(parameterName, x)); }
    @Override public void setCharacterStream(String parameterName, java.io.Reader reader, int length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setCharacterStream(parameterName, reader, length)); }
    @Override public void setDate(String parameterName, java.sql.Date x, Calendar cal) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setDate(parameterName, x, cal)); }
    @Override public void setTime(String parameterName, java.sql.Time x, Calendar cal) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setTime(parameterName, x, cal)); }
    @Override public void setTimestamp(String parameterName, java.sql.Timestamp x, Calendar cal) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setTimestamp(parameterName, x, cal)); }
    @Override public void setNull(String parameterName, int sqlType, String typeName) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNull(parameterName, sqlType, typeName)); }
    @Override public String getString(String parameterName) throws SQLException { try { return callable("getString").getString(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean getBoolean(String parameterName) throws SQLException { try { return callable("getBoolean").getBoolean(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public byte getByte(String parameterName) throws SQLException { try { return callable("getByte").getByte(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public short getShort(String parameterName) throws SQLException { try { return callable("getShort").getShort(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public int getInt(String parameterName) throws SQLException { try { return callable("getInt").getInt(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public long getLong(String parameterName) throws SQLException { try { return callable("getLong").getLong(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public float getFloat(String parameterName) throws SQLException { try { return callable("getFloat").getFloat(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public double getDouble(String parameterName) throws SQLException { try { return callable("getDouble").getDouble(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public byte[] getBytes(String parameterName) throws SQLException { try { return callable("getBytes").getBytes(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Date getDate(String parameterName) throws SQLException { try { return callable("getDate").getDate(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Time getTime(String parameterName) throws SQLException { try { return callable("getTime").getTime(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Timestamp getTimestamp(String parameterName) throws SQLException { try { return callable("getTimestamp").getTimestamp(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public BigDecimal getBigDecimal(String parameterName) throws SQLException { try { return callable("getBigDecimal").getBigDecimal(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public Ref getRef(String parameterName) throws SQLException { try { return callable("getRef").getRef(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public Blob getBlob(String parameterName) throws SQLException { try { return callable("getBlob").getBlob(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public Clob getClob(String parameterName) throws SQLException { try { return callable("getClob").getClob(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public Array getArray(String parameterName) throws SQLException { try { return callable("getArray").getArray(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Date getDate(String parameterName, Calendar cal) throws SQLException { try { return callable("getDate").getDate(parameterName, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Time getTime(String parameterName, Calendar cal) throws SQLException { try { return callable("getTime").getTime(parameterName, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public java.sql.Timestamp getTimestamp(String parameterName, Calendar cal) throws SQLException { try { return callable("getTimestamp").getTimestamp(parameterName, cal); } catch (SQLException e) { throw failed(e); } }
    @Override public java.net.URL getURL(String parameterName) throws SQLException { try { return callable("getURL").getURL(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public RowId getRowId(int parameterIndex) throws SQLException { try { return callable("getRowId").getRowId(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public RowId getRowId(String parameterName) throws SQLException { try { return callable("getRowId").getRowId(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public void setRowId(String parameterName, RowId x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setRowId(parameterName, x)); }
    @Override public void setNString(String parameterName, String value) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNString(parameterName, value)); }
    @Override public void setNCharacterStream(String parameterName, Reader value, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNCharacterStream(parameterName, value, length)); }
    @Override public void setNClob(String parameterName, NClob value) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNClob(parameterName, value)); }
    @Override public void setClob(String parameterName, Reader reader, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setClob(parameterName, reader, length)); }
    @Override public void setBlob(String parameterName, InputStream inputStream, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBlob(parameterName, inputStream, length)); }
    @Override public void setNClob(String parameterName, Reader reader, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNClob(parameterName, reader, length)); }
    @Override public NClob getNClob(int parameterIndex) throws SQLException { try { return callable("getNClob").getNClob(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public NClob getNClob(String parameterName) throws SQLException { try { return callable("getNClob").getNClob(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public void setSQLXML(String parameterName, SQLXML xmlObject) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setSQLXML(parameterName, xmlObject)); }
    @Override public SQLXML getSQLXML(int parameterIndex) throws SQLException { try { return callable("getSQLXML").getSQLXML(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public SQLXML getSQLXML(String parameterName) throws SQLException { try { return callable("getSQLXML").getSQLXML(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public String getNString(int parameterIndex) throws SQLException { try { return callable("getNString").getNString(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public String getNString(String parameterName) throws SQLException { try { return callable("getNString").getNString(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.io.Reader getNCharacterStream(int parameterIndex) throws SQLException { try { return callable("getNCharacterStream").getNCharacterStream(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.io.Reader getNCharacterStream(String parameterName) throws SQLException { try { return callable("getNCharacterStream").getNCharacterStream(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public java.io.Reader getCharacterStream(int parameterIndex) throws SQLException { try { return callable("getCharacterStream").getCharacterStream(parameterIndex); } catch (SQLException e) { throw failed(e); } }
    @Override public java.io.Reader getCharacterStream(String parameterName) throws SQLException { try { return callable("getCharacterStream").getCharacterStream(parameterName); } catch (SQLException e) { throw failed(e); } }
    @Override public void setBlob(String parameterName, Blob x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBlob(parameterName, x)); }
    @Override public void setClob(String parameterName, Clob x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setClob(parameterName, x)); }
    @Override public void setAsciiStream(String parameterName, java.io.InputStream x, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setAsciiStream(parameterName, x, length)); }
    @Override public void setBinaryStream(String parameterName, java.io.InputStream x, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBinaryStream(parameterName, x, length)); }
    @Override public void setCharacterStream(String parameterName, java.io.Reader reader, long length) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setCharacterStream(parameterName, reader, length)); }
    @Override public void setAsciiStream(String parameterName, java.io.InputStream x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setAsciiStream(parameterName, x)); }
    @Override public void setBinaryStream(String parameterName, java.io.InputStream x) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBinaryStream(parameterName, x)); }
    @Override public void setCharacterStream(String parameterName, java.io.Reader reader) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setCharacterStream(parameterName, reader)); }
    @Override public void setNCharacterStream(String parameterName, Reader value) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNCharacterStream(parameterName, value)); }
    @Override public void setClob(String parameterName, Reader reader) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setClob(parameterName, reader)); }
    @Override public void setBlob(String parameterName, InputStream inputStream) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setBlob(parameterName, inputStream)); }
    @Override public void setNClob(String parameterName, Reader reader) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setNClob(parameterName, reader)); }
    @Override public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException { try { return callable("getObject").getObject(parameterIndex, type); } catch (SQLException e) { throw failed(e); } }
    @Override public <T> T getObject(String parameterName, Class<T> type) throws SQLException { try { return callable("getObject").getObject(parameterName, type); } catch (SQLException e) { throw failed(e); } }
    @Override public void setObject(String parameterName, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setObject(parameterName, x, targetSqlType, scaleOrLength)); }
    @Override public void setObject(String parameterName, Object x, SQLType targetSqlType) throws SQLException { record(parameterName, physical -> ((CallableStatement) physical).setObject(parameterName, x, targetSqlType)); }
    @Override public void registerOutParameter(int parameterIndex, SQLType sqlType) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType)); }
    @Override public void registerOutParameter(int parameterIndex, SQLType sqlType, int scale) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType, scale)); }
    @Override public void registerOutParameter(int parameterIndex, SQLType sqlType, String typeName) throws SQLException { record("out:" + parameterIndex, physical -> ((CallableStatement) physical).registerOutParameter(parameterIndex, sqlType, typeName)); }
    @Override public void registerOutParameter(String parameterName, SQLType sqlType) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType)); }
    @Override public void registerOutParameter(String parameterName, SQLType sqlType, int scale) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType, scale)); }
    @Override public void registerOutParameter(String parameterName, SQLType sqlType, String typeName) throws SQLException { record("out:" + parameterName, physical -> ((CallableStatement) physical).registerOutParameter(parameterName, sqlType, typeName)); }
    // spotless:on
}
