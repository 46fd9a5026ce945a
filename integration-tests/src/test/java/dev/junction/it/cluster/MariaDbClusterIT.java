package dev.junction.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.ServerProcess;
import dev.junction.cluster.ServerRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The MariaDB primary-replica test bed does what the rest of the project relies on: a replica that follows
 * by GTID and refuses an application's writes, lag on demand, semi-sync, and crashes that leave nothing
 * behind. One cluster for the class; the kill test runs last because it restarts the replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().start();
        System.out.println(cluster.binaries() + " primary+replica up in "
                + cluster.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            List<ServerProcess> processes =
                    cluster.nodes().stream().map(MariaDbNode::process).toList();
            cluster.close();
            assertThat(processes)
                    .allSatisfy(
                            p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
        }
    }

    @Test
    @Order(1)
    void startsOnePrimaryAndOneReplicatingReplica() {
        MariaDbNode replica = cluster.replicas().get(0);
        assertThat(cluster.primary().role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(replica.role()).isEqualTo(ServerRole.REPLICA);
        assertThat(replica.isReplicating()).isTrue();
        assertThat(replica.replicationStatus())
                .containsEntry("Master_Port", Integer.toString(cluster.primary().port()))
                .containsEntry("Using_Gtid", "Slave_Pos");
        assertThat(cluster.nodes())
                .extracting(MariaDbNode::port)
                .doesNotHaveDuplicates()
                .doesNotContain(3306);
        assertThat(cluster.hostList()).isEqualTo(cluster.primary().address() + "," + replica.address());
        assertThat(cluster.primary().gtidCurrentPos())
                .as("account setup is not binlogged")
                .isEmpty();
    }

    @Test
    @Order(2)
    void rowWrittenOnPrimaryAppearsOnReplica() {
        cluster.primary()
                .execute(
                        "CREATE TABLE seen (id INT PRIMARY KEY, note VARCHAR(40))",
                        "INSERT INTO seen VALUES (1, 'hello')");
        cluster.awaitReplication();
        assertThat(cluster.replicas().get(0).queryString("SELECT note FROM seen WHERE id = 1"))
                .isEqualTo("hello");
        assertThat(cluster.replicas().get(0).gtidCurrentPos())
                .isEqualTo(cluster.primary().gtidCurrentPos());
    }

    @Test
    @Order(3)
    void replicaRefusesWritesFromTheApplicationAccount() throws SQLException {
        MariaDbNode replica = cluster.replicas().get(0);
        assertThat(replica.queryString("SELECT @@read_only")).isEqualTo("1");
        try (Connection connection = replica.connectAsApplicationUser();
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO seen VALUES (2, 'refused')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("--read-only");
        }
        try (Connection connection = cluster.primary().connectAsApplicationUser();
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO seen VALUES (2, 'accepted')"))
                    .isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void stoppedSqlThreadMakesTheReplicaFallBehindUntilRestarted() throws InterruptedException {
        MariaDbNode primary = cluster.primary();
        MariaDbNode replica = cluster.replicas().get(0);
        primary.execute("CREATE TABLE lagging (id INT PRIMARY KEY)");
        cluster.awaitReplication();
        replica.stopReplicaSqlThread();
        try {
            primary.execute(
                    "INSERT INTO lagging WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n");
            String written = primary.gtidBinlogPos();
            awaitReceived(replica, written);
            assertThat(replica.gtidCurrentPos()).isNotEqualTo(written);
            assertThat(replica.queryString("SELECT COUNT(*) FROM lagging")).isEqualTo("0");
            assertThat(replica.isApplyingReplication()).isFalse();
        } finally {
            replica.startReplicaSqlThread();
        }
        replica.awaitGtid(primary.gtidBinlogPos(), TIMEOUT);
        assertThat(replica.queryString("SELECT COUNT(*) FROM lagging")).isEqualTo("1000");
        assertThat(replica.gtidCurrentPos()).isEqualTo(primary.gtidBinlogPos());
    }

    /** The IO thread keeps receiving while the SQL thread is stopped: what arrives is in Gtid_IO_Pos. */
    private static void awaitReceived(MariaDbNode replica, String gtidPos) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!gtidPos.equals(replica.replicationStatus().get("Gtid_IO_Pos"))) {
            assertThat(System.nanoTime()).as("%s received %s", replica, gtidPos).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    @Order(5)
    void semiSyncCanBeEnabledAndCountsTheReplica() {
        MariaDbNode primary = cluster.primary();
        cluster.enableSemiSync();
        try {
            primary.execute("INSERT INTO seen VALUES (3, 'semi-sync')");
            assertThat(primary.globalStatus("Rpl_semi_sync_master_status")).isEqualTo("ON");
            assertThat(primary.globalStatus("Rpl_semi_sync_master_clients")).isEqualTo("1");
            assertThat(Long.parseLong(primary.globalStatus("Rpl_semi_sync_master_yes_tx")))
                    .isPositive();
            assertThat(cluster.replicas().get(0).globalStatus("Rpl_semi_sync_slave_status"))
                    .isEqualTo("ON");
        } finally {
            cluster.disableSemiSync();
        }
        assertThat(primary.globalStatus("Rpl_semi_sync_master_status")).isEqualTo("OFF");
    }

    @Test
    @Order(6)
    void suspendedReplicaIsUnreachableButAliveUntilResumed() {
        MariaDbNode replica = cluster.replicas().get(0);
        replica.suspend();
        try {
            long asked = System.nanoTime();
            assertThat(replica.role()).isEqualTo(ServerRole.UNREACHABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - asked))
                    .as("time to give up on a hung node")
                    .isLessThan(TIMEOUT);
            assertThat(replica.isRunning()).isTrue();
        } finally {
            replica.resume();
        }
        assertThat(replica.role()).isEqualTo(ServerRole.REPLICA);
        assertThat(replica.isReplicating()).isTrue();
    }

    @Test
    @Order(7)
    void killedReplicaLeavesNoProcessAndCatchesUpAfterRestart() {
        MariaDbNode replica = cluster.replicas().get(0);
        long pid = replica.process().pid();

        replica.kill();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(replica.role()).isEqualTo(ServerRole.UNREACHABLE);

        cluster.primary().execute("INSERT INTO seen VALUES (4, 'while the replica was down')");
        replica.start();
        replica.awaitReplicating(TIMEOUT);
        cluster.awaitReplication();
        assertThat(replica.queryString("SELECT note FROM seen WHERE id = 4")).isEqualTo("while the replica was down");
        assertThat(replica.role()).isEqualTo(ServerRole.REPLICA);
    }

    @Test
    @Order(8)
    void closeStopsEveryServerOfALargerClusterAndDeletesItsDirectory() {
        MariaDbCluster three = MariaDbCluster.primaryReplica().replicas(2).start();
        System.out.println("primary+2 replicas up in " + three.startupTime().toMillis() + " ms");
        List<ServerProcess> processes =
                three.nodes().stream().map(MariaDbNode::process).toList();
        Path directory = three.directory();
        assertThat(three.replicas()).extracting(MariaDbNode::name).containsExactly("replica1", "replica2");
        assertThat(three.replicas())
                .allSatisfy(r -> assertThat(r.isReplicating()).isTrue());

        three.close();

        assertThat(processes)
                .allSatisfy(p -> assertThat(p.isAlive()).as("%s after close", p).isFalse());
        if (!"1".equals(System.getenv("JUNCTION_KEEP_CLUSTERS"))) {
            assertThat(Files.exists(directory)).isFalse();
        }
    }
}
