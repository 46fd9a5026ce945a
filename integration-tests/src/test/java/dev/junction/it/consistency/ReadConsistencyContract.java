package dev.junction.it.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read-consistency promises of design §5, checked the same way on every database: each subclass starts a
 * real replicated cluster and hands over a {@link ConsistencyChecker} for it. Every operation's result is
 * checked; the reports are printed for the issue note.
 */
abstract class ReadConsistencyContract {
    /** The checker over this class's cluster, started in the subclass's {@code @BeforeAll}. */
    abstract ConsistencyChecker checker();

    /** The database's name in printed reports. */
    abstract String databaseName();

    /** Waits until every replica has what the primary has, so that each test starts from caught-up replicas. */
    abstract void awaitReplication();

    @BeforeEach
    void freshTables() throws SQLException {
        checker().createSchema();
        awaitReplication();
    }

    @Test
    void sessionConsistencyNeverMissesOwnWritesNorGoesBackInTime() throws Exception {
        ConsistencyChecker.Report report = checker().sessionRun("readConsistency=session&maxReplicaLag=500ms", 4, 2500);
        System.out.println(databaseName() + " " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(10_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).as("some reads must reach replicas").isPositive();
    }

    @Test
    void globalConsistencySeesWritesOfOtherConnections() throws Exception {
        ConsistencyChecker.Report report = checker().globalRun("readConsistency=global&maxReplicaLag=500ms", 4, 1250);
        System.out.println(databaseName() + " " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(5_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }

    @Test
    void sessionConsistencyHoldsForTransactionsNobodyDeclaredReadOnly() throws Exception {
        ConsistencyChecker.Report report = checker()
                .sessionRun("readConsistency=session&maxReplicaLag=500ms&transactionRouting=optimistic", 4, 1000, true);
        System.out.println(databaseName() + " " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(4_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads())
                .as("transactions that only read reach replicas")
                .isPositive();
    }

    @Test
    void globalConsistencyHoldsForTransactionsNobodyDeclaredReadOnly() throws Exception {
        ConsistencyChecker.Report report = checker()
                .globalRun("readConsistency=global&maxReplicaLag=500ms&transactionRouting=optimistic", 4, 1000, true);
        System.out.println(databaseName() + " " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(4_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }

    @Test
    void aReadRightAfterAWriteOnAnotherPooledConnectionSeesItWhileNoReplicaCanHaveIt() throws Exception {
        ConsistencyChecker.Report report =
                checker().pooledRunWithReplicasStopped("readConsistency=global&maxReplicaLag=5s", 500);
        System.out.println(databaseName() + " " + report);
        assertThat(report.reads()).isEqualTo(500);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads())
                .as("no replica applied the writes: the primary served every read")
                .isZero();
    }

    @Test
    void aCommitHoldsBackReadsOfTheTablesItWroteOnlyWhenTheCatalogSaysTheyStandAlone() throws Exception {
        ConsistencyChecker.TableAwareResult result =
                checker().tableAwareRun("readConsistency=global&maxReplicaLag=30s");
        System.out.println(databaseName() + " table-aware, replicas stopped: " + result);
        assertThat(result.cold().onReplica())
                .as("no commit touched aware_cold: a replica serves it")
                .isTrue();
        assertThat(result.cold().rows()).isEqualTo(1);
        assertThat(result.hot().onReplica())
                .as("no replica has the commit to aware_hot")
                .isFalse();
        assertThat(result.hot().rows()).as("the read sees the write").isEqualTo(result.hotRowsWritten());
    }

    @Test
    void eventualConsistencyStaysWithinTheLagBudget() throws Exception {
        Duration budget = Duration.ofMillis(500);
        Duration probeInterval = Duration.ofMillis(100);
        ConsistencyChecker.Report report = checker()
                .eventualRun(
                        "readConsistency=eventual&maxReplicaLag=500ms&monitorInterval=100ms",
                        budget.plus(probeInterval),
                        4,
                        1250);
        System.out.println(databaseName() + " " + report);
        assertThat(report.operations()).isGreaterThanOrEqualTo(5_000);
        assertThat(report.violations()).as(report.toString()).isZero();
        assertThat(report.replicaReads()).isPositive();
    }
}
