package dev.junction.workloads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of one thread's transactions: prepared once per connection and text, each followed by asking the
 * connection where it ran ({@link ServingNode.Probe}), which the thread's {@link Tally} records for the transaction
 * kind in progress. Not thread-safe: one per worker thread.
 */
public final class TransactionSession implements AutoCloseable {
    private final Connection connection;
    private final ServingNode.Probe probe;
    private final Tally tally;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private boolean readOnlyKind;

    TransactionSession(Connection connection, ServingNode.Probe probe, Tally tally) {
        this.connection = connection;
        this.probe = probe;
        this.tally = tally;
    }

    void begin(Operation operation) {
        readOnlyKind = operation.readOnly();
    }

    Connection connection() {
        return connection;
    }

    /** Runs a query and returns all its rows, each column as JDBC's {@code getObject} gives it. */
    public List<Object[]> query(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = statement(sql, parameters);
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet results = statement.executeQuery()) {
            int columns = results.getMetaData().getColumnCount();
            while (results.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = results.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        tally.read(readOnlyKind, probe.lastStatement(connection));
        return rows;
    }

    /** The first column of the first row as a long, or {@code ifNone} without a row or with SQL NULL. */
    public long number(long ifNone, String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = query(sql, parameters);
        if (rows.isEmpty() || rows.get(0)[0] == null) {
            return ifNone;
        }
        return ((Number) rows.get(0)[0]).longValue();
    }

    /** Runs a write and returns its update count. */
    public int update(String sql, Object... parameters) throws SQLException {
        int count = statement(sql, parameters).executeUpdate();
        tally.write(probe.lastStatement(connection));
        return count;
    }

    private PreparedStatement statement(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : prepared.values()) {
            statement.close();
        }
        prepared.clear();
        connection.close();
    }
}
