package dev.junction.it.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SyncModesContract} on a PostgreSQL primary and two streaming standbys (no synchronous_standby_names). */
class PostgresSyncModesIT extends SyncModesContract {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = PostgresCluster.builder().standbys(2).start();
        try (Connection primary = cluster.primary().connect()) {
            createTables(primary);
        }
        cluster.primary().execute("create table delay_probes(id int primary key)"); // see delayApply
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * With {@code synchronous_standby_names} set, PostgreSQL itself waits for its standbys on the sessions Junction set
     * to {@code remote_apply}, and Junction takes the server's word; with a standby paused, that wait would never end
     * (neither {@code statement_timeout} nor anything else ends it): Junction cancels it at {@code syncTimeout} and
     * reports the commit as made and not confirmed.
     */
    @Test
    void theServersOwnWaitConfirmsWhenConfiguredAndJunctionBoundsIt() throws Exception {
        cluster.setSynchronousStandbyNames("ANY 2 (*)");
        try {
            Thread.sleep(200); // the reload reaches the WAL senders asynchronously
            try (Connection connection = connect("?syncMode=sync&syncTimeout=1s")) {
                insert(connection, "plain_rows");
                Thread.sleep(1100); // Junction's reading of synchronous_standby_names is at most a second old
                long byServer = sumOfClusters("SyncConfirmationsByServer");
                int id = insert(connection, "plain_rows");
                assertThat(holders("plain_rows", id)).isEqualTo(2);
                assertThat(sumOfClusters("SyncConfirmationsByServer"))
                        .as("confirmed by the server's own wait")
                        .isEqualTo(byServer + 1);

                stopApplying(1);
                long started = System.nanoTime();
                int stuck = IDS_FOR_NATIVE.incrementAndGet();
                assertThatThrownBy(() -> {
                            try (Statement statement = connection.createStatement()) {
                                statement.executeUpdate(
                                        "insert into plain_rows(id, note) values (" + stuck + ", 'native')");
                            }
                        })
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("01J01");
                            assertThat(e.getMessage()).contains("IS committed");
                        });
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(took).as("bounded by syncTimeout, not by the server").isLessThan(Duration.ofSeconds(3));
                assertThat(primaryHas("plain_rows", stuck)).isTrue();
                assertThat(replicaHas(1, "plain_rows", stuck)).isFalse();

                connection.setAutoCommit(false); // the same through commit()
                int inTransaction = IDS_FOR_NATIVE.incrementAndGet();
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate(
                            "insert into plain_rows(id, note) values (" + inTransaction + ", 'native')");
                }
                assertThatThrownBy(connection::commit)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("01J01"));
                assertThat(primaryHas("plain_rows", inTransaction)).isTrue();
            }
        } finally {
            cluster.setSynchronousStandbyNames("");
            resumeApplying(1);
        }
    }

    /**
     * A {@code COMMIT AND CHAIN} leaves a transaction open on the connection it committed on: the wait must not ask the
     * commit's position there (switching PgJDBC's auto-commit on would commit the chained transaction).
     */
    @Test
    void aChainedTransactionKeepsItsCharacteristicsThroughTheWait() throws Exception {
        try (Connection connection = connect("?syncMode=sync&readConsistency=strong");
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("set transaction isolation level repeatable read");
            int id = insert(connection, "plain_rows");
            statement.execute("commit and chain");
            assertThat(holders("plain_rows", id)).isEqualTo(2);
            try (java.sql.ResultSet row = statement.executeQuery("show transaction_isolation")) {
                row.next();
                assertThat(row.getString(1)).as("still the chained transaction").isEqualTo("repeatable read");
            }
            connection.rollback();
        }
    }

    @Test
    void semiSyncOnAServerWaitingForAnyOneStandby() throws Exception {
        cluster.setSynchronousStandbyNames("ANY 1 (*)");
        try {
            Thread.sleep(200);
            stopApplying(1);
            try (Connection connection = connect("?syncMode=semi-sync&syncTimeout=2s")) {
                int id = insert(connection, "plain_rows");
                assertThat(replicaHas(0, "plain_rows", id)).isTrue();
            }
        } finally {
            cluster.setSynchronousStandbyNames("");
        }
    }

    /**
     * {@code syncAck=apply} sessions keep the server's {@code synchronous_commit} while it waits for no standby (Junction
     * asks the standbys), are set to {@code remote_apply} between transactions once it waits, so that its own wait
     * confirms, and go back when it stops; the change opens no transaction in the application's session.
     */
    @Test
    void applySessionsFollowTheServersSynchronousReplication() throws Exception {
        try (Connection connection = connect("?syncMode=semi-sync&syncAck=apply&readConsistency=strong");
                Statement statement = connection.createStatement()) {
            assertThat(sessionSetting(connection)).as("the server's own level").isEqualTo("on");
            int id = insert(connection, "plain_rows");
            assertThat(holders("plain_rows", id)).isGreaterThanOrEqualTo(1);

            cluster.setSynchronousStandbyNames("ANY 1 (*)");
            try {
                Thread.sleep(1100); // Junction's reading of synchronous_standby_names is at most a second old
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                id = insert(connection, "plain_rows");
                connection.commit(); // confirmed by the standbys, then the session is realigned
                assertThat(holders("plain_rows", id)).isGreaterThanOrEqualTo(1);
                Thread.sleep(100);
                try (java.sql.ResultSet row =
                        statement.executeQuery("select extract(epoch from statement_timestamp() - now()) * 1000")) {
                    row.next();
                    assertThat(row.getDouble(1))
                            .as("ms since this transaction began: the realignment opened none of its own")
                            .isLessThan(50);
                }
                connection.commit();
                connection.setAutoCommit(true);
                assertThat(sessionSetting(connection)).isEqualTo("remote_apply");
                long byServer = sumOfClusters("SyncConfirmationsByServer");
                id = insert(connection, "plain_rows");
                assertThat(holders("plain_rows", id)).isGreaterThanOrEqualTo(1);
                assertThat(sumOfClusters("SyncConfirmationsByServer"))
                        .as("confirmed by the server's own wait")
                        .isEqualTo(byServer + 1);
            } finally {
                cluster.setSynchronousStandbyNames("");
            }
            Thread.sleep(1100);
            id = insert(connection, "plain_rows"); // the server waits no more: the standbys confirm it
            assertThat(holders("plain_rows", id)).isGreaterThanOrEqualTo(1);
            assertThat(sessionSetting(connection)).isEqualTo("on");
            id = insert(connection, "plain_rows");
            assertThat(holders("plain_rows", id)).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * A transaction's own mode on a data source whose {@code syncMode} is async: where the server's synchronous
     * replication covers it, its {@code COMMIT} carries {@code SET LOCAL synchronous_commit}, so the server's own wait
     * confirms it (nothing asked after), bounded at {@code syncTimeout} by the watchdog; the session keeps its level.
     */
    @Test
    void aTransactionsOwnModeRidesOnTheServersWaitWhereItCoversIt() throws Exception {
        cluster.setSynchronousStandbyNames("ANY 2 (*)");
        try {
            Thread.sleep(1100); // Junction's reading of synchronous_standby_names is at most a second old
            try (Connection connection = connect("?syncTimeout=1s&readConsistency=strong")) {
                dev.junction.driver.JunctionConnection junction =
                        connection.unwrap(dev.junction.driver.JunctionConnection.class);
                connection.setAutoCommit(false);
                long byServer = sumOfClusters("SyncConfirmationsByServer");
                junction.setCommitSyncMode("sync");
                int id = insert(connection, "plain_rows");
                connection.commit();
                assertThat(holders("plain_rows", id)).isEqualTo(2);
                assertThat(sumOfClusters("SyncConfirmationsByServer"))
                        .as("confirmed by the server's own wait")
                        .isEqualTo(byServer + 1);
                connection.setAutoCommit(true);
                assertThat(sessionSetting(connection))
                        .as("SET LOCAL ended with its transaction")
                        .isEqualTo("on");

                stopApplying(1);
                connection.setAutoCommit(false);
                junction.setCommitSyncMode("sync");
                int stuck = insert(connection, "plain_rows");
                long started = System.nanoTime();
                assertThatThrownBy(connection::commit).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("01J01");
                    assertThat(e.getMessage()).contains("IS committed");
                });
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("bounded by syncTimeout, not by the server")
                        .isLessThan(Duration.ofSeconds(3));
                assertThat(primaryHas("plain_rows", stuck)).isTrue();
                assertThat(replicaHas(1, "plain_rows", stuck)).isFalse();
            }
        } finally {
            cluster.setSynchronousStandbyNames("");
            resumeApplying(1);
        }
    }

    /** The {@code synchronous_commit} of the logical connection's session on the primary. */
    private static String sessionSetting(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                java.sql.ResultSet row = statement.executeQuery("/* junction:primary */ show synchronous_commit")) {
            row.next();
            return row.getString(1);
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger IDS_FOR_NATIVE =
            new java.util.concurrent.atomic.AtomicInteger(1_000_000);

    @Override
    String url(String parameters) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres" + parameters;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    @Override
    Connection rawPrimary() throws SQLException {
        return cluster.primary().connect();
    }

    @Override
    Connection rawReplica(int index) throws SQLException {
        return standby(index).connect();
    }

    private static PostgresNode standby(int index) {
        return cluster.standbys().get(index);
    }

    /**
     * A session that commits asynchronously ({@code synchronous_commit = off}, set by the application, which Junction
     * leaves as it is) returns from {@code COMMIT} before the commit is written, so the position written so far may
     * not cover it: the wait must not take that for the commit's (194 of 200 {@code semi-sync} commits came back
     * before any standby had them when it did). Each commit is on the standby that keeps up the moment it returns.
     */
    @Test
    void anAsynchronousCommitIsWaitedForUntilAStandbyHasIt() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("?syncMode=semi-sync");
                Statement statement = connection.createStatement()) {
            statement.execute("set synchronous_commit = off");
            assertThat(primaryLevel(connection)).isEqualTo("off");
            for (int i = 0; i < 20; i++) {
                int id = insert(connection, "plain_rows");
                assertThat(replicaHas(0, "plain_rows", id))
                        .as("commit %d of 20", i + 1)
                        .isTrue();
            }
        }
    }

    /**
     * Where every commit waits for a standby, a session the server or the connection's options start at
     * {@code synchronous_commit = off} is raised to {@code local}: its commits would return no sooner for being
     * asynchronous, and would reach a standby only once the WAL writer wrote them, up to {@code wal_writer_delay}
     * later. Its commits are still on the standby that keeps up when they return.
     */
    @Test
    void aSessionStartedAsynchronousIsRaisedToLocalWhereEveryCommitWaits() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("?options=-c%20synchronous_commit=off&syncMode=semi-sync")) {
            for (int i = 0; i < 5; i++) {
                int id = insert(connection, "plain_rows");
                assertThat(replicaHas(0, "plain_rows", id))
                        .as("commit %d of 5", i + 1)
                        .isTrue();
            }
            assertThat(primaryLevel(connection)).isEqualTo("local");
        }
    }

    /**
     * A transaction's own mode on a session at {@code synchronous_commit = off} (the connection's options here, the
     * server's configuration alike), where no server wait covers it: its {@code COMMIT} carries {@code set local
     * synchronous_commit = local}, so that it reaches a standby at once rather than when the WAL writer next writes,
     * and the wait after it takes the position written, which covers it. The session's other commits stay
     * asynchronous.
     */
    @Test
    void aWaitingTransactionOnAnAsynchronousSessionCommitsSynchronously() throws Exception {
        delayApply(1, DELAY_SECONDS);
        Path log = cluster.primary().process().logFile();
        cluster.primary().execute("alter system set log_statement = 'all'", "select pg_reload_conf()");
        long before = Files.size(log);
        try (Connection connection = connect("?options=-c%20synchronous_commit=off")) {
            dev.junction.driver.JunctionConnection junction =
                    connection.unwrap(dev.junction.driver.JunctionConnection.class);
            connection.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                junction.setCommitSyncMode("semi-sync");
                int id = insert(connection, "plain_rows");
                connection.commit();
                assertThat(replicaHas(0, "plain_rows", id))
                        .as("commit %d of 3", i + 1)
                        .isTrue();
            }
            connection.setAutoCommit(true);
            assertThat(primaryLevel(connection)).isEqualTo("off");
        } finally {
            cluster.primary().execute("alter system reset log_statement", "select pg_reload_conf()");
        }
        byte[] content = Files.readAllBytes(log);
        String logged = new String(content, (int) before, content.length - (int) before, StandardCharsets.UTF_8);
        assertThat(logged.split("set local synchronous_commit = local", -1))
                .as("the three commits raised, and nothing else")
                .hasSize(4);
    }

    /** The {@code synchronous_commit} of the connection's session on the primary, read in a transaction that wrote. */
    private static String primaryLevel(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "insert into plain_rows(id, note) values (" + IDS_FOR_NATIVE.incrementAndGet() + ", 'level')");
            try (ResultSet level = statement.executeQuery("select current_setting('synchronous_commit')")) {
                level.next();
                return level.getString(1);
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /**
     * {@code recovery_min_apply_delay}, which holds back the replay of commit records only, reloaded. The standby's
     * startup process takes the new value when it handles the reload signal, which on a loaded machine can come after
     * the next commit arrives: a delay is in force only once a probe commit the standby has received is not yet
     * replayed there, and the probes are repeated until one is.
     */
    @Override
    void delayApply(int index, int seconds) throws InterruptedException {
        standby(index)
                .execute(
                        seconds == 0
                                ? "alter system reset recovery_min_apply_delay"
                                : "alter system set recovery_min_apply_delay = '" + seconds + "s'",
                        "select pg_reload_conf()");
        if (seconds == 0) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - deadline < 0) {
            int probe = DELAY_PROBES.incrementAndGet();
            cluster.primary().execute("insert into delay_probes(id) values (" + probe + ")");
            String position = cluster.primary().queryString("select pg_current_wal_lsn()::text");
            while (!"t"
                    .equals(standby(index)
                            .queryString("select pg_last_wal_receive_lsn() >= '" + position + "'::pg_lsn"))) {
                Thread.sleep(1);
            }
            if ("0".equals(standby(index).queryString("select count(*) from delay_probes where id = " + probe))) {
                return; // received and held back: the delay acts
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("standby " + index + " did not take recovery_min_apply_delay within 10 s");
    }

    private static final java.util.concurrent.atomic.AtomicInteger DELAY_PROBES =
            new java.util.concurrent.atomic.AtomicInteger();

    @Override
    void stopApplying(int index) {
        standby(index).pauseReplay();
    }

    @Override
    void resumeApplying(int index) {
        standby(index).resumeReplay();
    }

    @Override
    boolean flushedEverything(int index) {
        String primary = cluster.primary().queryString("select pg_current_wal_lsn()::text");
        return "t".equals(standby(index).queryString("select pg_last_wal_receive_lsn() >= '" + primary + "'::pg_lsn"));
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
