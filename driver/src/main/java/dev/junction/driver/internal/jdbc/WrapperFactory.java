package dev.junction.driver.internal.jdbc;

import dev.junction.driver.internal.pipeline.NodeSession;
import dev.junction.driver.internal.pipeline.ResultChecksum;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one place Junction's JDBC wrappers are created, so that no code path hands the application a backend object
 * by mistake: a wrapper that needs another wrapper asks here.
 */
final class WrapperFactory {
    private WrapperFactory() {}

    /** @param concurrency {@code ResultSet.CONCUR_*}: updatable result sets need the primary */
    static Statement statement(RoutingConnection connection, int concurrency, StatementBase.Creator<Statement> creator)
            throws SQLException {
        connection.checkOpen();
        return new JunctionStatement(connection, creator, concurrency == ResultSet.CONCUR_UPDATABLE);
    }

    static PreparedStatement preparedStatement(
            RoutingConnection connection, String sql, int concurrency, StatementBase.Creator<PreparedStatement> creator)
            throws SQLException {
        connection.checkOpen();
        return new JunctionPreparedStatement(
                connection, sql, creator, false, concurrency == ResultSet.CONCUR_UPDATABLE);
    }

    static CallableStatement callableStatement(
            RoutingConnection connection, String sql, StatementBase.Creator<CallableStatement> creator)
            throws SQLException {
        connection.checkOpen();
        return new JunctionCallableStatement(connection, sql, creator::create);
    }

    static JunctionResultSet resultSet(StatementBase<?> statement, ResultSet physical, NodeSession session) {
        return new JunctionResultSet(statement, physical, session, null);
    }

    /** @param checksum the checksum of an optimistic transaction's read, fed as rows are read; null for none */
    static JunctionResultSet resultSet(
            StatementBase<?> statement, ResultSet physical, NodeSession session, ResultChecksum checksum) {
        return new JunctionResultSet(statement, physical, session, checksum);
    }

    /** A result set of {@link DatabaseMetaData}: JDBC says its {@code getStatement()} is null. */
    static JunctionResultSet metaDataResultSet(ResultSet physical, NodeSession session) {
        return new JunctionResultSet(null, physical, session, null);
    }

    static DatabaseMetaData metaData(RoutingConnection connection, DatabaseMetaData physical, NodeSession session) {
        return new JunctionDatabaseMetaData(connection, physical, session);
    }
}
