package dev.junction.it.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.router.replication.MariaDbGtidPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SyncModesContract} on a MariaDB primary and two GTID replicas (semi-sync off), through Connector/J. */
class MariaDbSyncModesIT extends SyncModesContract {
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        try (Connection primary = cluster.primary().connectAsApplicationUser()) {
            createTables(primary);
        }
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * With MariaDB's own semi-sync on, a {@code semi-sync} / {@code flush} commit is confirmed by the server; when no
     * replica can acknowledge, the server gives up after {@code rpl_semi_sync_master_timeout} and returns the commit as
     * if it had been acknowledged: Junction must see through that and report it as not confirmed.
     */
    @Test
    void theServersSemiSyncConfirmsAndItsSilentFallBackToAsyncIsCaught() throws Exception {
        cluster.enableSemiSync();
        cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_timeout = 300");
        try (Connection connection = connect("?syncMode=semi-sync&syncAck=flush&syncTimeout=1s")) {
            insert(connection, "plain_rows"); // the first commit gives the connection its first look at the counter
            long byServer = sumOfClusters("SyncConfirmationsByServer");
            int confirmed = insert(connection, "plain_rows");
            assertThat(primaryHas("plain_rows", confirmed)).isTrue();
            assertThat(sumOfClusters("SyncConfirmationsByServer"))
                    .as("confirmed by the server's semi-sync")
                    .isEqualTo(byServer + 1);

            for (MariaDbNode replica : cluster.replicas()) {
                replica.execute("STOP SLAVE IO_THREAD");
            }
            int fellBack = IDS_FOR_SEMI_SYNC.incrementAndGet();
            assertThatThrownBy(() -> {
                        try (Statement statement = connection.createStatement()) {
                            statement.executeUpdate(
                                    "insert into plain_rows(id, note) values (" + fellBack + ", 'fell back')");
                        }
                    })
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("01J01");
                        assertThat(e.getMessage()).contains("IS committed");
                    });
            assertThat(primaryHas("plain_rows", fellBack)).isTrue();
            assertThat(cluster.primary().globalStatus("Rpl_semi_sync_master_status"))
                    .as("the server fell back to asynchronous replication")
                    .isEqualToIgnoringCase("OFF");
        } finally {
            for (MariaDbNode replica : cluster.replicas()) {
                replica.execute("START SLAVE IO_THREAD");
            }
            cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_timeout = 10000");
            cluster.disableSemiSync();
        }
    }

    /**
     * A commit is trusted without a look while the last look found semi-sync ON with no session waiting, for half of
     * {@code rpl_semi_sync_master_timeout} after it. Another session's commit that starts waiting after that look,
     * and makes the server fall back when it times out, cannot fall inside the window: the fall-back comes a full
     * timeout after the look, so a Junction commit it affects returns outside the window and is looked at.
     */
    @Test
    void aFallBackCausedByAnotherSessionAfterTheLastLookIsCaught() throws Exception {
        cluster.enableSemiSync();
        cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_timeout = 1000");
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection connection = connect("?syncMode=semi-sync&syncAck=flush&syncTimeout=1s");
                Connection raw = rawPrimary()) {
            insert(connection, "plain_rows"); // the look after it finds semi-sync ON and no one waiting
            for (MariaDbNode replica : cluster.replicas()) {
                replica.execute("STOP SLAVE IO_THREAD");
            }
            int theirs = IDS_FOR_SEMI_SYNC.incrementAndGet();
            java.util.concurrent.Future<?> waiting = other.submit(() -> {
                try (Statement statement = raw.createStatement()) {
                    // waits for an acknowledgement no replica sends, then the server falls back to async
                    statement.executeUpdate("insert into plain_rows(id, note) values (" + theirs + ", 'theirs')");
                }
                return null;
            });
            Thread.sleep(300); // the other session is waiting now
            int ours = IDS_FOR_SEMI_SYNC.incrementAndGet();
            assertThatThrownBy(() -> {
                        try (Statement statement = connection.createStatement()) {
                            statement.executeUpdate("insert into plain_rows(id, note) values (" + ours + ", 'ours')");
                        }
                    })
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("01J01"));
            waiting.get();
            assertThat(primaryHas("plain_rows", ours)).isTrue();
            assertThat(cluster.primary().globalStatus("Rpl_semi_sync_master_status"))
                    .as("the server fell back to asynchronous replication")
                    .isEqualToIgnoringCase("OFF");
        } finally {
            other.shutdownNow();
            for (MariaDbNode replica : cluster.replicas()) {
                replica.execute("START SLAVE IO_THREAD");
            }
            cluster.primary().execute("SET GLOBAL rpl_semi_sync_master_timeout = 10000");
            cluster.disableSemiSync();
        }
    }

    /**
     * Through MySQL Connector/J, which Junction has read the server's session state reports for data sources that may
     * wait ({@code trackSessionState}), MariaDB gives each commit's GTID in its answer to the commit once the session
     * asks it to ({@code last_gtid}, asked with the connection's first commit): the wait then asks the primary
     * nothing, and the replica that keeps up still holds each row the moment its commit returns.
     */
    @Test
    void theCommitsOwnAnswerGivesItsGtidAndThePrimaryIsAskedNothing() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("?syncMode=semi-sync")) {
            insert(connection, "plain_rows"); // asks the position, and asks the server to report commits from now on
            cluster.primary()
                    .execute(
                            "SET GLOBAL log_output = 'TABLE'",
                            "TRUNCATE mysql.general_log",
                            "SET GLOBAL general_log = ON");
            try {
                for (int i = 0; i < 5; i++) {
                    int id = insert(connection, "plain_rows");
                    assertThat(replicaHas(0, "plain_rows", id)).isTrue();
                    assertThat(replicaHas(1, "plain_rows", id))
                            .as("semi-sync: one replica")
                            .isFalse();
                }
            } finally {
                cluster.primary().execute("SET GLOBAL general_log = OFF");
            }
            assertThat(generalLogCount("insert into plain_rows%"))
                    .as("the log saw the commits")
                    .isEqualTo(5);
            assertThat(generalLogCount("select @@global.gtid_binlog_pos"))
                    .as("no position question after a commit")
                    .isZero();
        }
    }

    private static long generalLogCount(String argumentLike) throws SQLException {
        try (Connection root = cluster.primary().connect();
                java.sql.PreparedStatement count = root.prepareStatement(
                        "select count(*) from mysql.general_log where command_type in ('Query', 'Execute')"
                                + " and convert(argument using utf8mb4) like ?")) {
            count.setString(1, argumentLike);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger IDS_FOR_SEMI_SYNC =
            new java.util.concurrent.atomic.AtomicInteger(2_000_000);

    @Override
    String url(String parameters) {
        return "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE + parameters;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return properties;
    }

    @Override
    Connection rawPrimary() throws SQLException {
        return cluster.primary().connectAsApplicationUser();
    }

    @Override
    Connection rawReplica(int index) throws SQLException {
        return replica(index).connectAsApplicationUser();
    }

    private static MariaDbNode replica(int index) {
        return cluster.replicas().get(index);
    }

    /**
     * {@code MASTER_DELAY}: the replica receives at once and applies each event that many seconds later. MariaDB
     * changes it only with both replication threads stopped.
     */
    @Override
    void delayApply(int index, int seconds) {
        replica(index).execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = " + seconds, "START SLAVE");
    }

    @Override
    void stopApplying(int index) {
        replica(index).stopReplicaSqlThread();
    }

    @Override
    void resumeApplying(int index) {
        replica(index).startReplicaSqlThread();
    }

    @Override
    boolean flushedEverything(int index) throws SQLException {
        MariaDbGtidPosition primary =
                MariaDbGtidPosition.parse(cluster.primary().gtidBinlogPos());
        try (Connection replica = replica(index).connect();
                Statement statement = replica.createStatement();
                ResultSet status = statement.executeQuery("SHOW ALL SLAVES STATUS")) {
            status.next();
            return MariaDbGtidPosition.parse(status.getString("Gtid_IO_Pos")).covers(primary);
        }
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
