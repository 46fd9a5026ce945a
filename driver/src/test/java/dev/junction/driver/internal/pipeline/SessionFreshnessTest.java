package dev.junction.driver.internal.pipeline;

import static dev.junction.router.ReadConsistency.EVENTUAL;
import static dev.junction.router.ReadConsistency.GLOBAL;
import static dev.junction.router.ReadConsistency.SESSION;
import static dev.junction.router.ReadConsistency.STRONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.topology.monitor.TopologyMonitor.Probed;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.StatementKind;
import dev.junction.router.replication.CommitInstants;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.PrimarySamples;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Read-your-writes, monotonic reads, table-aware freshness and tokens over fake probe results and a fake clock. */
class SessionFreshnessTest {
    private static final NodeId PRIMARY = NodeId.of("p", 5432);
    private static final NodeId A = NodeId.of("a", 5432);
    private static final NodeId B = NodeId.of("b", 5432);

    private final CommitInstants global = new CommitInstants();
    private final PrimarySamples samples = new PrimarySamples(16);
    private final SessionFreshness session = new SessionFreshness(global, table -> !table.startsWith("view_"));
    private final Map<NodeId, Probed> positions = new HashMap<>();
    private long now = 1_000;
    /** Probes started so far, as the monitor numbers them. */
    private long probesStarted;

    private static LogSequenceNumber lsn(long value) {
        return LogSequenceNumber.parse("0/" + Long.toHexString(value).toUpperCase());
    }

    private void probed(NodeId node, long position) {
        positions.put(node, new Probed(lsn(position), now, ++probesStarted));
        if (node.equals(PRIMARY)) {
            samples.record(now, lsn(position));
        }
    }

    /** {@code committer} commits {@code tables} now, then the primary, at {@code position}, is probed a tick later. */
    private void commitLocatedAt(SessionFreshness committer, long position, String... tables) {
        now++;
        committer.committed(now, Set.of(tables));
        now++;
        probed(PRIMARY, position);
    }

    private static Classification read(String... tables) {
        return Classification.builder(StatementKind.READ)
                .tablesRead(List.of(tables))
                .parsedByCalcite(true)
                .build();
    }

    private boolean qualifies(NodeId replica, ReadConsistency consistency, Classification statement) {
        ReplicaRequirement requirement = session.requirement(Map.copyOf(positions), samples);
        return requirement.isSatisfiedBy(NodeState.replica(replica, Duration.ZERO), consistency, statement);
    }

    @Test
    void aReplicaQualifiesForTheSessionsReadOnlyOnceItHasReplayedTheSessionsCommit() {
        probed(A, 100);
        commitLocatedAt(session, 150, "t");
        assertThat(qualifies(A, SESSION, read("t"))).isFalse();
        probed(A, 150);
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
    }

    @Test
    void whatTheSessionAskedTheReplicaItselfCountsLikeAProbe() {
        probed(A, 100);
        commitLocatedAt(session, 150, "t");
        session.observed(A, lsn(160));
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
    }

    @Test
    void globalReadsWaitForOtherSessionsCommitsAndSessionReadsDoNot() {
        probed(A, 100);
        commitLocatedAt(new SessionFreshness(global, table -> true), 200, "t");
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
        assertThat(qualifies(A, GLOBAL, read("t"))).isFalse();
        assertThat(qualifies(A, EVENTUAL, read("t"))).isTrue();
    }

    @Test
    void aReadOfOtherTablesDoesNotWaitForACommitButAReadOfUnknownTablesDoes() {
        probed(A, 100);
        commitLocatedAt(session, 200, "orders");
        assertThat(qualifies(A, SESSION, read("customers"))).isTrue();
        assertThat(qualifies(A, SESSION, read("orders", "customers"))).isFalse();
        Classification unparsed = Classification.builder(StatementKind.READ)
                .tableRead("customers")
                .build();
        assertThat(qualifies(A, SESSION, unparsed))
                .as("tables from tokens alone are not trusted")
                .isFalse();
    }

    @Test
    void aReadOfATableThatIsNotStandaloneWaitsForEveryCommit() {
        probed(A, 100);
        commitLocatedAt(session, 200, "orders");
        assertThat(qualifies(A, SESSION, read("view_of_orders")))
                .as("a view may read orders")
                .isFalse();
        Classification triggered = Classification.builder(StatementKind.WRITE)
                .tableWritten("view_audited")
                .parsedByCalcite(true)
                .build();
        assertThat(SessionFreshness.tablesWritten(triggered, table -> !table.startsWith("view_")))
                .isNull();
    }

    @Test
    void aReadOfNoTableNeverWaits() {
        probed(A, 100);
        commitLocatedAt(session, 200);
        session.await(lsn(300));
        assertThat(qualifies(A, GLOBAL, read())).isTrue();
    }

    @Test
    void aCommitOfUnknownTablesHoldsBackEveryRead() {
        probed(A, 100);
        commitLocatedAt(session, 200);
        assertThat(qualifies(A, SESSION, read("anything"))).isFalse();
    }

