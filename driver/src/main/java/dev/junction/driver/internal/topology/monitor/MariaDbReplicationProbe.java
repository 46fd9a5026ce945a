package dev.junction.driver.internal.topology.monitor;

import dev.junction.driver.internal.backend.MySqlRoles;
import dev.junction.router.NodeRole;
import dev.junction.router.replication.MariaDbGtidPosition;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * MariaDB: {@link MySqlRoles} for the role; on a primary the GTID position of its binary log, on a replica
 * {@code @@gtid_slave_pos}, what its SQL thread has applied (the position {@code MASTER_GTID_WAIT} waits on).
 */
public final class MariaDbReplicationProbe implements ReplicationProbe {
    private static final String PROBE = "select @@global.read_only, @@global.gtid_binlog_pos, @@global.gtid_slave_pos";

    /** Whether a writable server is a master even while it replicates (multi-master rings replicate both ways). */
    private final boolean multiMaster;

    public MariaDbReplicationProbe() {
        this(false);
    }

    public MariaDbReplicationProbe(boolean multiMaster) {
        this.multiMaster = multiMaster;
    }

    @Override
    public Answer probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(PROBE)) {
            row.next();
            boolean readOnly = row.getBoolean(1);
            String binlog = row.getString(2);
            String applied = row.getString(3);
            NodeRole role = MySqlRoles.role(connection, readOnly, multiMaster);
            return new Answer(role, MariaDbGtidPosition.parse(role == NodeRole.REPLICA ? applied : binlog));
        }
    }

    @Override
    public ReplicationPosition parsePosition(String text) {
        return MariaDbGtidPosition.parse(text);
    }

    /** {@code @@last_gtid}: the GTID of this session's last commit; empty when it wrote nothing to the binary log. */
    @Override
    public String tokenPrefix(ReplicationPosition position) {
        return "mariadb";
    }

    /** {@code master_gtid_wait(position, seconds)}: 0 once applied, -1 on timeout. */
    @Override
    public boolean awaitPosition(Connection replica, ReplicationPosition position, Duration timeout)
            throws SQLException {
        try (java.sql.PreparedStatement wait = replica.prepareStatement("select master_gtid_wait(?, ?)")) {
            wait.setString(1, position.text());
            wait.setDouble(2, Math.max(0.001, timeout.toNanos() / 1e9));
            try (ResultSet answer = wait.executeQuery()) {
                return answer.next() && answer.getInt(1) == 0; // 0: reached; -1 (MariaDB) or 1 (MySQL): timed out
            }
        }
    }
}
