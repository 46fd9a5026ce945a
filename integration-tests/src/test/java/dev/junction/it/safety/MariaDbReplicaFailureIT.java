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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11 on MariaDB: a replica frozen (SIGSTOP) or killed ({@code kill -9}) under load fails no operation. A primary
 * and two replicas, {@code readConsistency=eventual}, {@code replicaReadTimeout=2s} (see {@link ReplicaFailureIT} for
 * what the tests assume that property means), 8 workers of {@link MixedLoad} as the application account. Prints what
 * the workers saw and asserts no failed read or write, no operation longer than {@link ReplicaFailureIT#STALL_BOUND},
 * every acknowledged insert on the primary, and nothing left behind (threads, sessions on the nodes).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

    /**
     * SIGSTOP of a replica for 10 s under load: no operation waits on it longer than the bound, none fails, nothing is
     * left behind. Runs first: the replica killed by the other test is not started again.
     */
    @Test
    @Order(1)
    void aFrozenReplicaDelaysNoOperationBeyondTheBound() throws Exception {
        MariaDbNode frozen = cluster.replicas().get(1);
        failUnderLoad(frozen, "SIGSTOPped for 10 s", () -> {
            frozen.suspend();
            try {
                TimeUnit.SECONDS.sleep(10);
            } finally {
                frozen.resume();
            }
            TimeUnit.SECONDS.sleep(2);
        });
    }

    @Test
    @Order(2)
    void aKilledReplicaFailsNoOperation() throws Exception {
        MariaDbNode killed = cluster.replicas().get(0);
        failUnderLoad(killed, "killed (SIGKILL)", () -> {
            killed.kill();
            // how long the load runs after the crash is the scenario, not a condition to await
            TimeUnit.SECONDS.sleep(6);
        });
    }

    @FunctionalInterface
    private interface Failure {
        void happen() throws Exception;
    }

    private void failUnderLoad(MariaDbNode failed, String how, Failure failure) throws Exception {
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
            while (load.readsServedBy(failed.port()) < 50) {
                assertThat(System.nanoTime())
                        .as("the load sent no reads to " + failed + " within 10 s: nothing to test")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            failure.happen();
        } finally {
            report = load.stop(PATIENCE);
        }
        System.out.println("[MariaDbReplicaFailureIT] " + failed.name() + " " + how + " under load: " + report);
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
        for (MariaDbNode node : cluster.nodes()) {
            if (node.isRunning()) {
                NoSessionLeft.on(node.name(), node::connect, NoSessionLeft.mariaDb(MariaDbNode.APPLICATION_USER));
            }
        }
    }
}
