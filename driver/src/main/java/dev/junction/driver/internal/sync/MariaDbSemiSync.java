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
 * One query a commit while semi-sync is on, on the committing connection (it touches no table: with auto-commit off
 * it opens no transaction); none for a second after it was seen off. The server's own wait, up to
 * {@code rpl_semi_sync_master_timeout}, applies to every commit on the server whatever Junction does: Junction cannot
 * shorten it, and says so in the README. Not thread-safe: one per logical connection.
 */
final class MariaDbSemiSync {
    /** Two status counters, filtered by the server ({@code information_schema.global_status} cost ~0.5 ms). */
    static final String STATUS = "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'";
    /** The settings, read at most once a second: they change when an operator changes them, not per commit. */
    static final String SETTINGS = "select @@global.rpl_semi_sync_master_enabled";

    private long settingsReadAt;
    private boolean enabled;
    /** When this connection last saw semi-sync off; for a second after, it does not ask (0: not seen off). */
    private long offSeenAt;

    /** {@code Rpl_semi_sync_master_no_tx} as this connection last read it; -1 before the first read. */
    private long notAcknowledged = -1;
    /** Whether the server answered the question at all: not on MySQL, or without the semi-sync plugin. */
    private boolean unavailable;

    /**
     * Whether the server's semi-sync acknowledged the commit that has just returned on {@code primary}.
     *
     * @return false when it cannot be shown (semi-sync off, a fall-back, the first commit of this connection, the
     *     status unreadable): Junction then waits itself
     */
    boolean acknowledged(Connection primary, Duration syncTimeout) {
        if (unavailable || (offSeenAt != 0 && System.nanoTime() - offSeenAt < 1_000_000_000L)) {
            return false; // semi-sync off a moment ago: Junction waits itself, without a question more per commit
        }
        try (Statement statement = primary.createStatement()) {
            String status = null;
            String noTx = null;
            try (ResultSet rows = statement.executeQuery(STATUS)) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    if ("Rpl_semi_sync_master_status".equalsIgnoreCase(name)) {
                        status = rows.getString(2);
                    } else if ("Rpl_semi_sync_master_no_tx".equalsIgnoreCase(name)) {
                        noTx = rows.getString(2);
                    }
                }
            }
            if (status == null || noTx == null) {
                unavailable = true;
                return false;
            }
            long before = notAcknowledged;
            notAcknowledged = Long.parseLong(noTx.trim());
            long now = System.nanoTime();
            if (settingsReadAt == 0 || now - settingsReadAt > 1_000_000_000L) {
                try (ResultSet row = statement.executeQuery(SETTINGS)) {
                    row.next();
                    enabled = row.getBoolean(1);
                }
                settingsReadAt = now;
            }
            boolean on = "ON".equalsIgnoreCase(status.trim()) && enabled;
            offSeenAt = on ? 0 : now;
            return on && before >= 0 && notAcknowledged == before;
        } catch (SQLException | RuntimeException e) {
            unavailable = true; // MySQL, a server without the variables, a privilege: ask the replicas instead
            return false;
        }
    }
}
