package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.MariaDbGtidPosition;
import dev.junction.router.replication.MySqlGtidSet;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The dialect half of a sync wait: where the primary's stream of commits is after a commit, and how far a replica has
 * come in it, flushed or applied ({@code syncAck}). Each answer is one short query in auto-commit: a replica is asked
 * again and again while a commit waits, and a query that held a snapshot for the length of the wait (a server-side
 * loop) would hold back the very replay it waits for on a PostgreSQL hot standby (a recovery conflict with the
 * primary's pruning), up to {@code max_standby_streaming_delay}.
 *
 * <ul>
 *   <li>PostgreSQL: the primary's {@code pg_current_wal_lsn()} read after the commit returned (every WAL record of
 *       the commit ends at or before it); a standby's {@code pg_last_wal_receive_lsn()} (received and flushed to its
 *       disk) or {@code pg_last_wal_replay_lsn()} (applied, visible to its reads).</li>
 *   <li>MariaDB: the primary's {@code @@global.gtid_binlog_pos}; a replica's {@code Gtid_IO_Pos} of
 *       {@code SHOW ALL SLAVES STATUS} (written to its relay log, the point at which semi-sync acknowledges) or
 *       {@code @@global.gtid_slave_pos} (applied). The first needs the {@code SLAVE MONITOR} privilege.</li>
 *   <li>MySQL: {@code @@global.gtid_executed} on both sides for applied; a replica's {@code Retrieved_Gtid_Set} for
 *       received.</li>
 * </ul>
 */
abstract class CommitPositions {
    static final CommitPositions POSTGRESQL = new Postgres();
    static final CommitPositions MARIADB = new MariaDb();
    static final CommitPositions MYSQL = new MySql();
    /** The monitor's probes already wait inside a replica for read-your-writes: the same waits serve here. */
    private static final dev.junction.driver.internal.topology.monitor.ReplicationProbe GTID_WAITS_MARIADB =
            new dev.junction.driver.internal.topology.monitor.MariaDbReplicationProbe();

    private static final dev.junction.driver.internal.topology.monitor.ReplicationProbe GTID_WAITS_MYSQL =
            new dev.junction.driver.internal.topology.monitor.MySqlReplicationProbe();

    /** The positions of the server on {@code connection}: the MySQL family tells MariaDB by its version. */
    static CommitPositions of(BackendDialect dialect, Connection connection) throws SQLException {
        if (dialect == BackendDialect.POSTGRESQL) {
            return POSTGRESQL;
        }
        String version = connection.getMetaData().getDatabaseProductVersion();
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }

    /**
     * The one-row, one-column query of where the primary's stream of commits is now, which covers every commit that
     * has returned; its callers keep it prepared.
     */
    abstract String primaryQuery();

    /**
     * The same question asked on the connection the commit returned on ({@link CommittingSession}), where a server can
     * name that session's own last commit: MariaDB's {@code @@last_gtid} is exactly the commit, where the global
     * position also covers whatever other sessions committed since, which a wait would then wait for as well. Elsewhere
     * {@link #primaryQuery}.
     */
    String committingQuery() {
        return primaryQuery();
    }

    /**
     * The same when the commit is known to have been made synchronously ({@code SyncPolicy#RAISED_COMMIT}), whatever
     * the session's level is now: {@link #committingQuery} elsewhere.
     */
    String synchronousCommitQuery() {
        return committingQuery();
    }

    /** The position in the answer to {@link #primaryQuery}, or in a commit's reported GTID where there is one. */
    abstract ReplicationPosition primaryPosition(String answer);

    /**
     * Whether the server can report each commit's GTID in its answer to the commit (MariaDB's session tracking of
     * {@code last_gtid}; MySQL's {@code session_track_gtids} is not used: no MySQL server here to test it against).
     */
    boolean reportsLastGtid() {
        return false;
    }

    /** How far {@code replica} has come: flushed or applied; null when it reports nothing (not replicating). */
    abstract ReplicationPosition replica(Connection replica, SyncAck ack) throws SQLException;

    /**
     * Waits inside {@code replica}, at most {@code millis}, until it has applied {@code target}, where the server has
     * such a wait (MariaDB {@code MASTER_GTID_WAIT}, MySQL {@code WAIT_FOR_EXECUTED_GTID_SET}): the answer comes the
     * moment the replica applies it, with no polling. A GTID wait holds no snapshot, unlike a loop in a PostgreSQL
     * standby.
     *
     * @return whether it was applied; null where the server has no such wait (PostgreSQL): the caller polls
     */
    Boolean awaitApplied(Connection replica, ReplicationPosition target, long millis) throws SQLException {
        return null;
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    /** The value of {@code column} in the first row of {@code sql} that has it non-empty, else null. */
    static String column(Connection connection, String sql, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String value = rows.getString(column);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            return null;
        }
    }

