package dev.junction.it.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionConnection;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Write sync modes (design §6) on a real primary with two replicas, the same for PostgreSQL and MariaDB. Replica 1 is
 * made slow (an apply delay of {@link #DELAY_SECONDS} s: it receives at once and applies late) or stopped applying;
 * replica 0 keeps up. Every check reads each replica directly, the moment the commit returns, with no waiting: what
 * the replicas hold then is what the mode promised.
 */
abstract class SyncModesContract {
    static final int DELAY_SECONDS = 2;
    private static final AtomicInteger IDS = new AtomicInteger();

    /** The Junction URL with {@code parameters} ({@code ?a=b&c=d} or empty). */
    abstract String url(String parameters);

    abstract Properties credentials();

    abstract Connection rawPrimary() throws SQLException;

    abstract Connection rawReplica(int index) throws SQLException;

    /** Replica {@code index} applies every commit {@code seconds} after it received it; 0 turns the delay off. */
    abstract void delayApply(int index, int seconds) throws Exception;

    abstract void stopApplying(int index) throws Exception;

    abstract void resumeApplying(int index) throws Exception;

    /** Whether replica {@code index} has received and flushed everything the primary has committed. */
    abstract boolean flushedEverything(int index) throws SQLException;

    /** Waits until both replicas have applied everything. */
    abstract void awaitReplication();

    @AfterEach
    void everyReplicaKeepsUpAgain() throws Exception {
        for (int i = 0; i < 2; i++) {
            delayApply(i, 0);
            resumeApplying(i);
        }
        awaitReplication();
    }

    Connection connect(String parameters) throws SQLException {
        return DriverManager.getConnection(url(parameters), credentials());
    }

    static void createTables(Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("create table plain_rows(id int primary key, note varchar(40))");
            statement.execute("create table critical_rows(id int primary key, note varchar(40))");
        }
    }

    /** Inserts a new row into {@code table} in auto-commit and returns its id. */
    static int insert(Connection connection, String table) throws SQLException {
        int id = IDS.incrementAndGet();
        try (PreparedStatement insert =
                connection.prepareStatement("insert into " + table + "(id, note) values (?, 'sync')")) {
            insert.setInt(1, id);
            insert.executeUpdate();
        }
        return id;
    }

    boolean replicaHas(int index, String table, int id) throws SQLException {
        return has(rawReplica(index), table, id);
    }

    boolean primaryHas(String table, int id) throws SQLException {
        return has(rawPrimary(), table, id);
    }

    /** Whether the server on {@code connection}, closed afterwards, has row {@code id} of {@code table} now. */
    private static boolean has(Connection connection, String table, int id) throws SQLException {
        try (connection;
                PreparedStatement query =
                        connection.prepareStatement("select count(*) from " + table + " where id = ?")) {
            query.setInt(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1) == 1;
            }
        }
    }

    int holders(String table, int id) throws SQLException {
        return (replicaHas(0, table, id) ? 1 : 0) + (replicaHas(1, table, id) ? 1 : 0);
    }

    @Test
    void asyncAcknowledgesBeforeTheSlowReplicaHasTheRow() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("")) {
            int id = insert(connection, "plain_rows");
            assertThat(replicaHas(1, "plain_rows", id))
                    .as("async waits for nobody: the slow replica applies the row seconds later")
                    .isFalse();
        }
    }

    /** {@code majority} of the URL's three nodes is the primary and one replica: the same count as {@code semi-sync}. */
    @Test
    void semiSyncAndAMajorityOfThreeNodesAreConfirmedByTheReplicaThatKeepsUp() throws Exception {
        delayApply(1, DELAY_SECONDS);
        for (String mode : new String[] {"semi-sync", "majority"}) {
            try (Connection connection = connect("?syncMode=" + mode)) {
                int id = insert(connection, "plain_rows");
                assertThat(replicaHas(0, "plain_rows", id)).as(mode).isTrue();
                assertThat(replicaHas(1, "plain_rows", id))
                        .as(mode + ": one replica is enough, the slow one was not waited for")
                        .isFalse();
            }
        }
    }

    @Test
    void syncAndQuorumOfTwoWaitForTheSlowReplicaToo() throws Exception {
        delayApply(1, DELAY_SECONDS);
        for (String mode : new String[] {"sync", "quorum:2"}) {
            try (Connection connection = connect("?syncMode=" + mode)) {
                int id = insert(connection, "plain_rows");
                assertThat(holders("plain_rows", id)).as(mode).isEqualTo(2);
            }
        }
    }

    @Test
    void aTransactionCommitWaitsAsAnAutoCommitWriteDoes() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("?syncMode=sync")) {
            connection.setAutoCommit(false);
            int first = insert(connection, "plain_rows");
            int second = insert(connection, "critical_rows");
            connection.commit();
            assertThat(holders("plain_rows", first)).isEqualTo(2);
            assertThat(holders("critical_rows", second)).isEqualTo(2);
        }
    }

    /**
     * The wait asks where the commit is on the very connection it returned on, where it can: that question must leave
     * the application's session as it was, with no transaction or snapshot of its own ({@code
     * CommittingSessionTest} checks that its network timeout and auto-commit are put back).
     */
    @Test
    void theWaitLeavesTheApplicationsSessionAsItFoundIt() throws Exception {
        try (Connection connection = connect("?syncMode=sync&readConsistency=strong")) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            int mine = insert(connection, "plain_rows");
            connection.commit();
            assertThat(holders("plain_rows", mine)).isEqualTo(2);
            int later;
            try (Connection other = rawPrimary()) {
                later = insert(other, "plain_rows");
            }
            try (PreparedStatement query =
                    connection.prepareStatement("select count(*) from plain_rows where id = ?")) {
                query.setInt(1, later);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    assertThat(row.getInt(1))
                            .as("the next transaction's snapshot is its own, taken after the row was committed")
                            .isEqualTo(1);
                }
            }
            connection.commit();
        }
    }

    @Test
    void flushAcknowledgesWhatTheSlowReplicaReceivedBeforeItAppliesIt() throws Exception {
        stopApplying(1);
        try (Connection connection = connect("?syncMode=sync&syncAck=flush")) {
            int id = insert(connection, "plain_rows");
            assertThat(flushedEverything(1)).as("received and flushed").isTrue();
            assertThat(flushedEverything(0)).isTrue();
            assertThat(replicaHas(1, "plain_rows", id))
                    .as("not applied: the replica stopped applying")
                    .isFalse();
        }
    }

    @Test
    void syncTimesOutWithTheCommittedButNotReplicatedErrorAndTheRowIsOnThePrimary() throws Exception {
        stopApplying(1);
        try (Connection connection = connect("?syncMode=sync&syncTimeout=500ms")) {
            int id = IDS.incrementAndGet();
            assertThatThrownBy(() -> {
                        try (Statement statement = connection.createStatement()) {
                            statement.executeUpdate("insert into plain_rows(id, note) values (" + id + ", 'x')");
                        }
                    })
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("01J01");
                        assertThat(e.getErrorCode()).isEqualTo(91050);
                        assertThat(e.getMessage())
                                .contains("IS committed", "only 1 of the 2 replicas", "syncTimeout=500ms");
                    });
            assertThat(primaryHas("plain_rows", id)).isTrue();
            assertThat(replicaHas(0, "plain_rows", id)).isTrue();
            assertThat(connection.isValid(2)).as("the connection goes on").isTrue();
        }
        assertNoReplicaQuestionOutlivesTheDeadline();
    }

    /** Within a second past the deadline, no thread is still asking a replica (the question's network timeout). */
    private static void assertNoReplicaQuestionOutlivesTheDeadline() throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (asking() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(asking()).as("threads still asking a replica").isZero();
    }

    private static long asking() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("junction-sync-"))
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(frame -> frame.getMethodName().equals("confirm")))
                .count();
    }

    @Test
    void degradeAddsAWarningAndCountsIt() throws Exception {
        stopApplying(1);
        long before = degradations();
        try (Connection connection = connect("?syncMode=sync&syncTimeout=300ms&syncTimeoutAction=degrade")) {
            int id = insert(connection, "plain_rows");
            SQLWarning warning = connection.getWarnings();
            assertThat((Throwable) warning).isNotNull();
            assertThat(warning.getSQLState()).isEqualTo("01J01");
            assertThat(warning.getMessage()).contains("IS committed");
            assertThat(primaryHas("plain_rows", id)).isTrue();
            assertThat(degradations()).isEqualTo(before + 1);
            connection.clearWarnings();
            assertThat((Throwable) connection.getWarnings()).isNull();
        }
    }

    /**
     * Degraded mode: once a commit has waited {@code syncTimeout} in vain, the next ones do not wait it out again (each
     * still warned of, with its own code), until the replica applies again and a commit is confirmed; from then on
     * commits wait for it as before. The first commit may already find the rule degraded by another test's.
     */
    @Test
    void degradeStopsWaitingOutTheTimeoutUntilACommitIsConfirmedAgain() throws Exception {
        stopApplying(1);
        try (Connection connection = connect("?syncMode=sync&syncTimeout=3s&syncTimeoutAction=degrade")) {
            insert(connection, "plain_rows");
            assertThat(connection.getWarnings().getErrorCode()).isIn(91050, 91057);
            connection.clearWarnings();
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                insert(connection, "plain_rows");
                SQLWarning warning = connection.getWarnings();
                assertThat(warning.getErrorCode())
                        .as("commit %d of 3 while degraded", i + 1)
                        .isEqualTo(91057);
                assertThat(warning.getMessage()).contains("IS committed", "degraded mode", "syncTimeout=3s");
                connection.clearWarnings();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("three degraded commits, none waiting out syncTimeout")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(degradedModes()).as("in the metrics").contains("sync/apply");
            resumeApplying(1);
            boolean confirmed = false;
            for (int i = 0; i < 100 && !confirmed; i++) {
                insert(connection, "plain_rows");
                confirmed = connection.getWarnings() == null;
                connection.clearWarnings();
            }
            assertThat(confirmed)
                    .as("a commit confirmed once the replica applies again")
                    .isTrue();
            int id = insert(connection, "plain_rows");
            assertThat((Throwable) connection.getWarnings()).isNull();
            assertThat(replicaHas(1, "plain_rows", id))
                    .as("sync waits for the replica again")
                    .isTrue();
            assertThat(degradedModes()).doesNotContain("sync/apply");
        }
    }

    /** Every Junction cluster MBean's {@code DegradedSyncModes}, together. */
    private static java.util.List<String> degradedModes() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        java.util.List<String> modes = new java.util.ArrayList<>();
        for (ObjectName name : server.queryNames(new ObjectName("dev.junction:type=Cluster,*"), null)) {
            modes.addAll(java.util.List.of((String[]) server.getAttribute(name, "DegradedSyncModes")));
        }
        return modes;
    }

    /** The sum of every Junction cluster MBean's {@code SyncDegradations}. */
    private static long degradations() throws Exception {
        return sumOfClusters("SyncDegradations");
    }

    /** The sum of attribute {@code attribute} over every Junction cluster MBean. */
    static long sumOfClusters(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long sum = 0;
        for (ObjectName name : server.queryNames(new ObjectName("dev.junction:type=Cluster,*"), null)) {
            sum += (Long) server.getAttribute(name, attribute);
        }
        return sum;
    }

    @Test
    void semiSyncStillAcknowledgesWithOneReplicaStoppedApplying() throws Exception {
        stopApplying(1);
        try (Connection connection = connect("?syncMode=semi-sync&syncTimeout=2s")) {
            int id = insert(connection, "plain_rows");
            assertThat(replicaHas(0, "plain_rows", id)).isTrue();
        }
    }

    @Test
    void aTableWithItsOwnModeWaitsAndOthersDoNot() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("?syncTables=critical_rows:sync")) {
            int plain = insert(connection, "plain_rows");
            assertThat(replicaHas(1, "plain_rows", plain)).as("async table").isFalse();
            int critical = insert(connection, "critical_rows");
            assertThat(holders("critical_rows", critical)).as("sync table").isEqualTo(2);

            connection.setAutoCommit(false); // a transaction that wrote both takes the stronger mode
            int plainInBoth = insert(connection, "plain_rows");
            int criticalInBoth = insert(connection, "critical_rows");
            connection.commit();
            assertThat(holders("plain_rows", plainInBoth)).isEqualTo(2);
            assertThat(holders("critical_rows", criticalInBoth)).isEqualTo(2);
        }
    }

    @Test
    void aTransactionChoosesItsOwnModeForItsCommitOnly() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("")) {
            connection.setAutoCommit(false);
            connection.unwrap(JunctionConnection.class).setCommitSyncMode("sync");
            int chosen = insert(connection, "plain_rows");
            connection.commit();
            assertThat(holders("plain_rows", chosen)).isEqualTo(2);

            int next = insert(connection, "plain_rows");
            connection.commit();
            assertThat(replicaHas(1, "plain_rows", next))
                    .as("the next transaction is async again")
                    .isFalse();

            assertThatThrownBy(() -> connection.unwrap(JunctionConnection.class).setCommitSyncMode("quorum:0"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
        }
    }

    @Test
    void aSyncModeHintMakesItsWritesCommitWaitAndABadOneIsRefusedBeforeItRuns() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("")) {
            int hinted = IDS.incrementAndGet();
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("/* junction:syncMode=sync */ insert into plain_rows(id, note) values ("
                        + hinted + ", 'hint')");
            }
            assertThat(holders("plain_rows", hinted)).isEqualTo(2);
            int plain = insert(connection, "plain_rows");
            assertThat(replicaHas(1, "plain_rows", plain))
                    .as("the hint held for its own commit")
                    .isFalse();

            int refused = IDS.incrementAndGet();
            assertThatThrownBy(() -> connection.prepareStatement(
                            "/* junction:syncMode=quorum:0 */ insert into plain_rows(id, note) values (" + refused
                                    + ", 'bad')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("22023");
                        assertThat(e.getMessage()).contains("quorum:0", "syncMode (hint)");
                    });
            assertThat(primaryHas("plain_rows", refused)).isFalse();
        }
    }

    @Test
    void aRolledBackTransactionsChoiceDoesNotCarryOver() throws Exception {
        delayApply(1, DELAY_SECONDS);
        try (Connection connection = connect("")) {
            connection.setAutoCommit(false);
            connection.unwrap(JunctionConnection.class).setCommitSyncMode("sync");
            insert(connection, "plain_rows");
            connection.rollback();
            int next = insert(connection, "plain_rows");
            connection.commit();
            assertThat(replicaHas(1, "plain_rows", next)).isFalse();
        }
    }

    @Test
    void aQuorumLargerThanTheReplicasInTheUrlIsRefusedAtConnect() {
        for (Map.Entry<String, String> bad : Map.of(
                        "?syncMode=quorum:3",
                        "quorum:3",
                        "?syncTables=critical_rows:quorum:5",
                        "critical_rows:quorum:5")
                .entrySet()) {
            assertThatThrownBy(() -> connect(bad.getKey()).close()).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("22023");
                assertThat(e.getMessage()).contains(bad.getValue(), "at most 2 replicas", "names 3 nodes");
            });
        }
    }
}
