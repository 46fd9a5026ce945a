package dev.junction.driver.internal.topology.monitor;

import dev.junction.router.NodeRole;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL: {@code pg_is_in_recovery()} for the role; the current WAL insert position on a primary, the
 * last replayed position on a standby (replayed, not received: a standby whose replay is paused keeps
 * receiving, and its data is only as fresh as what it replayed); and on a primary its timeline, the first eight hex
 * digits of the WAL file it writes (a promotion starts a new one at once, while {@code pg_control_checkpoint()} shows
 * it only after the next checkpoint).
 */
public final class PostgresReplicationProbe implements ReplicationProbe {
    private static final String PROBE = "select pg_is_in_recovery(), case when pg_is_in_recovery()"
            + " then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end::text,"
            + " case when pg_is_in_recovery() then null else substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) end";

    @Override
    public Answer probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(PROBE)) {
            row.next();
            boolean inRecovery = row.getBoolean(1);
            String lsn = row.getString(2);
            String timeline = row.getString(3);
            return new Answer(
                    inRecovery ? NodeRole.REPLICA : NodeRole.PRIMARY,
                    lsn == null ? null : LogSequenceNumber.parse(lsn),
                    timeline(timeline));
        }
    }

    /** The timeline in a WAL file name's first eight hex digits; 0 when there is none (a standby) or it is unreadable. */
    private static long timeline(String text) {
        if (text == null || text.length() != 8) {
            return 0;
        }
        try {
            return Long.parseLong(text, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public ReplicationPosition parsePosition(String text) {
        return LogSequenceNumber.parse(text);
    }

    @Override
    public String tokenPrefix(ReplicationPosition position) {
        return "pg";
    }
}