    private static final class Postgres extends CommitPositions {
        /**
         * Where the next WAL record will go, less the page header it was moved past when the last record ended at a
         * page boundary (24 bytes; 40 at a segment's first page): a record's end as a standby reports it is never
         * inside a header, so without this a commit ending at a boundary would wait for more WAL than exists. Covers
         * every commit that has returned, asynchronous ones ({@code synchronous_commit = off}) included, whose records
         * may not be written yet; in numbers and hex, with functions PostgreSQL has had since 10.
         */
        static final String INSERTED = "select to_hex(floor(n / 4294967296)::bigint) || '/'"
                + " || to_hex((n % 4294967296)::bigint) from (select b - case"
                + " when b % pg_size_bytes(current_setting('wal_segment_size')) = 40 then 40"
                + " when b % current_setting('wal_block_size')::numeric = 24 then 24 else 0 end as n"
                + " from (select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0') as b) inserted) header";

        /**
         * Any connection's answer: it cannot tell whether the commit it must cover was made asynchronously, so it
         * takes the inserted position ({@link #INSERTED}).
         */
        @Override
        String primaryQuery() {
            return INSERTED;
        }

        /**
         * On the committing session: where it commits synchronously (every level but {@code off} flushes the commit
         * before it returns), the position written so far covers the commit exactly; where it commits
         * asynchronously, the commit may still be in the WAL buffers, and an answer of the written position would
         * let a standby that lacks it confirm it (194 of 200 {@code semi-sync} commits on a session with
         * {@code synchronous_commit = off}, in a probe before 2026-12-06): the inserted position then.
         */
        @Override
        String committingQuery() {
            return "select case when current_setting('synchronous_commit') <> 'off'"
                    + " then pg_current_wal_lsn()::text else (" + INSERTED + ") end";
        }

        /**
         * A commit raised to {@code local} for its own transaction on a session at {@code off}: flushed before it
         * returned, so the position written so far covers it. The session's level reads {@code off} again once the
         * transaction is over, and the inserted position may also cover other sessions' asynchronous commits, not
         * written yet: a wait for those would take up to {@code wal_writer_delay}.
         */
        @Override
        String synchronousCommitQuery() {
            return "select pg_current_wal_lsn()::text";
        }

        @Override
        ReplicationPosition primaryPosition(String answer) {
            return LogSequenceNumber.parse(answer);
        }

        @Override
        ReplicationPosition replica(Connection replica, SyncAck ack) throws SQLException {
            String text = single(
                    replica,
                    ack == SyncAck.FLUSH
                            ? "select pg_last_wal_receive_lsn()::text"
                            : "select pg_last_wal_replay_lsn()::text");
            return text == null ? null : LogSequenceNumber.parse(text);
        }
    }

    private static final class MariaDb extends CommitPositions {
        @Override
        String primaryQuery() {
            return "select @@global.gtid_binlog_pos";
        }

        /**
         * The session's last commit; empty when the session never committed anything the binary log holds, and then
         * there is nothing to wait for.
         */
        @Override
        String committingQuery() {
            return "select @@last_gtid";
        }

        @Override
        boolean reportsLastGtid() {
            return true;
        }

        @Override
        ReplicationPosition primaryPosition(String answer) {
            return MariaDbGtidPosition.parse(nullToEmpty(answer));
        }

        @Override
        ReplicationPosition replica(Connection replica, SyncAck ack) throws SQLException {
            String text = ack == SyncAck.FLUSH
                    ? column(replica, "SHOW ALL SLAVES STATUS", "Gtid_IO_Pos")
                    : single(replica, "select @@global.gtid_slave_pos");
            return text == null ? null : MariaDbGtidPosition.parse(text);
        }

        @Override
        Boolean awaitApplied(Connection replica, ReplicationPosition target, long millis) throws SQLException {
            return GTID_WAITS_MARIADB.awaitPosition(replica, target, java.time.Duration.ofMillis(millis));
        }
    }

    private static final class MySql extends CommitPositions {
        @Override
        String primaryQuery() {
            return "select @@global.gtid_executed";
        }

        @Override
        ReplicationPosition primaryPosition(String answer) {
            return MySqlGtidSet.parse(nullToEmpty(answer));
        }

        @Override
        ReplicationPosition replica(Connection replica, SyncAck ack) throws SQLException {
            String text = ack == SyncAck.FLUSH
                    ? column(replica, "SHOW REPLICA STATUS", "Retrieved_Gtid_Set")
                    : single(replica, "select @@global.gtid_executed");
            return text == null ? null : MySqlGtidSet.parse(text);
        }

        @Override
        Boolean awaitApplied(Connection replica, ReplicationPosition target, long millis) throws SQLException {
            return GTID_WAITS_MYSQL.awaitPosition(replica, target, java.time.Duration.ofMillis(millis));
        }
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
