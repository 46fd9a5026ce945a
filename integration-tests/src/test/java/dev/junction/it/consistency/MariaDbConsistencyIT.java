package dev.junction.it.consistency;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read consistency through Junction on MariaDB GTID replication while the replicas' SQL threads are
 * stopped and started at random (design §5). Every operation's result is checked; the reports are printed
 * for the issue note.
 */
class MariaDbConsistencyIT {
    private static MariaDbCluster cluster;
    private static ConsistencyChecker checker;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        checker = new ConsistencyChecker(new ReplicatedDatabase() {
            @Override
            public String junctionUrl() {
                return "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            }

            @Override
            public String user() {
                return MariaDbNode.APPLICATION_USER;
            }

            @Override
            public String password() {
                return MariaDbNode.APPLICATION_PASSWORD;
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connectAsApplicationUser();
            }

            @Override
            public String servingPortExpression() {
                return "@@port";
            }

            @Override
            public int primaryPort() {
                return cluster.primary().port();
            }

            @Override
            public List<LaggableReplica> replicas() {
                return cluster.replicas().stream().map(MariaDbConsistencyIT::laggable).toList();
            }
        });
    }

    private static ReplicatedDatabase.LaggableReplica laggable(MariaDbNode standby) {
        return new ReplicatedDatabase.LaggableReplica() {
            @Override
            public String name() {
                return standby.name();
            }

            @Override
            public void stopApplying() {
                standby.stopReplicaSqlThread();
            }

            @Override
            public void resumeApplying() {
                standby.startReplicaSqlThread();
            }
        };
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void freshTables() throws SQLException {
        checker.createSchema();
        cluster.awaitReplication();
    }

    @Test
    void sessionConsistencyNeverMissesOwnWritesNorGoesBackInTime() throws Exception {
        ConsistencyChecker.Report report = checker.sessionRun("readConsistency=session&maxReplicaLag=500ms", 4, 2500);
        System.out.println("MariaDB " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(10_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).as("some reads must reach replicas").isPositive();
    }

    @Test
    void globalConsistencySeesWritesOfOtherConnections() throws Exception {
        ConsistencyChecker.Report report = checker.globalRun("readConsistency=global&maxReplicaLag=500ms", 4, 1250);
        System.out.println("MariaDB " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(5_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }

    @Test
    void eventualConsistencyStaysWithinTheLagBudget() throws Exception {
        Duration budget = Duration.ofMillis(500);
        Duration probeInterval = Duration.ofMillis(100);
        ConsistencyChecker.Report report = checker.eventualRun("readConsistency=eventual&maxReplicaLag=500ms&monitorInterval=100ms",
                budget.plus(probeInterval), 4, 1250);
        System.out.println("MariaDB " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(5_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }
}
