package dev.junction.it.consistency;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
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
 * Read consistency through Junction on PostgreSQL streaming replication while replay on the standbys is
 * paused and resumed at random (design §5). Every operation's result is checked; the reports are printed
 * for the issue note.
 */
class PostgresConsistencyIT {
    private static PostgresCluster cluster;
    private static ConsistencyChecker checker;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        // inet_server_port() is node-specific, so the router sends it to the primary; a STABLE wrapper that the
        // catalog lookup finds read-only may run on a standby and then names it (as PostgresRoutingIT does).
        cluster.primary().execute("create function server_port() returns int language sql stable as 'select inet_server_port()'");
        checker = new ConsistencyChecker(new ReplicatedDatabase() {
            @Override
            public String junctionUrl() {
                return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
            }

            @Override
            public String user() {
                return "postgres";
            }

            @Override
            public String password() {
                return "";
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connect();
            }

            @Override
            public String servingPortExpression() {
                return "server_port()";
            }

            @Override
            public int primaryPort() {
                return cluster.primary().port();
            }

            @Override
            public List<LaggableReplica> replicas() {
                return cluster.standbys().stream().map(PostgresConsistencyIT::laggable).toList();
            }
        });
    }

    private static ReplicatedDatabase.LaggableReplica laggable(PostgresNode standby) {
        return new ReplicatedDatabase.LaggableReplica() {
            @Override
            public String name() {
                return standby.name();
            }

            @Override
            public void stopApplying() {
                standby.pauseReplay();
            }

            @Override
            public void resumeApplying() {
                standby.resumeReplay();
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
        System.out.println("PostgreSQL " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(10_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).as("some reads must reach replicas").isPositive();
    }

    @Test
    void globalConsistencySeesWritesOfOtherConnections() throws Exception {
        ConsistencyChecker.Report report = checker.globalRun("readConsistency=global&maxReplicaLag=500ms", 4, 1250);
        System.out.println("PostgreSQL " + report);
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
        System.out.println("PostgreSQL " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(5_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }
}
