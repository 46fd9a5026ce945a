package dev.junction.driver.internal.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * MariaDB's own semi-synchronous replication as one connection sees it: whether the commit that just returned on it
 * was acknowledged by a replica (written to its relay log, Junction's {@code syncAck=flush}), so that Junction need
 * not wait for it again.
 *
 * <p>MariaDB's semi-sync gives up silently: a commit that no replica acknowledged within
 * {@code rpl_semi_sync_master_timeout} returns as if it had been, and the primary goes on asynchronously
 * ({@code Rpl_semi_sync_master_status} OFF) until a replica catches up. The status alone cannot tell whether one
 * commit was acknowledged (it may be back ON by the time it is read), but the counter of commits that were not,
 * {@code Rpl_semi_sync_master_no_tx}, can: this connection reads it after each of its commits, so the value it read
 * last was read before its next commit began; if the counter has not moved since, no commit anywhere went
 * unacknowledged in between, this one included. If it moved (this commit or any other), Junction checks for itself.
 * The server's word is taken only while semi-sync is on and its own timeout is within {@code syncTimeout}, so that
 * the server's wait never outlasts Junction's bound. One query a commit, on the committing connection (it touches no
 * table: with auto-commit off it opens no transaction). Not thread-safe: one per logical connection.
 */
final class MariaDbSemiSync {
    static final String STATUS = "select"
            + " (select variable_value from information_schema.global_status"
            + " where variable_name = 'RPL_SEMI_SYNC_MASTER_STATUS'),"
            + " (select variable_value from information_schema.global_status"
            + " where variable_name = 'RPL_SEMI_SYNC_MASTER_NO_TX'),"
            + " @@global.rpl_semi_sync_master_enabled, @@global.rpl_semi_sync_master_timeout";

    /** {@code Rpl_semi_sync_master_no_tx} as this connection last read it; -1 before the first read. */
    private long notAcknowledged = -1;
    /** Whether the server answered the question at all: not on MySQL, or without the semi-sync plugin. */
    private boolean unavailable;

    /**
     * Whether the server's semi-sync acknowledged the commit that has just returned on {@code primary}.
     *
     * @return false when it cannot be shown (semi-sync off, a fall-back, the first commit of this connection, a
     *     server timeout longer than {@code syncTimeout}, the status unreadable): Junction then waits itself
     */
    boolean acknowledged(Connection primary, Duration syncTimeout) {
        if (unavailable) {
            return false;
        }
        try (Statement statement = primary.createStatement();
                ResultSet row = statement.executeQuery(STATUS)) {
            row.next();
            String status = row.getString(1);
            String noTx = row.getString(2);
            if (status == null || noTx == null) {
                unavailable = true;
                return false;
            }
            long before = notAcknowledged;
            notAcknowledged = Long.parseLong(noTx.trim());
            boolean on = "ON".equalsIgnoreCase(status.trim()) && row.getBoolean(3);
            long serverTimeoutMillis = row.getLong(4);
            return on && before >= 0 && notAcknowledged == before && serverTimeoutMillis <= syncTimeout.toMillis();
        } catch (SQLException | RuntimeException e) {
            unavailable = true; // MySQL, a server without the variables, a privilege: ask the replicas instead
            return false;
        }
    }
}
