package dev.junction.driver.internal.monitor;

import dev.junction.router.NodeRole;
import dev.junction.router.replication.MySqlGtidSet;
import dev.junction.router.replication.ReplicationPosition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** MySQL: {@code @@read_only} for the role and the executed GTID set, on primary and replica alike. */
public final class MySqlReplicationProbe implements ReplicationProbe {
    private static final String PROBE = "select @@global.read_only, @@global.gtid_executed";

    @Override
    public Answer probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(PROBE)) {
            row.next();
            return new Answer(row.getBoolean(1) ? NodeRole.REPLICA : NodeRole.PRIMARY, MySqlGtidSet.parse(row.getString(2)));
        }
    }

    @Override
    public ReplicationPosition parsePosition(String text) {
        return MySqlGtidSet.parse(text);
    }
}
