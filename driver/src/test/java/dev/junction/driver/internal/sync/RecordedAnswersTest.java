package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.backend.BackendDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MySQL-family dialect of a sync wait against answers recorded from the servers' documentation and from MariaDB
 * 10.11 here (no MySQL server installs on this machine): which server it is, where the primary is, how far a replica
 * has come, and MariaDB's semi-sync verdict.
 */
class RecordedAnswersTest {
    private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    @Test
    void mySqlPositionsAreExecutedGtidSetsAndAReplicaCoversThePrimaryOnceItHasEveryTransaction() throws SQLException {
        RecordedServer primary =
                new RecordedServer("8.0.36").answers("select @@global.gtid_executed", Map.of("1", UUID + ":1-5"));
        RecordedServer replica = new RecordedServer("8.0.36")
                .answers("select @@global.gtid_executed", Map.of("1", UUID + ":1-4"))
                .answers("select @@global.gtid_executed", Map.of("1", UUID + ":1-5"))
                .answers("SHOW REPLICA STATUS", Map.of("Retrieved_Gtid_Set", UUID + ":1-5"));
        CommitPositions positions = CommitPositions.of(BackendDialect.MYSQL, primary.connection());
        assertThat(positions).isSameAs(CommitPositions.MYSQL);
        var target = positions.primaryPosition(CommitPositions.single(primary.connection(), positions.primaryQuery()));
        assertThat(positions.replica(replica.connection(), SyncAck.APPLY).covers(target))
                .isFalse();
        assertThat(positions.replica(replica.connection(), SyncAck.APPLY).covers(target))
                .isTrue();
        assertThat(positions.replica(replica.connection(), SyncAck.FLUSH).covers(target))
                .isTrue();
    }

    @Test
    void mySqlAndMariaDbWaitInsideTheReplicaForAnAppliedPosition() throws SQLException {
        RecordedServer mySql = new RecordedServer("8.0.36")
                .answers("select wait_for_executed_gtid_set(?, ?)", Map.of("1", "1"))
                .answers("select wait_for_executed_gtid_set(?, ?)", Map.of("1", "0"));
        var set = dev.junction.router.replication.MySqlGtidSet.parse(UUID + ":1-5");
        assertThat(CommitPositions.MYSQL.awaitApplied(mySql.connection(), set, 50))
                .as("1: timed out")
                .isFalse();
        assertThat(CommitPositions.MYSQL.awaitApplied(mySql.connection(), set, 50))
                .isTrue();
        RecordedServer mariaDb = new RecordedServer("10.11.6-MariaDB")
                .answers("select master_gtid_wait(?, ?)", Map.of("1", "-1"))
                .answers("select master_gtid_wait(?, ?)", Map.of("1", "0"));
        var position = dev.junction.router.replication.MariaDbGtidPosition.parse("0-1-42");
        assertThat(CommitPositions.MARIADB.awaitApplied(mariaDb.connection(), position, 50))
                .as("-1: timed out")
                .isFalse();
        assertThat(CommitPositions.MARIADB.awaitApplied(mariaDb.connection(), position, 50))
                .isTrue();
        assertThat(CommitPositions.POSTGRESQL.awaitApplied(null, position, 50))
                .as("no such wait: the caller polls")
                .isNull();
    }

    @Test
    void mariaDbIsToldByItsVersionAndComparesGtidPositionsPerDomain() throws SQLException {
        RecordedServer primary =
                new RecordedServer("10.11.6-MariaDB").answers("select @@global.gtid_binlog_pos", Map.of("1", "0-1-42"));
        RecordedServer replica = new RecordedServer("10.11.6-MariaDB")
                .answers("select @@global.gtid_slave_pos", Map.of("1", "0-1-41"))
                .answers("SHOW ALL SLAVES STATUS", Map.of("Gtid_IO_Pos", "0-1-42"));
        CommitPositions positions = CommitPositions.of(BackendDialect.MYSQL, primary.connection());
        assertThat(positions).isSameAs(CommitPositions.MARIADB);
        var target = positions.primaryPosition(CommitPositions.single(primary.connection(), positions.primaryQuery()));
        assertThat(positions.replica(replica.connection(), SyncAck.APPLY).covers(target))
                .as("applied up to 41")
                .isFalse();
        assertThat(positions.replica(replica.connection(), SyncAck.FLUSH).covers(target))
                .as("received 42")
                .isTrue();
    }

