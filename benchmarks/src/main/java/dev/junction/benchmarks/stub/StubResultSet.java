package dev.junction.benchmarks.stub;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;

/**
 * A one-row, one-column result whose value is fixed at creation. It costs one small allocation per query,
 * the same for the raw baseline and for Junction, so the difference between them is Junction's alone.
 */
final class StubResultSet implements ResultSet {
    private final Statement statement;
    private final String[] values;
    private boolean beforeFirst = true;
    private boolean onRow;
    private boolean closed;

    StubResultSet(Statement statement, String[] values) {
        this.statement = statement;
        this.values = values;
    }

    @Override
    public boolean next() {
        onRow = beforeFirst;
        beforeFirst = false;
        return onRow;
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return current(columnIndex);
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return current();
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return current(columnIndex);
    }

    /** PostgreSQL's {@code t}/{@code f}, MySQL's {@code 1}/{@code 0}. */
    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        String text = current(columnIndex);
        return text.equals("t") || text.equals("1") || text.equals("true");
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return (int) getLong(columnIndex);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        String text = current(columnIndex);
        return text.isEmpty() || !Character.isDigit(text.charAt(0)) ? 0 : Long.parseLong(text);
    }

    private String current() throws SQLException {
        return current(1);
    }

    /** Column {@code columnIndex} of the row; columns past the last repeat the last value. */
    private String current(int columnIndex) throws SQLException {
        if (!onRow) {
            throw new SQLException("not on a row", "24000");
        }
        return values[Math.min(Math.max(columnIndex, 1), values.length) - 1];
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public Statement getStatement() {
        return statement;
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
    public byte getByte(int p0) throws SQLException {
        return 0;
    }

    @Override
    public short getShort(int p0) throws SQLException {
        return 0;
    }

    @Override
    public float getFloat(int p0) throws SQLException {
        return 0;
    }

    @Override
    public double getDouble(int p0) throws SQLException {
        return 0;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int p0, int p1) throws SQLException {
        return null;
    }

    @Override
    public byte[] getBytes(int p0) throws SQLException {
        return null;
    }

    @Override
    public Date getDate(int p0) throws SQLException {
        return null;
    }

    @Override
    public Time getTime(int p0) throws SQLException {
        return null;
    }

    @Override
    public Timestamp getTimestamp(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getAsciiStream(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getUnicodeStream(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getBinaryStream(int p0) throws SQLException {
        return null;
    }

    @Override
    public boolean getBoolean(String p0) throws SQLException {
        return false;
    }

    @Override
    public byte getByte(String p0) throws SQLException {
        return 0;
    }

    @Override
    public short getShort(String p0) throws SQLException {
        return 0;
    }

    @Override
    public int getInt(String p0) throws SQLException {
        return 0;
    }

    @Override
    public long getLong(String p0) throws SQLException {
        return 0;
    }

    @Override
    public float getFloat(String p0) throws SQLException {
        return 0;
    }

    @Override
    public double getDouble(String p0) throws SQLException {
        return 0;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String p0, int p1) throws SQLException {
        return null;
    }

    @Override
    public byte[] getBytes(String p0) throws SQLException {
        return null;
    }

    @Override
    public Date getDate(String p0) throws SQLException {
        return null;
    }

    @Override
    public Time getTime(String p0) throws SQLException {
        return null;
    }

    @Override
    public Timestamp getTimestamp(String p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getAsciiStream(String p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getUnicodeStream(String p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.InputStream getBinaryStream(String p0) throws SQLException {
        return null;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {}

    @Override
    public String getCursorName() throws SQLException {
        return null;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return null;
    }

    @Override
    public Object getObject(String p0) throws SQLException {
        return null;
    }

    @Override
    public int findColumn(String p0) throws SQLException {
        return 0;
    }

    @Override
    public java.io.Reader getCharacterStream(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.Reader getCharacterStream(String p0) throws SQLException {
        return null;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String p0) throws SQLException {
        return null;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        return false;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        return false;
    }

    @Override
    public boolean isFirst() throws SQLException {
        return false;
    }

    @Override
    public boolean isLast() throws SQLException {
        return false;
    }

    @Override
    public void beforeFirst() throws SQLException {}

    @Override
    public void afterLast() throws SQLException {}

    @Override
    public boolean first() throws SQLException {
        return false;
    }

    @Override
    public boolean last() throws SQLException {
        return false;
    }

    @Override
    public int getRow() throws SQLException {
        return 0;
    }

    @Override
    public boolean absolute(int p0) throws SQLException {
        return false;
    }

    @Override
    public boolean relative(int p0) throws SQLException {
        return false;
    }

    @Override
    public boolean previous() throws SQLException {
        return false;
    }

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
    public int getType() throws SQLException {
        return 0;
    }

    @Override
    public int getConcurrency() throws SQLException {
        return 0;
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        return false;
    }

    @Override
    public boolean rowInserted() throws SQLException {
        return false;
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        return false;
    }

    @Override
    public void updateNull(int p0) throws SQLException {}

    @Override
    public void updateBoolean(int p0, boolean p1) throws SQLException {}

    @Override
    public void updateByte(int p0, byte p1) throws SQLException {}

    @Override
    public void updateShort(int p0, short p1) throws SQLException {}

    @Override
    public void updateInt(int p0, int p1) throws SQLException {}

    @Override
    public void updateLong(int p0, long p1) throws SQLException {}

    @Override
    public void updateFloat(int p0, float p1) throws SQLException {}

    @Override
    public void updateDouble(int p0, double p1) throws SQLException {}

    @Override
    public void updateBigDecimal(int p0, java.math.BigDecimal p1) throws SQLException {}

    @Override
    public void updateString(int p0, String p1) throws SQLException {}

    @Override
    public void updateBytes(int p0, byte[] p1) throws SQLException {}

    @Override
    public void updateDate(int p0, Date p1) throws SQLException {}

    @Override
    public void updateTime(int p0, Time p1) throws SQLException {}

    @Override
    public void updateTimestamp(int p0, Timestamp p1) throws SQLException {}

    @Override
    public void updateAsciiStream(int p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void updateBinaryStream(int p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void updateCharacterStream(int p0, java.io.Reader p1, int p2) throws SQLException {}

    @Override
    public void updateObject(int p0, Object p1, int p2) throws SQLException {}

    @Override
    public void updateObject(int p0, Object p1) throws SQLException {}

    @Override
    public void updateNull(String p0) throws SQLException {}

    @Override
    public void updateBoolean(String p0, boolean p1) throws SQLException {}

    @Override
    public void updateByte(String p0, byte p1) throws SQLException {}

    @Override
    public void updateShort(String p0, short p1) throws SQLException {}

    @Override
    public void updateInt(String p0, int p1) throws SQLException {}

    @Override
    public void updateLong(String p0, long p1) throws SQLException {}

    @Override
    public void updateFloat(String p0, float p1) throws SQLException {}

    @Override
    public void updateDouble(String p0, double p1) throws SQLException {}

    @Override
    public void updateBigDecimal(String p0, java.math.BigDecimal p1) throws SQLException {}

    @Override
    public void updateString(String p0, String p1) throws SQLException {}

    @Override
    public void updateBytes(String p0, byte[] p1) throws SQLException {}

    @Override
    public void updateDate(String p0, Date p1) throws SQLException {}

    @Override
    public void updateTime(String p0, Time p1) throws SQLException {}

    @Override
    public void updateTimestamp(String p0, Timestamp p1) throws SQLException {}

    @Override
    public void updateAsciiStream(String p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void updateBinaryStream(String p0, java.io.InputStream p1, int p2) throws SQLException {}

    @Override
    public void updateCharacterStream(String p0, java.io.Reader p1, int p2) throws SQLException {}

    @Override
    public void updateObject(String p0, Object p1, int p2) throws SQLException {}

    @Override
    public void updateObject(String p0, Object p1) throws SQLException {}

    @Override
    public void insertRow() throws SQLException {}

    @Override
    public void updateRow() throws SQLException {}

    @Override
    public void deleteRow() throws SQLException {}

    @Override
    public void refreshRow() throws SQLException {}

    @Override
    public void cancelRowUpdates() throws SQLException {}

    @Override
    public void moveToInsertRow() throws SQLException {}

    @Override
    public void moveToCurrentRow() throws SQLException {}

    @Override
    public Object getObject(int p0, java.util.Map<String, Class<?>> p1) throws SQLException {
        return null;
    }

    @Override
    public Ref getRef(int p0) throws SQLException {
        return null;
    }

    @Override
    public Blob getBlob(int p0) throws SQLException {
        return null;
    }

    @Override
    public Clob getClob(int p0) throws SQLException {
        return null;
    }

    @Override
    public Array getArray(int p0) throws SQLException {
        return null;
    }

    @Override
    public Object getObject(String p0, java.util.Map<String, Class<?>> p1) throws SQLException {
        return null;
    }

    @Override
    public Ref getRef(String p0) throws SQLException {
        return null;
    }

    @Override
    public Blob getBlob(String p0) throws SQLException {
        return null;
    }

    @Override
    public Clob getClob(String p0) throws SQLException {
        return null;
    }

    @Override
    public Array getArray(String p0) throws SQLException {
        return null;
    }

    @Override
    public Date getDate(int p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public Date getDate(String p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public Time getTime(int p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public Time getTime(String p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public Timestamp getTimestamp(int p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public Timestamp getTimestamp(String p0, java.util.Calendar p1) throws SQLException {
        return null;
    }

    @Override
    public java.net.URL getURL(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.net.URL getURL(String p0) throws SQLException {
        return null;
    }

    @Override
    public void updateRef(int p0, Ref p1) throws SQLException {}

    @Override
    public void updateRef(String p0, Ref p1) throws SQLException {}

    @Override
    public void updateBlob(int p0, Blob p1) throws SQLException {}

    @Override
    public void updateBlob(String p0, Blob p1) throws SQLException {}

    @Override
    public void updateClob(int p0, Clob p1) throws SQLException {}

    @Override
    public void updateClob(String p0, Clob p1) throws SQLException {}

    @Override
    public void updateArray(int p0, Array p1) throws SQLException {}

    @Override
    public void updateArray(String p0, Array p1) throws SQLException {}

    @Override
    public RowId getRowId(int p0) throws SQLException {
        return null;
    }

    @Override
    public RowId getRowId(String p0) throws SQLException {
        return null;
    }

    @Override
    public void updateRowId(int p0, RowId p1) throws SQLException {}

    @Override
    public void updateRowId(String p0, RowId p1) throws SQLException {}

    @Override
    public int getHoldability() throws SQLException {
        return 0;
    }

    @Override
    public void updateNString(int p0, String p1) throws SQLException {}

    @Override
    public void updateNString(String p0, String p1) throws SQLException {}

    @Override
    public void updateNClob(int p0, NClob p1) throws SQLException {}

    @Override
    public void updateNClob(String p0, NClob p1) throws SQLException {}

    @Override
    public NClob getNClob(int p0) throws SQLException {
        return null;
    }

    @Override
    public NClob getNClob(String p0) throws SQLException {
        return null;
    }

    @Override
    public SQLXML getSQLXML(int p0) throws SQLException {
        return null;
    }

    @Override
    public SQLXML getSQLXML(String p0) throws SQLException {
        return null;
    }

    @Override
    public void updateSQLXML(int p0, SQLXML p1) throws SQLException {}

    @Override
    public void updateSQLXML(String p0, SQLXML p1) throws SQLException {}

    @Override
    public String getNString(int p0) throws SQLException {
        return null;
    }

    @Override
    public String getNString(String p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.Reader getNCharacterStream(int p0) throws SQLException {
        return null;
    }

    @Override
    public java.io.Reader getNCharacterStream(String p0) throws SQLException {
        return null;
    }

    @Override
    public void updateNCharacterStream(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateNCharacterStream(String p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateAsciiStream(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateBinaryStream(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateCharacterStream(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateAsciiStream(String p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateBinaryStream(String p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateCharacterStream(String p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateBlob(int p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateBlob(String p0, java.io.InputStream p1, long p2) throws SQLException {}

    @Override
    public void updateClob(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateClob(String p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateNClob(int p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateNClob(String p0, java.io.Reader p1, long p2) throws SQLException {}

    @Override
    public void updateNCharacterStream(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateNCharacterStream(String p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateAsciiStream(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateBinaryStream(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateCharacterStream(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateAsciiStream(String p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateBinaryStream(String p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateCharacterStream(String p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateBlob(int p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateBlob(String p0, java.io.InputStream p1) throws SQLException {}

    @Override
    public void updateClob(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateClob(String p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateNClob(int p0, java.io.Reader p1) throws SQLException {}

    @Override
    public void updateNClob(String p0, java.io.Reader p1) throws SQLException {}

    @Override
    public <T> T getObject(int p0, Class<T> p1) throws SQLException {
        return null;
    }

    @Override
    public <T> T getObject(String p0, Class<T> p1) throws SQLException {
        return null;
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
