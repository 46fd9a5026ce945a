package dev.junction.driver.internal.topology.monitor;

import dev.junction.driver.internal.backend.MySqlRoles;
import dev.junction.router.replication.MySqlGtidSet;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** MySQL: {@link MySqlRoles} for the role and the executed GTID set, on primary and replica alike. */
public final class MySqlReplicationProbe implements ReplicationProbe {
    private static final String PROBE = "select @@global.read_only, @@global.gtid_executed";

    /** Whether a writable server is a master even while it replicates (multi-master rings replicate both ways). */
    private final boolean multiMaster;

    public MySqlReplicationProbe() {
        this(false);
    }

    public MySqlReplicationProbe(boolean multiMaster) {
        this.multiMaster = multiMaster;
    }

    @Override
    public Answer probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(PROBE)) {
            row.next();
            boolean readOnly = row.getBoolean(1);
            String executed = row.getString(2);
            return new Answer(MySqlRoles.role(connection, readOnly, multiMaster), MySqlGtidSet.parse(executed));
        }
    }

    @Override
    public ReplicationPosition parsePosition(String text) {
        return MySqlGtidSet.parse(text);
    }

    @Override
    public String tokenPrefix(ReplicationPosition position) {
        return "mysql";
    }

    /** {@code wait_for_executed_gtid_set(position, seconds)}: 0 once applied, 1 on timeout. */
    @Override
    public boolean awaitPosition(Connection replica, ReplicationPosition position, Duration timeout)
            throws SQLException {
        try (java.sql.PreparedStatement wait = replica.prepareStatement("select wait_for_executed_gtid_set(?, ?)")) {
            wait.setString(1, position.text());
            wait.setDouble(2, Math.max(0.001, timeout.toNanos() / 1e9));
            try (ResultSet answer = wait.executeQuery()) {
                return answer.next() && answer.getInt(1) == 0; // 0: reached; -1 (MariaDB) or 1 (MySQL): timed out
            }
        }
    }
}