    @Test
    void afterAReadOnOneReplicaAnotherQualifiesOnlyWhenItHasReachedTheSameState() {
        probed(A, 300);
        probed(B, 200);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        assertThat(qualifies(A, SESSION, read("t")))
                .as("the same replica never goes back")
                .isTrue();
        assertThat(qualifies(B, SESSION, read("t"))).isFalse();
        probed(B, 300);
        assertThat(qualifies(B, SESSION, read("t"))).isTrue();
    }

    @Test
    void everyReadRaisesTheFloorEvenWhenTheMonitorPublishedBetweenReadsOnTheSameReplica() {
        probed(A, 300);
        probed(B, 300);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        probed(A, 400);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        probed(A, 500);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        probed(B, 450);
        assertThat(qualifies(B, SESSION, read("t")))
                .as("the last read on A saw up to 500")
                .isFalse();
        probed(B, 500);
        assertThat(qualifies(B, SESSION, read("t"))).isTrue();
    }

    @Test
    void aReadOnAnotherReplicaKeepsTheFloorOfTheFirst() {
        probed(A, 600);
        probed(B, 300);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        probed(B, 600);
        session.readOn(B, Map.copyOf(positions), probesStarted);
        probed(A, 600);
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
        probed(NodeId.of("c", 5432), 599);
        assertThat(qualifies(NodeId.of("c", 5432), SESSION, read("t")))
                .as("both reads saw 600")
                .isFalse();
    }

    @Test
    void theFloorRisesToTheReadNodesFirstProbeSentAfterTheReadEnded() {
        probed(PRIMARY, 500);
        probed(B, 500);
        session.readOn(PRIMARY, Map.copyOf(positions), probesStarted);
        now += 50;
        probed(PRIMARY, 700);
        assertThat(qualifies(B, SESSION, read("t")))
                .as("the primary may have shown commits up to 700")
                .isFalse();
        probed(B, 700);
        assertThat(qualifies(B, SESSION, read("t"))).isTrue();
    }

    @Test
    void aCommitHoldsEveryReplicaBackUntilAProbeOfThePrimarySentAfterItHasAnswered() {
        probed(PRIMARY, 100);
        probed(A, 500);
        now += 1;
        session.committed(now, Set.of("t"));
        assertThat(session.unlocatedCommit(SESSION, read("t"), samples)).isPresent();
        assertThat(qualifies(A, SESSION, read("t")))
                .as("even a replica far ahead: nothing says it has the commit")
                .isFalse();
        assertThat(qualifies(A, SESSION, read("other")))
                .as("another table's read does not wait")
                .isTrue();
        now += 1;
        probed(PRIMARY, 120);
        assertThat(session.unlocatedCommit(SESSION, read("t"), samples)).isEmpty();
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
        assertThat(session.latestCommit()).hasValue(now - 1);
    }

    @Test
    void oneDecisionJudgesEachReplicaByItsOwnPositionAndEachStatementByItsOwnTables() {
        probed(A, 100);
        probed(B, 130);
        commitLocatedAt(session, 120, "t");
        ReplicaRequirement requirement = session.requirement(Map.copyOf(positions), samples);
        assertThat(requirement.isSatisfiedBy(NodeState.replica(A, Duration.ZERO), SESSION, read("t")))
                .isFalse();
        assertThat(requirement.isSatisfiedBy(NodeState.replica(B, Duration.ZERO), SESSION, read("t")))
                .isTrue();
        assertThat(requirement.isSatisfiedBy(NodeState.replica(A, Duration.ZERO), SESSION, read("other")))
                .as("the commit looked up for the first statement is not reused for another")
                .isTrue();
        assertThat(requirement.isSatisfiedBy(NodeState.replica(A, Duration.ZERO), EVENTUAL, read("t")))
                .isTrue();
    }

    @Test
    void aProbeSentBeforeTheCommitDoesNotLocateItEvenIfItAnswersLater() {
        long sentBefore = now;
        now += 1;
        session.committed(now, Set.of("t"));
        samples.record(sentBefore, lsn(100)); // answered after the commit, but sent before it
        assertThat(session.unlocatedCommit(SESSION, read("t"), samples)).isPresent();
    }

    @Test
    void theCommitIsLocatedByTheEarliestProbeSentAfterItNotTheNewest() {
        probed(A, 120);
        now += 1;
        session.committed(now, Set.of("t"));
        now += 1;
        probed(PRIMARY, 120);
        now += 1;
        probed(PRIMARY, 900);
        assertThat(qualifies(A, SESSION, read("t")))
                .as("A has everything up to the first probe after the commit")
                .isTrue();
        assertThat(session.required(SESSION, read("t"), A, samples)).isEqualTo(lsn(120));
    }

