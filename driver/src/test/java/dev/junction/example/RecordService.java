package dev.junction.example;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An application outside the driver's packages, for the tests of learned routing by call site: a read and a
 * read-modify-write that begin with the same {@code SELECT}, from two methods, as YCSB's and most services' do.
 */
public final class RecordService {
    private final String read;
    private final String write;

    /** @param read the first statement of both transactions; @param write what the read-modify-write then runs */
    public RecordService(String read, String write) {
        this.read = read;
        this.write = write;
    }

    /** A transaction that only reads. */
    public void readRecord(Connection connection) throws SQLException {
        query(connection);
        connection.commit();
    }

    /** A transaction that reads, then writes. */
    public void readModifyWriteRecord(Connection connection) throws SQLException {
        query(connection);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(write);
        }
        connection.commit();
    }

    private void query(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(read)) {
            while (rows.next()) {
                rows.getString(1);
            }
        }
    }
}
