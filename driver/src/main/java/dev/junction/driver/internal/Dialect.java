package dev.junction.driver.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between PostgreSQL and MySQL/MariaDB servers for the driver itself: how a node tells its role,
 * where its replication position is read, and which errors mean "this node refuses writes".
 */
public enum Dialect {
    /** PostgreSQL: a standby is a server in recovery. */
    POSTGRESQL("select case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end") {
        @Override
        NodeRole probeRole(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select pg_is_in_recovery()")) {
                rows.next();
                return rows.getBoolean(1) ? NodeRole.REPLICA : NodeRole.PRIMARY;
            }
        }

        @Override
        boolean isReadOnlyRefusal(SQLException e) {
            // 25006 read_only_sql_transaction: "cannot execute ... in a read-only transaction" on a standby
            return "25006".equals(e.getSQLState());
        }

        @Override
        boolean pinsOnSerializable() {
            return true;
        }
    },
    /**
     * MySQL and MariaDB: a replica is a server with {@code read_only} set. Replica status tells a replica from a
     * server made read-only by hand; both serve reads, so both count as replicas here, and a writable server that
     * also replicates (a ring) counts as primary.
     */
    MYSQL("select @@global.gtid_current_pos") {
        @Override
        NodeRole probeRole(Connection connection) throws SQLException {
            boolean readOnly;
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select @@global.read_only")) {
                rows.next();
                readOnly = rows.getInt(1) != 0;
            }
            // A writable server that applies another's changes is a replica someone forgot to make read-only:
            // writing to it would diverge the cluster, so it never counts as the primary.
            return readOnly || isReplicating(connection) ? NodeRole.REPLICA : NodeRole.PRIMARY;
        }

        private boolean isReplicating(Connection connection) {
            // SHOW REPLICA STATUS: MySQL 8.0.22+, MariaDB 10.5.1+; SHOW SLAVE STATUS before (removed in MySQL 8.4)
            for (String sql : new String[]{"SHOW REPLICA STATUS", "SHOW SLAVE STATUS"}) {
                try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                    while (rows.next()) {
                        if ("Yes".equalsIgnoreCase(column(rows, "Replica_SQL_Running", "Slave_SQL_Running"))) {
                            return true;
                        }
                    }
                    return false;
                } catch (SQLException e) {
                    // older syntax, or no REPLICATION CLIENT privilege: read_only alone decides
                }
            }
            return false;
        }

        private String column(ResultSet rows, String name, String oldName) throws SQLException {
            try {
                return rows.getString(name);
            } catch (SQLException e) {
                return rows.getString(oldName);
            }
        }

        @Override
        boolean isReadOnlyRefusal(SQLException e) {
            // 1290 ER_OPTION_PREVENTS_STATEMENT (--read-only), 1792 ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
            return e.getErrorCode() == 1290 || e.getErrorCode() == 1792;
        }

        @Override
        boolean pinsOnSerializable() {
            return false;
        }
    };

    private final String positionSql;

    Dialect(String positionSql) {
        this.positionSql = positionSql;
    }

    /** Asks the server on {@code connection} what it is. */
    abstract NodeRole probeRole(Connection connection) throws SQLException;

    /** Whether {@code e} says the node refuses writes: the topology has changed under the session. */
    abstract boolean isReadOnlyRefusal(SQLException e);

    /** Whether SERIALIZABLE isolation pins a session to the primary (it fails on a PostgreSQL standby with 0A000). */
    abstract boolean pinsOnSerializable();

    /** SQL whose one value is the node's replication position (for the monitor of a later issue). */
    public String positionSql() {
        return positionSql;
    }

    /** Whether {@code e} means the physical connection is unusable (SQLState class 08, or 57P01-57P03 shutdowns). */
    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"))
                || e instanceof java.sql.SQLRecoverableException
                || e instanceof java.sql.SQLNonTransientConnectionException;
    }
}