    @Test
    void eventualAndStrongReadsNeedNoCommit() {
        now += 1;
        session.committed(now, Set.of("t"));
        assertThat(session.neededCommit(EVENTUAL, read("t"))).isEmpty();
        assertThat(session.neededCommit(STRONG, read("t"))).isEmpty();
        assertThat(session.neededCommit(SESSION, read("t"))).hasValue(now);
    }

    @Test
    void globalReadsNeedTheLatestCommitOfAnySessionToTheirTables() {
        SessionFreshness other = new SessionFreshness(global, table -> true);
        now += 1;
        session.committed(now, Set.of("t"));
        now += 1;
        other.committed(now, Set.of("t"));
        now += 1;
        other.committed(now, Set.of("u"));
        assertThat(session.neededCommit(GLOBAL, read("t"))).hasValue(now - 1);
        assertThat(session.neededCommit(SESSION, read("t"))).hasValue(now - 2);
        assertThat(session.neededCommit(GLOBAL, read())).as("reads no table").isEmpty();
    }

    @Test
    void anAwaitedTokenHoldsBackEveryLaterRead() {
        probed(A, 100);
        session.await(lsn(400));
        assertThat(qualifies(A, SESSION, read("t"))).isFalse();
        probed(A, 400);
        assertThat(qualifies(A, SESSION, read("t"))).isTrue();
    }

    @Test
    void aTransactionsTablesAreTheUnionOfItsWritesAndUnknownWhenOneIsUnknown() {
        Set<String> a = Set.of("a");
        session.wroteInTransaction(a);
        session.wroteInTransaction(Set.of("b"));
        assertThat(session.endTransaction()).containsExactlyInAnyOrder("a", "b");
        session.wroteInTransaction(a);
        session.wroteInTransaction(null);
        session.wroteInTransaction(Set.of("c"));
        assertThat(session.endTransaction()).as("empty means every table").isEmpty();
        session.wroteInTransaction(Set.of("d"));
        assertThat(session.endTransaction())
                .as("nothing left of the transaction before")
                .containsExactly("d");
    }

    @Test
    void aTransactionThatWroteOneStatementsTablesCommitsThatSetAndAUnionUnderANewIdentityEachTime() {
        Set<String> a = Set.of("a");
        session.wroteInTransaction(a);
        session.wroteInTransaction(a);
        session.wroteInTransaction(Set.of("a"));
        assertThat(session.endTransaction())
                .as("the statement's own set, whose commit cells are kept")
                .isSameAs(a);
        session.wroteInTransaction(a);
        session.wroteInTransaction(Set.of("b"));
        Set<String> first = session.endTransaction();
        session.wroteInTransaction(a);
        session.wroteInTransaction(Set.of("c"));
        Set<String> second = session.endTransaction();
        assertThat(second)
                .as("a union is refilled per transaction")
                .containsExactlyInAnyOrder("a", "c")
                .isNotSameAs(first);
    }

    @Test
    void aCommitOfAUnionRecordsItsOwnTablesNotThoseOfTheUnionBefore() {
        session.wroteInTransaction(Set.of("a"));
        session.wroteInTransaction(Set.of("b"));
        session.committed(10, session.endTransaction());
        session.wroteInTransaction(Set.of("a"));
        session.wroteInTransaction(Set.of("c"));
        session.committed(20, session.endTransaction());
        assertThat(global.requiredFor(List.of("b"))).hasValue(10);
        assertThat(global.requiredFor(List.of("c"))).hasValue(20);
        assertThat(global.requiredFor(List.of("a"))).hasValue(20);
    }

    @Test
    void itsVersionMovesWithEverythingOfItsOwnThatCanChangeWhichReplicasQualify() {
        long start = session.version();
        probed(A, 100);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        long afterFirstRead = session.version();
        assertThat(afterFirstRead).as("a read on a node other than the last").isGreaterThan(start);
        session.readOn(A, Map.copyOf(positions), probesStarted);
        assertThat(session.version())
                .as("another read on the same node changes nothing for that node")
                .isEqualTo(afterFirstRead);
        session.committed(now, Set.of("t"));
        long afterCommit = session.version();
        assertThat(afterCommit).isGreaterThan(afterFirstRead);
        session.await(lsn(500));
        long afterAwait = session.version();
        assertThat(afterAwait).isGreaterThan(afterCommit);
        session.observed(B, lsn(600));
        assertThat(session.version()).isGreaterThan(afterAwait);
    }

    @Test
    void commitsToTheSameTablesAgainAdvanceThemAndOnlyThem() {
        Set<String> tables = Set.of("t");
        session.committed(10, tables);
        session.committed(20, tables); // the same set: recorded through the cells looked up for the first commit
        session.committed(30, Set.of("u"));
        assertThat(global.requiredFor(List.of("t"))).hasValue(20);
        assertThat(global.requiredFor(List.of("u"))).hasValue(30);
        assertThat(global.requiredFor(List.of("v"))).isEmpty();
        assertThat(global.commitCount()).isEqualTo(3);
    }
}
