package dev.junction.it.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.it.failover.LiveThreads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 on MariaDB: {@code kill -9} of a replica under load fails no operation. A primary and two replicas,
 * {@code readConsistency=eventual}, {@code replicaReadTimeout=2s} (see {@link ReplicaFailureIT} for what the tests
 * assume that property means), 8 workers of {@link MixedLoad} as the application account. Prints what the workers
 * saw and asserts no failed read or write, no operation longer than {@link ReplicaFailureIT#STALL_BOUND}, and every
 * acknowledged insert on the primary.
 */
class MariaDbReplicaFailureIT {
    private static final int THREADS = 8;
    private static final int ROWS = 1000;
    private static final int WRITE_EVERY = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static MariaDbCluster cluster;
    private static String url;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        cluster.primary().execute(MixedLoad.mariaDbFixture(ROWS).toArray(String[]::new));
        cluster.awaitReplication();
        // Runs on MariaDB Connector/J (its spelling of sslMode), so that its lost-connection errors are classified too.
        url = "jdbc:junction:mariadb://"
                + cluster.replicas().stream().map(MariaDbNode::address).collect(Collectors.joining(","))
                + "," + cluster.primary().address() + "/" + MariaDbNode.DATABASE
                + "?sslMode=disable"
                + "&readConsistency=eventual&replicaReadTimeout=" + ReplicaFailureIT.REPLICA_READ_TIMEOUT_TEXT;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledReplicaFailsNoOperation() throws Exception {
        MariaDbNode killed = cluster.replicas().get(0);
        Set<String> threadsBefore = LiveThreads.named("junction");
        MixedLoad load = new MixedLoad(
                () -> DriverManager.getConnection(url, MariaDbNode.APPLICATION_USER, MariaDbNode.APPLICATION_PASSWORD),
                MixedLoad.MARIADB_READ,
                THREADS,
                ROWS,
                WRITE_EVERY);
        load.start();
        MixedLoad.Report report;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (load.readsServedBy(killed.port()) < 50) {
                assertThat(System.nanoTime())
                        .as("the load sent no reads to " + killed + " within 10 s: nothing to test")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            killed.kill();
            // how long the load runs after the crash is the scenario, not a condition to await
            TimeUnit.SECONDS.sleep(6);
        } finally {
            report = load.stop(PATIENCE);
        }
        System.out.println("[MariaDbReplicaFailureIT] " + killed.name() + " killed (SIGKILL) under load: " + report);
        assertThat(report.reads()).as("reads done").isPositive();
        assertThat(report.failedReads())
                .as("failed reads (%s)", report.firstErrors())
                .isZero();
        assertThat(report.failedWrites())
                .as("failed writes (%s)", report.firstErrors())
                .isZero();
        assertThat(report.stuck())
                .as("operations still running " + PATIENCE.toSeconds() + " s after the load stopped")
                .isZero();
        assertThat(report.max())
                .as("longest operation (bound: 2 x replicaReadTimeout + 1 s)")
                .isLessThanOrEqualTo(ReplicaFailureIT.STALL_BOUND);
        assertThat(report.acknowledgedWrites()).as("acknowledged writes").isNotEmpty();
        Set<Long> present;
        try (Connection connection = cluster.primary().connect()) {
            present = MixedLoad.ids(connection);
        } catch (SQLException e) {
            throw new AssertionError("could not read the ledger on the primary", e);
        }
        assertThat(present).as("ledger ids on the primary").containsAll(report.acknowledgedWrites());
        // Nothing left behind: no Junction thread, no session of the application on the nodes still running.
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction");
        NoSessionLeft.on(
                "the primary", cluster.primary()::connect, NoSessionLeft.mariaDb(MariaDbNode.APPLICATION_USER));
        MariaDbNode other = cluster.replicas().get(1);
        NoSessionLeft.on(other.name(), other::connect, NoSessionLeft.mariaDb(MariaDbNode.APPLICATION_USER));
    }
}
