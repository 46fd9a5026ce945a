package dev.junction.driver.internal.backend;

import dev.junction.router.NodeRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one rule for a MySQL or MariaDB server's role, used by the first role check and by every monitor probe, so
 * that the two can never disagree: a server that replicates from another is a replica whatever {@code read_only}
 * says (MariaDB's default configuration leaves a replica writable, and writing to it would diverge the cluster);
 * a server with {@code read_only} set is a replica too (it serves reads, refuses ordinary writes); anything else is
 * a primary.
 *
 * <p>"Replicates" means a replication channel whose receiver is running or connecting, or whose applier is
 * running: a replica whose applier is stopped (lag, maintenance) is still a replica, one whose channels were all
 * stopped or reset (a promotion) is not. {@code SHOW ALL SLAVES STATUS} lists every channel of MariaDB's
 * multi-source replication; MySQL 8.0.22+ has {@code SHOW REPLICA STATUS}, older servers {@code SHOW SLAVE STATUS}.
 * Without the privilege to read replication status ({@code SLAVE MONITOR}/{@code REPLICATION CLIENT}) the server
 * refuses these, and {@code read_only} alone decides.
 */
public final class MySqlRoles {
    private static final String[] STATUS_STATEMENTS = {
        "SHOW ALL SLAVES STATUS", "SHOW REPLICA STATUS", "SHOW SLAVE STATUS"
    };

    private MySqlRoles() {}

    /** The role of the server on {@code connection}, whose {@code @@global.read_only} was {@code readOnly}. */
    public static NodeRole role(Connection connection, boolean readOnly) {
        return role(connection, readOnly, false);
    }

    /**
     * The same, where {@code multiMaster} says that the cluster's masters replicate from each other
     * ({@code topology=multi-master}): a server is then a master when it is writable, replicating or not.
     */
    public static NodeRole role(Connection connection, boolean readOnly, boolean multiMaster) {
        if (multiMaster) {
            return readOnly ? NodeRole.REPLICA : NodeRole.PRIMARY;
        }
        return readOnly || replicates(connection) ? NodeRole.REPLICA : NodeRole.PRIMARY;
    }

    /** Whether the server has a replication channel that is running. */
    public static boolean replicates(Connection connection) {
        for (String sql : STATUS_STATEMENTS) {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(sql)) {
                int receiverColumn = column(rows, "Replica_IO_Running", "Slave_IO_Running");
                int applierColumn = column(rows, "Replica_SQL_Running", "Slave_SQL_Running");
                while (rows.next()) {
                    String receiver = rows.getString(receiverColumn);
                    String applier = rows.getString(applierColumn);
                    if ("Yes".equalsIgnoreCase(receiver)
                            || "Connecting".equalsIgnoreCase(receiver)
                            || "Yes".equalsIgnoreCase(applier)) {
                        return true;
                    }
                }
                return false;
            } catch (SQLException e) {
                // this syntax is not the server's, or replication status is not ours to read: try the next one
            }
        }
        return false;
    }

    /**
     * The index of the column called {@code name} (MySQL 8.0.22+) or {@code oldName} (MariaDB, older MySQL), read from
     * the metadata once per result: asking by name and catching the failure cost two exceptions a row, on every probe
     * of a writable replica.
     */
    private static int column(ResultSet rows, String name, String oldName) throws SQLException {
        java.sql.ResultSetMetaData columns = rows.getMetaData();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            String label = columns.getColumnLabel(i);
            if (label.equalsIgnoreCase(name) || label.equalsIgnoreCase(oldName)) {
                return i;
            }
        }
        throw new SQLException("replication status has neither " + name + " nor " + oldName, "42S22");
    }
}