    @Test
    void onTheCommittingSessionMariaDbNamesThatCommitAloneWhichIsAllTheWaitNeeds() throws SQLException {
        // Another session committed 0-1-43 after ours: the global position includes it, the session's own does not.
        RecordedServer committing = new RecordedServer("10.11.6-MariaDB")
                .answers("select @@last_gtid", Map.of("1", "0-1-42"))
                .answers("select @@global.gtid_binlog_pos", Map.of("1", "0-1-43"));
        RecordedServer replica = new RecordedServer("10.11.6-MariaDB")
                .answers("select @@global.gtid_slave_pos", Map.of("1", "0-1-42"))
                .answers("select @@global.gtid_slave_pos", Map.of("1", "0-1-42"));
        CommitPositions positions = CommitPositions.of(BackendDialect.MYSQL, committing.connection());
        var own =
                positions.primaryPosition(CommitPositions.single(committing.connection(), positions.committingQuery()));
        var global =
                positions.primaryPosition(CommitPositions.single(committing.connection(), positions.primaryQuery()));
        assertThat(positions.replica(replica.connection(), SyncAck.APPLY).covers(own))
                .as("the replica holds our commit")
                .isTrue();
        assertThat(positions.replica(replica.connection(), SyncAck.APPLY).covers(global))
                .as("the global position would have waited for the other session's commit too")
                .isFalse();
        assertThat(CommitPositions.POSTGRESQL.committingQuery())
                .as("PostgreSQL asks how the session commits: the written position covers only synchronous commits")
                .contains(
                        "current_setting('synchronous_commit')", "pg_current_wal_lsn()", "pg_current_wal_insert_lsn()");
    }

    @Test
    void mariaDbSemiSyncIsTrustedOnlyWhileNoCommitWentUnacknowledgedSinceTheLastLook() {
        // Another session always waits for its acknowledgement here: no look opens a quiet window.
        Connection primary = semiSyncServer(
                        "10000",
                        new Look("ON", 3, 1),
                        new Look("ON", 3, 1),
                        new Look("ON", 4, 1),
                        new Look("ON", 4, 1),
                        new Look("OFF", 4, 1))
                .connection();
        boolean[] expected = {false, true, false, true, false};
        String[] why = {"first look: no before", "counter still", "a commit fell back", "still again", "semi-sync off"};
        MariaDbSemiSync semiSync = new MariaDbSemiSync();
        for (int i = 0; i < expected.length; i++) {
            assertThat(semiSync.acknowledged(primary)).as(why[i]).isEqualTo(expected[i]);
        }
        Connection unanswering = new RecordedServer("10.11.6-MariaDB").connection();
        assertThat(semiSync.acknowledged(primary))
                .as("seen off a moment ago: not asked again")
                .isFalse();
        assertThat(semiSync.acknowledged(unanswering))
                .as("another connection starts afresh: asked, and it does not answer")
                .isFalse();
    }

    @Test
    void aLookWithNoSessionWaitingTrustsTheCommitsOfHalfTheTimeoutWithoutAsking() {
        // If asked a second time, the counter has moved: only a commit trusted without a question is confirmed.
        Connection quiet = semiSyncServer("10000", new Look("ON", 7, 0), new Look("ON", 8, 0))
                .connection();
        MariaDbSemiSync semiSync = new MariaDbSemiSync();
        assertThat(semiSync.acknowledged(quiet))
                .as("first look: no counter before it")
                .isFalse();
        assertThat(semiSync.acknowledged(quiet))
                .as("within the quiet window: trusted without a question")
                .isTrue();
        Connection promoted = semiSyncServer("10000", new Look("ON", 8, 0)).connection();
        assertThat(semiSync.acknowledged(promoted))
                .as("another connection (a promoted primary): the window seen on the old one does not apply")
                .isFalse();

        MariaDbSemiSync busy = new MariaDbSemiSync();
        Connection waited = semiSyncServer("10000", new Look("ON", 7, 2), new Look("ON", 7, 2))
                .connection();
        busy.acknowledged(waited);
        assertThat(busy.acknowledged(waited))
                .as("a session was waiting at the last look: this commit is asked about, and the counter did not move")
                .isTrue();

        MariaDbSemiSync shortTimeout = new MariaDbSemiSync();
        Connection zero =
                semiSyncServer("0", new Look("ON", 7, 0), new Look("ON", 8, 0)).connection();
        shortTimeout.acknowledged(zero);
        assertThat(shortTimeout.acknowledged(zero))
                .as("rpl_semi_sync_master_timeout 0 opens no window: asked, and a commit went unacknowledged")
                .isFalse();
    }

    /** One answer to {@link MariaDbSemiSync#STATUS}. */
    private record Look(String status, long noTx, long waiting) {}

    /** A MariaDB primary whose settings say {@code timeoutMillis} and whose status answers {@code looks} in turn. */
    private static RecordedServer semiSyncServer(String timeoutMillis, Look... looks) {
        RecordedServer server = new RecordedServer("10.11.6-MariaDB")
                .answers(MariaDbSemiSync.SETTINGS, Map.of("1", "1", "2", "1", "3", timeoutMillis));
        for (Look look : looks) {
            server.answersRows(
                    MariaDbSemiSync.STATUS,
                    java.util.List.of(
                            Map.of("1", "Rpl_semi_sync_master_no_tx", "2", Long.toString(look.noTx())),
                            Map.of("1", "Rpl_semi_sync_master_wait_sessions", "2", Long.toString(look.waiting())),
                            Map.of("1", "Rpl_semi_sync_master_status", "2", look.status())));
        }
        return server;
    }

    @Test
    void aServerWithoutSemiSyncIsNeverTrusted() {
        MariaDbSemiSync semiSync = new MariaDbSemiSync();
        RecordedServer mySql = new RecordedServer("8.0.36"); // answers nothing: the variables do not exist there
        assertThat(semiSync.acknowledged(mySql.connection())).isFalse();
        assertThat(semiSync.acknowledged(mySql.connection())).isFalse();
    }
}
