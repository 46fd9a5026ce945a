package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionProperties;
import dev.junction.driver.SyncMode;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a connection does with a commit's sync requirement and the wait's outcome; the wait itself is faked. */
class CommitSyncTest {
    private final Node primary = new Node(new HostAndPort("h1", 5432), ProbedRole.PRIMARY);
    private final ClusterMetrics metrics = new ClusterTopology(
                    "jdbc:junction:postgresql://h1:5432,h2:5433,h3:5434/app",
                    BackendDialect.POSTGRESQL,
                    List.of(new HostAndPort("h1", 5432), new HostAndPort("h2", 5433), new HostAndPort("h3", 5434)))
            .metrics();
    /** What the fake wait was asked, and how many replicas it says confirmed. */
    private final List<SyncRequirement> asked = new ArrayList<>();

    private int confirming = 2;

    /** A connection's commit sync for a three-node URL with {@code properties}, its waits from {@code waits}. */
    private CommitSync connection(
            Map<String, String> properties, java.util.function.Supplier<ReplicaWaits> waits, boolean mySqlFamily)
            throws SQLException {
        return new CommitSync(
                SyncPolicy.of(JunctionProperties.parse(properties), 3),
                waits,
                metrics,
                false,
                () -> false,
                mySqlFamily);
    }

    private CommitSync sync(Map<String, String> properties) throws SQLException {
        return sync(properties, 3);
    }

    /** @param nodes the nodes the URL names */
    private CommitSync sync(Map<String, String> properties, int nodes) throws SQLException {
        ReplicaWaits fake = (requirement, ack, node, timeout, primaryReports, committing) -> {
            asked.add(requirement);
            return new ReplicaWaits.Outcome(confirming, requirement.required(2), 2, 1_000_000, false);
        };
        return new CommitSync(
                SyncPolicy.of(JunctionProperties.parse(properties), nodes),
                () -> fake,
                metrics,
                false,
                () -> false,
                false);
    }

    @Test
    void anAsyncCommitWaitsForNothing() throws SQLException {
        CommitSync sync = sync(Map.of());
        sync.committed(primary, Set.of("t"));
        assertThat(sync.pending()).isFalse();
        sync.acknowledge();
        assertThat(asked).isEmpty();
    }

    @Test
    void aCommitMetInTimeReturnsAndIsCounted() throws SQLException {
        CommitSync sync = sync(Map.of("syncMode", "sync"));
        sync.committed(primary, Set.of("t"));
        assertThat(sync.pending()).isTrue();
        sync.acknowledge();
        assertThat(asked).containsExactly(SyncRequirement.of(SyncMode.SYNC, 3));
        assertThat(sync.pending()).isFalse();
        assertThat(metrics.syncWaits("sync")).isEqualTo(1);
        assertThat(metrics.syncWaitNanos("sync")).isEqualTo(1_000_000);
        assertThat(metrics.syncTimeouts("sync")).isZero();
    }

