package dev.junction.driver.internal.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MariaDB's own semi-synchronous replication as one connection sees it: whether the commit that just returned on it
 * was acknowledged by a replica (written to its relay log, Junction's {@code syncAck=flush}), so that Junction need
 * not wait for it again.
 *
 * <p>MariaDB's semi-sync gives up silently: a commit that no replica acknowledged within
 * {@code rpl_semi_sync_master_timeout} returns as if it had been, and the primary goes on asynchronously
 * ({@code Rpl_semi_sync_master_status} OFF) until a replica catches up. The status alone cannot tell whether one
 * commit was acknowledged (it may be back ON by the time it is read), but the counter of commits that were not,
 * {@code Rpl_semi_sync_master_no_tx}, can: this connection reads it after its commits, so the value it read last was
 * read before its next commit began; if the counter has not moved since, no commit anywhere went unacknowledged in
 * between, this one included. If it moved (this commit or any other), Junction checks for itself.
 *
 * <p>That question costs 150-200 µs on the server (it builds every status variable; {@code SHOW SESSION STATUS} and
 * {@code information_schema.global_status} cost the same), which made a semi-sync commit 1.7-1.9× the server's own
 * (2026-12-05, two replicas on two CPUs). So it is not asked while the answer cannot have changed: semi-sync switches
 * off only when a commit's wait reaches the timeout T (with {@code rpl_semi_sync_master_wait_no_slave} ON, a replica
 * that disconnects does not switch it off: commits wait for it until T), and a wait that times out began T earlier.
 * A look that found the status ON with no session waiting ({@code Rpl_semi_sync_master_wait_sessions} 0) therefore
 * shows that it stays ON for at least T after it; a commit that returns within T/2 of that look (half, for the moment
 * between a waiting commit's clock starting and its being counted as waiting) was acknowledged. Every commit that
 * returns within that "quiet" window is trusted without a question; the first one after it asks again. The settings
 * are read at most once a second and the window ends a second after they were read, the same trust Junction gives
 * PostgreSQL's {@code synchronous_standby_names}: an operator who switches semi-sync off is seen within a second.
 * Under concurrent commits some session is usually waiting when the question is asked, and each commit asks.
 *
 * <p>One question (two when the settings are due) per commit outside the window while semi-sync is on, on the
 * committing connection (it touches no table: with auto-commit off it opens no transaction); none for a second
 * after it was seen off. The server's own wait, up to {@code rpl_semi_sync_master_timeout}, applies to every commit on
 * the server whatever Junction does: Junction cannot shorten it, and says so in the README. Not thread-safe: one per
 * logical connection.
 */
final class MariaDbSemiSync {
    /** The status counters, filtered by the server ({@code information_schema.global_status} cost ~0.5 ms). */
    static final String STATUS = "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'";
    /** The settings, read at most once a second: they change when an operator changes them, not per commit. */
    static final String SETTINGS = "select @@global.rpl_semi_sync_master_enabled,"
            + " @@global.rpl_semi_sync_master_wait_no_slave, @@global.rpl_semi_sync_master_timeout";

    private static final long SECOND_NANOS = 1_000_000_000L;

    private long settingsReadAt;
    private boolean enabled;
    private boolean waitsForAbsentReplicas;
    private long timeoutNanos;
    /** When this connection last saw semi-sync off; for a second after, it does not ask (0: not seen off). */
    private long offSeenAt;
    /** Whether a look opened a quiet window ({@link #quietUntil}). */
    private boolean quiet;
    /** Until when a commit that returns is known acknowledged without a question (see the class comment). */
    private long quietUntil;

    /** The physical connection the state below was seen on. */
    private Connection lookedAt;

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
    boolean acknowledged(Connection primary) {
        if (primary != lookedAt) {
            // Another physical connection (reopened, or to a promoted primary): what was seen on the other one, its
            // counter, settings and quiet window, says nothing about this server.
            lookedAt = primary;
            notAcknowledged = -1;
            settingsReadAt = 0;
            offSeenAt = 0;
            quiet = false;
            unavailable = false;
        }
        long now = System.nanoTime();
        if (quiet && now - quietUntil < 0) {
            return true;
        }
        quiet = false;
        if (unavailable || (offSeenAt != 0 && now - offSeenAt < SECOND_NANOS)) {
            return false; // semi-sync off a moment ago: Junction waits itself, without a question more per commit
        }
        try (Statement statement = primary.createStatement()) {
            Status status = status(statement);
            if (status == null) {
                unavailable = true;
                return false;
            }
            long before = notAcknowledged;
            notAcknowledged = status.notAcknowledged();
            if (settingsReadAt == 0 || now - settingsReadAt > SECOND_NANOS) {
                readSettings(statement);
                settingsReadAt = now;
            }
            boolean on = status.on() && enabled;
            offSeenAt = on ? 0 : now;
            if (on && status.waiting() == 0 && waitsForAbsentReplicas && timeoutNanos > 0) {
                quiet = true;
                quietUntil = Math.min(now + timeoutNanos / 2, settingsReadAt + SECOND_NANOS);
            }
            return on && before >= 0 && notAcknowledged == before;
        } catch (SQLException | RuntimeException e) {
            unavailable = true; // MySQL, a server without the variables, a privilege: ask the replicas instead
            return false;
        }
    }

    /** One look at the status variables; null when the server has not all of them. */
    private static Status status(Statement statement) throws SQLException {
        String status = null;
        String noTx = null;
        String waiting = null;
        try (ResultSet rows = statement.executeQuery(STATUS)) {
            while (rows.next()) {
                String name = rows.getString(1);
                if ("Rpl_semi_sync_master_status".equalsIgnoreCase(name)) {
                    status = rows.getString(2);
                } else if ("Rpl_semi_sync_master_no_tx".equalsIgnoreCase(name)) {
                    noTx = rows.getString(2);
                } else if ("Rpl_semi_sync_master_wait_sessions".equalsIgnoreCase(name)) {
                    waiting = rows.getString(2);
                }
            }
        }
        if (status == null || noTx == null || waiting == null) {
            return null;
        }
        return new Status(
                "ON".equalsIgnoreCase(status.trim()), Long.parseLong(noTx.trim()), Long.parseLong(waiting.trim()));
    }

    private void readSettings(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery(SETTINGS)) {
            row.next();
            enabled = row.getBoolean(1);
            waitsForAbsentReplicas = row.getBoolean(2);
            timeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(row.getLong(3));
        }
    }

    /**
     * @param on               {@code Rpl_semi_sync_master_status}
     * @param notAcknowledged  {@code Rpl_semi_sync_master_no_tx}
     * @param waiting          {@code Rpl_semi_sync_master_wait_sessions}
     */
    private record Status(boolean on, long notAcknowledged, long waiting) {}
}
