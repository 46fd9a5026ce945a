package dev.junction.driver.internal.backend;

import dev.junction.router.NodeRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between PostgreSQL and MySQL/MariaDB servers for the driver itself: how a node tells its role,
 * where its replication position is read, and which errors mean "this node refuses writes".
 */
public enum BackendDialect {
    /** PostgreSQL: a standby is a server in recovery. */
    POSTGRESQL("set session default_transaction_read_only = on") {
        @Override
        public ProbedRole probeRole(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select pg_is_in_recovery()")) {
                rows.next();
                return rows.getBoolean(1) ? ProbedRole.REPLICA : ProbedRole.PRIMARY;
            }
        }

        @Override
        public boolean isReadOnlyRefusal(SQLException e) {
            // 25006 read_only_sql_transaction: "cannot execute ... in a read-only transaction" on a standby
            return "25006".equals(e.getSQLState());
        }

        @Override
        public boolean pinsOnSerializable() {
            return true;
        }
    },
    /** MySQL and MariaDB: the role is {@link MySqlRoles}' rule, the same the monitor applies. */
    MYSQL("set session transaction read only") {
        @Override
        public ProbedRole probeRole(Connection connection) throws SQLException {
            boolean readOnly;
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select @@global.read_only")) {
                rows.next();
                readOnly = rows.getInt(1) != 0;
            }
            return MySqlRoles.role(connection, readOnly) == NodeRole.REPLICA ? ProbedRole.REPLICA : ProbedRole.PRIMARY;
        }

        @Override
        public boolean isReadOnlyRefusal(SQLException e) {
            // 1290 ER_OPTION_PREVENTS_STATEMENT (--read-only), 1792 ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
            return e.getErrorCode() == 1290 || e.getErrorCode() == 1792;
        }

        @Override
        public boolean pinsOnSerializable() {
            return false;
        }
    };

    private final String readOnlySessionSql;

    BackendDialect(String readOnlySessionSql) {
        this.readOnlySessionSql = readOnlySessionSql;
    }

    /**
     * Makes every later transaction of the session read-only at the server, auto-commit statements included. On
     * MySQL/MariaDB this binds every user, {@code SUPER} and {@code ALL PRIVILEGES} included (unlike
     * {@code read_only}), and the server checks it when it locks a statement's tables, before a stored function
     * runs, so a refused statement has had no effect. A PostgreSQL standby refuses writes anyway; the setting keeps a
     * connection opened as a replica's read-only if that node is promoted under it.
     */
    public String readOnlySessionSql() {
        return readOnlySessionSql;
    }

    /** Asks the server on {@code connection} what it is. */
    public abstract ProbedRole probeRole(Connection connection) throws SQLException;

    /** Whether {@code e} says the node refuses writes: the topology has changed under the session. */
    public abstract boolean isReadOnlyRefusal(SQLException e);

    /** Whether SERIALIZABLE isolation pins a session to the primary (it fails on a PostgreSQL standby with 0A000). */
    public abstract boolean pinsOnSerializable();

    /** Whether {@code e} means the physical connection is unusable (SQLState class 08, or 57P01-57P03 shutdowns). */
    public static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"))
                || e instanceof java.sql.SQLRecoverableException
                || e instanceof java.sql.SQLNonTransientConnectionException;
    }
}