    @Test
    void aShortfallFailsSayingTheTransactionIsCommitted() throws SQLException {
        CommitSync sync = sync(Map.of("syncMode", "quorum:2", "syncTimeout", "250ms"));
        confirming = 1;
        sync.committed(primary, Set.of("t"));
        assertThatThrownBy(sync::acknowledge).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("01J01");
            assertThat(e.getErrorCode()).isEqualTo(91050);
            assertThat(e.getMessage())
                    .contains("IS committed on h1:5432", "only 1 of the 2 replicas", "quorum:2", "syncTimeout=250ms");
        });
        assertThat(metrics.syncTimeouts("quorum")).isEqualTo(1);
        assertThat(sync.pending()).as("reported once").isFalse();
    }

    @Test
    void aMajorityIsCountedOfTheUrlsNodesAndNamedAsWritten() throws SQLException {
        CommitSync fiveNodes = sync(Map.of("syncMode", "majority", "syncTimeout", "250ms"), 5);
        confirming = 1;
        fiveNodes.committed(primary, Set.of("t"));
        assertThatThrownBy(fiveNodes::acknowledge).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("01J01");
            assertThat(e.getMessage()).contains("only 1 of the 2 replicas", "syncMode majority");
        });
        assertThat(asked).containsExactly(new SyncRequirement(2, false));
        assertThat(metrics.syncTimeouts("majority"))
                .as("counted under the mode as written")
                .isEqualTo(1);
        assertThat(metrics.syncTimeouts("quorum")).isZero();

        CommitSync threeNodes = sync(Map.of(), 3);
        threeNodes.chooseForNextCommit("majority");
        threeNodes.committed(primary, Set.of("t"));
        threeNodes.acknowledge();
        assertThat(asked).containsExactly(new SyncRequirement(2, false), new SyncRequirement(1, false));
        assertThat(metrics.syncWaits("majority")).isEqualTo(2);
    }

    @Test
    void degradeTurnsTheShortfallIntoAWarningAndCountsIt() throws SQLException {
        CommitSync sync = sync(Map.of("syncMode", "sync", "syncTimeoutAction", "degrade"));
        confirming = 0;
        sync.committed(primary, Set.of("t"));
        sync.acknowledge();
        sync.committed(primary, Set.of("t"));
        sync.acknowledge();
        SQLWarning warnings = sync.warnings();
        assertThat(warnings.getSQLState()).isEqualTo("01J01");
        assertThat(warnings.getNextWarning().getMessage()).contains("IS committed");
        assertThat((Throwable) warnings.getNextWarning().getNextWarning()).isNull();
        assertThat(metrics.syncDegradations()).isEqualTo(2);
        sync.clearWarnings();
        assertThat((Throwable) sync.warnings()).isNull();
    }

    @Test
    void theTransactionsChoiceAddsToTheDataSourcesModeForOneCommit() throws SQLException {
        CommitSync sync = sync(Map.of("syncMode", "semi-sync"));
        sync.chooseForNextCommit(SyncMode.quorum(2));
        sync.committed(primary, Set.of("t"));
        sync.acknowledge();
        sync.committed(primary, Set.of("t"));
        sync.acknowledge();
        assertThat(asked)
                .containsExactly(SyncRequirement.of(SyncMode.quorum(2), 3), SyncRequirement.of(SyncMode.SEMI_SYNC, 3));
    }

    @Test
    void aRollbackForgetsTheTransactionsChoice() throws SQLException {
        CommitSync sync = sync(Map.of());
        sync.chooseForNextCommit(SyncMode.SYNC);
        sync.abandoned();
        sync.committed(primary, Set.of("t"));
        assertThat(sync.pending()).isFalse();
    }

    @Test
    void anInterruptedWaitIsAShortfallAndKeepsTheInterrupt() throws SQLException {
        ReplicaWaits interrupted = (requirement, ack, node, timeout, primaryReports, committing) -> {
            throw new InterruptedException();
        };
        CommitSync sync = connection(Map.of("syncMode", "sync"), () -> interrupted, false);
        sync.committed(primary, Set.of("t"));
        try {
            assertThatThrownBy(sync::acknowledge).hasMessageContaining("IS committed");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /** A server whose synchronous replication covers up to {@code quorum} standbys, for {@link CommitSync#levelForCommit}. */
    private static ReplicaWaits serverCovering(int quorum, List<Boolean> reportedAsked) {
        return new ReplicaWaits() {
            @Override
            public Outcome await(
                    SyncRequirement requirement,
                    dev.junction.driver.SyncAck ack,
                    Node node,
                    java.time.Duration timeout,
                    boolean primaryReports,
                    CommittingSession committing) {
                reportedAsked.add(primaryReports);
                return new Outcome(2, requirement.required(2), 2, 1_000, primaryReports);
            }

            @Override
            public boolean serverCovers(SyncRequirement requirement, Node node) {
                return requirement.required(2) <= quorum;
            }
        };
    }

    @Test
    void aTransactionsOwnModeCommitsAtTheServersLevelWhereTheServerCoversIt() throws SQLException {
        List<Boolean> reported = new ArrayList<>();
        CommitSync sync = connection(Map.of("syncTables", "orders:sync"), () -> serverCovering(1, reported), false);
        assertThat(sync.levelForCommit(Set.of("logs"), primary))
                .as("an async table: nothing to wait for")
                .isNull();
        assertThat(sync.levelForCommit(Set.of("orders"), primary))
                .as("sync needs both standbys; the server waits for one")
                .isNull();
        sync.chooseForNextCommit(SyncMode.SEMI_SYNC);
        assertThat(sync.mayWaitOnCommit()).isTrue();
        assertThat(sync.levelForCommit(Set.of("logs"), primary))
                .isEqualTo("set local synchronous_commit = remote_apply");

        sync.committingAtLevel();
        sync.committed(primary, Set.of("logs"));
        sync.acknowledge(null, true, false);
        assertThat(reported).as("the server's word counts for that commit").containsExactly(true);
        sync.committed(primary, Set.of("orders"));
        sync.acknowledge(null, true, false);
        assertThat(reported).as("and for that commit only").containsExactly(true, false);
    }

    @Test
    void mariaDbCommitsNeverCarryALevel() throws SQLException {
        CommitSync sync = connection(Map.of("syncMode", "sync"), () -> serverCovering(2, new ArrayList<>()), true);
        assertThat(sync.levelForCommit(Set.of("t"), primary)).isNull();
        assertThat(sync.raiseForCommit(Set.of("t")))
                .as("no session level to raise")
                .isNull();
    }

    /**
     * Where no server wait covers a waiting commit, what it carries on a session at {@code off}: the raise to
     * {@code local} for a commit that waits, nothing for one that does not.
     */
    @Test
    void aWaitingCommitIsRaisedAndAnAsynchronousOneIsNot() throws SQLException {
        CommitSync sync =
                connection(Map.of("syncTables", "orders:sync"), () -> serverCovering(0, new ArrayList<>()), false);
        assertThat(sync.raiseForCommit(Set.of("logs"))).as("an async table").isNull();
        assertThat(sync.raiseForCommit(Set.of("orders"))).isEqualTo("set local synchronous_commit = local");
        sync.chooseForNextCommit(SyncMode.SEMI_SYNC);
        assertThat(sync.raiseForCommit(Set.of("logs")))
                .as("the transaction's own choice")
                .isNotNull();
    }

    /**
     * {@code syncTimeoutAction=degrade} remembered across a cluster's connections: after one commit waited
     * {@code syncTimeout} in vain, the next ones (on any connection) wait {@link DegradedRules#WAIT} at most and say so
     * in their warning, until one is confirmed: then {@code syncTimeout} again. {@code fail} never shortens a wait.
     */
    @Test
    void degradedModeShortensTheWaitsUntilACommitIsConfirmed() throws SQLException {
        DegradedRules rules = new DegradedRules("test");
        List<java.time.Duration> timeouts = new ArrayList<>();
        ReplicaWaits fake = new ReplicaWaits() {
            @Override
            public Outcome await(
                    SyncRequirement requirement,
                    dev.junction.driver.SyncAck ack,
                    Node node,
                    java.time.Duration timeout,
                    boolean primaryReports,
                    CommittingSession committing) {
                timeouts.add(timeout);
                return new Outcome(confirming, requirement.required(2), 2, 1_000, false);
            }

            @Override
            public DegradedRules degradedRules() {
                return rules;
            }
        };
        Map<String, String> degrade = Map.of("syncMode", "sync", "syncTimeout", "5s", "syncTimeoutAction", "degrade");
        CommitSync first = connection(degrade, () -> fake, false);
        CommitSync second = connection(degrade, () -> fake, false);
        confirming = 1;
        first.committed(primary, Set.of("t"));
        first.acknowledge();
        assertThat(first.warnings().getErrorCode()).isEqualTo(91050);
        second.committed(primary, Set.of("t"));
        second.acknowledge();
        assertThat(second.warnings().getErrorCode())
                .as("the other connection is degraded too")
                .isEqualTo(91057);
        assertThat(second.warnings().getMessage()).contains("within 100ms", "syncTimeout=5s", "IS committed");
        confirming = 2;
        second.committed(primary, Set.of("t"));
        second.acknowledge();
        first.committed(primary, Set.of("t"));
        first.acknowledge();
        assertThat(timeouts)
                .containsExactly(
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofMillis(100),
                        java.time.Duration.ofMillis(100),
                        java.time.Duration.ofSeconds(5));
        assertThat(rules.anyDegraded()).isFalse();

        CommitSync failing = connection(Map.of("syncMode", "sync", "syncTimeout", "5s"), () -> fake, false);
        confirming = 1;
        failing.committed(primary, Set.of("t"));
        assertThatThrownBy(failing::acknowledge).isInstanceOf(SQLException.class);
        failing.committed(primary, Set.of("t"));
        assertThatThrownBy(failing::acknowledge).isInstanceOf(SQLException.class);
        assertThat(timeouts.subList(4, 6)).containsOnly(java.time.Duration.ofSeconds(5));
        assertThat(rules.anyDegraded()).as("fail degrades nothing").isFalse();
    }
}
