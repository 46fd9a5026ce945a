package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The administrative SQL a test bed runs on one of its servers, each on a fresh connection: one answer, or a
 * list of statements in autocommit. A failure names the node and the statement, which is all a test needs.
 */
public final class AdminStatements {
    /** Opens a connection to the node, as the node's administrative user. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private AdminStatements() {}

    /** The first column of the first row as text, or null if there is no row. */
    public static String queryString(Object node, Connector connector, String sql) {
        try (Connection connection = connector.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new ClusterException(node + " failed to run `" + sql + "`: " + e.getMessage(), e);
        }
    }

    /** Runs {@code sqls} in order, in autocommit, on one connection. */
    public static void execute(Object node, Connector connector, String... sqls) {
        try (Connection connection = connector.connect();
                Statement statement = connection.createStatement()) {
            for (String sql : sqls) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new ClusterException(node + " failed to run " + String.join("; ", sqls) + ": " + e.getMessage(), e);
        }
    }
}
