package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code commitOutcome=track} on PostgreSQL 15, both answers made certain rather than left to timing: a commit is
 * held in the server's wait for its synchronous standby (the standby stopped), and its connection is then lost in two
 * ways. Terminated by the server (the transaction IS committed locally): Junction finds its id on the primary and
 * {@code commit()} returns normally. Lost with the whole primary, the standby that never received it promoted: Junction
 * finds no id there, blocks it, and answers {@code 40000}; the row is not on the new primary. Without tracking the same
 * loss is {@code 08007}.
 */
class PostgresCommitOutcomeIT {
    private static final String PARAMETERS = "?commitOutcome=track&failoverTimeout=30s";

    @Test
    void aCommitTheServerCompletedIsAnsweredCommittedAndOneThePromotedNodeNeverGotIsAnsweredRolledBack()
            throws Exception {
        Set<String> threadsBefore = LiveThreads.named("junction");
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            PostgresNode primary = cluster.primary();
            PostgresNode standby = cluster.standbys().get(0);
            primary.execute("create table outcome_rows (id int primary key)");
            String url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";

            try (Connection junction = DriverManager.getConnection(url + PARAMETERS, credentials());
                    Connection untracked = DriverManager.getConnection(url + "?failoverTimeout=30s", credentials())) {
                assertThat(rows(primary, "select count(*) from junction_commit_outcomes"))
                        .as("the table is created at connect")
                        .isZero();
                cluster.awaitReplication();
                cluster.setSynchronousStandbyNames("*");
                standby.stop(); // every commit now waits for a standby that is not there

                // 1. Committed locally, connection terminated during the wait: the answer is "committed".
                CompletableFuture<Void> committed = commitInBackground(junction, 1);
                terminateBackendWaitingForSyncRep(primary);
                committed.get(40, TimeUnit.SECONDS);
                assertThat(rows(primary, "select count(*) from outcome_rows where id = 1"))
                        .isEqualTo(1);

                // The same loss without tracking: outcome unknown.
                CompletableFuture<Void> unknown = commitInBackground(untracked, 2);
                terminateBackendWaitingForSyncRep(primary);
                assertThatThrownBy(() -> await(unknown))
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("08007"));

                // 2. The primary lost with the commit in its wait; the standby, which never received it, promoted.
                CompletableFuture<Void> lost = commitInBackground(junction, 3);
                awaitBackendWaitingForSyncRep(primary);
                primary.crash();
                standby.start();
                standby.promote();
                assertThatThrownBy(() -> await(lost)).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("40000");
                    assertThat(e.getMessage()).contains("NOT committed", standby.address(), "safe to retry");
                });
                assertThat(rows(standby, "select count(*) from outcome_rows where id = 3"))
                        .as("the transaction answered rolled back is not on the new primary")
                        .isZero();
                assertThat(rows(standby, "select count(*) from junction_commit_outcomes"))
                        .as("the id that blocks it is there")
                        .isEqualTo(1);

                // The logical connection goes on, on the new primary.
                junction.setAutoCommit(true);
                try (Statement statement = junction.createStatement()) {
                    statement.executeUpdate("insert into outcome_rows values (4)");
                }
                assertThat(rows(standby, "select count(*) from outcome_rows where id = 4"))
                        .isEqualTo(1);
            }
        }
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction");
    }

    private static CompletableFuture<Void> commitInBackground(Connection connection, int id) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("insert into outcome_rows values (?)")) {
            insert.setInt(1, id);
            insert.executeUpdate();
        }
        Supplier<Void> commit = () -> {
            try {
                connection.commit();
                return null;
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        };
        return CompletableFuture.supplyAsync(commit);
    }

    private static void await(CompletableFuture<Void> commit) throws Exception {
        try {
            commit.get(40, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static int awaitBackendWaitingForSyncRep(PostgresNode primary) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            int pid = rows(primary, "select coalesce(max(pid), 0) from pg_stat_activity where wait_event = 'SyncRep'");
            if (pid != 0) {
                return pid;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no commit waited for the synchronous standby within 10 s");
    }

    private static void terminateBackendWaitingForSyncRep(PostgresNode primary) throws Exception {
        int pid = awaitBackendWaitingForSyncRep(primary);
        try (Connection raw = primary.connect();
                Statement statement = raw.createStatement()) {
            statement.execute("select pg_terminate_backend(" + pid + ")");
        }
    }

    private static int rows(PostgresNode node, String sql) throws SQLException {
        try (Connection raw = node.connect();
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }
}
