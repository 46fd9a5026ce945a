package dev.junction.router.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.TopologySnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTrackerTest {
    private static final long MS = 1_000_000L;
    private static final NodeId PRIMARY = NodeId.of("127.0.0.1", 5432);
    private static final NodeId REPLICA_A = NodeId.of("127.0.0.1", 5433);
    private static final NodeId REPLICA_B = NodeId.of("127.0.0.1", 5434);

    private final TopologyTracker tracker = new TopologyTracker(
            List.of(PRIMARY, REPLICA_A, REPLICA_B), Duration.ofMillis(100), 3, Duration.ofSeconds(2), 1000);

    private static LogSequenceNumber lsn(long value) {
        return new LogSequenceNumber(value);
    }

    private NodeState state(TopologySnapshot snapshot, NodeId id) {
        return snapshot.node(id);
    }

    @Test
    void rolesComeFromProbesNotFromSeedOrder() {
        tracker.recordSuccess(REPLICA_B, NodeRole.PRIMARY, lsn(10), 0, MS);
        tracker.recordSuccess(PRIMARY, NodeRole.REPLICA, lsn(10), 0, MS);
        TopologySnapshot snapshot = tracker.snapshot(2 * MS);
        assertThat(snapshot.primary().id()).isEqualTo(REPLICA_B);
        assertThat(state(snapshot, REPLICA_A).role()).isEqualTo(NodeRole.UNKNOWN);
    }

    @Test
    void caughtUpReplicaOnAnIdlePrimaryStaysFresh() {
        for (long t = 0; t < 5_000; t += 100) {
            tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(500), t * MS, t * MS + MS);
            tracker.recordSuccess(REPLICA_A, NodeRole.REPLICA, lsn(500), t * MS, t * MS + MS);
        }
        TopologySnapshot snapshot = tracker.snapshot(4_950 * MS);
        assertThat(state(snapshot, REPLICA_A).stalenessBound()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void pausedReplicaGrowsStaleWhileThePrimaryWrites() {
        for (long t = 0; t <= 1_000; t += 100) {
            tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(1000 + t), t * MS, t * MS + MS);
            tracker.recordSuccess(REPLICA_A, NodeRole.REPLICA, lsn(1000), t * MS, t * MS + MS);
            tracker.recordSuccess(REPLICA_B, NodeRole.REPLICA, lsn(1000 + t), t * MS, t * MS + MS);
        }
        TopologySnapshot snapshot = tracker.snapshot(1_010 * MS);
        assertThat(state(snapshot, REPLICA_A).stalenessBound()).isEqualTo(Duration.ofMillis(1_010));
        assertThat(state(snapshot, REPLICA_B).stalenessBound()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void nodeIsDownAfterAStreakOfFailuresAndBacksOff() {
        tracker.recordSuccess(REPLICA_A, NodeRole.REPLICA, lsn(1), 0, MS);
        tracker.recordFailure(REPLICA_A, "timeout", 100 * MS);
        tracker.recordFailure(REPLICA_A, "timeout", 200 * MS);
        assertThat(state(tracker.snapshot(250 * MS), REPLICA_A).up()).isTrue();
        tracker.recordFailure(REPLICA_A, "timeout", 300 * MS);
        assertThat(state(tracker.snapshot(350 * MS), REPLICA_A).up()).isFalse();
        tracker.recordFailure(REPLICA_A, "timeout", 400 * MS);
        assertThat(tracker.isDue(REPLICA_A, 550 * MS))
                .as("backoff doubles the interval")
                .isFalse();
        assertThat(tracker.isDue(REPLICA_A, 600 * MS)).isTrue();
    }

    @Test
    void backoffNeverExceedsItsCap() {
        for (int i = 0; i < 40; i++) {
            tracker.recordFailure(REPLICA_B, "refused", 0);
        }
        assertThat(tracker.isDue(REPLICA_B, 2_000 * MS)).isTrue();
    }

    @Test
    void firstSuccessBringsADownNodeBack() {
        for (int i = 0; i < 5; i++) {
            tracker.recordFailure(REPLICA_B, "refused", i * 100 * MS);
        }
        tracker.recordSuccess(REPLICA_B, NodeRole.REPLICA, lsn(1), 600 * MS, 601 * MS);
        assertThat(tracker.reports(700 * MS))
                .filteredOn(r -> r.node().equals(REPLICA_B))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.up()).isTrue();
                    assertThat(r.consecutiveFailures()).isZero();
                    assertThat(r.lastError()).isEmpty();
                });
    }

    @Test
    void twoPrimariesMeanNoPrimaryAndNoHistory() {
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(10), 0, MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(20), 0, MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(30), 100 * MS, 101 * MS);
        assertThat(tracker.snapshot(200 * MS).primary()).isNull();
        assertThat(tracker.primaryPosition()).contains(lsn(10));
    }

    @Test
    void replicaNeverProbedHasNoStalenessBound() {
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(10), 0, MS);
        assertThat(state(tracker.snapshot(MS), REPLICA_A).stalenessBound()).isNull();
    }

    /** Probes every 100 ms until {@code until} ms: the primary at {@code lsn}, both replicas caught up. */
    private void healthyUntil(long until, long lsn) {
        for (long t = 0; t <= until; t += 100) {
            tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(lsn), t * MS, t * MS + MS);
            tracker.recordSuccess(REPLICA_A, NodeRole.REPLICA, lsn(lsn), t * MS, t * MS + MS);
            tracker.recordSuccess(REPLICA_B, NodeRole.REPLICA, lsn(lsn), t * MS, t * MS + MS);
        }
    }

    @Test
    void aPromotedNodeIsThePrimaryFromItsFirstAnswerWhileTheFormerFailsItsProbes() {
        healthyUntil(1_000, 500);
        tracker.recordFailure(PRIMARY, "connection refused", 1_101 * MS, 1_100 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(600), 1_150 * MS, 1_151 * MS);

        TopologySnapshot snapshot = tracker.snapshot(1_160 * MS);
        assertThat(snapshot.primary().id()).isEqualTo(REPLICA_A);
        assertThat(state(snapshot, PRIMARY).role()).isEqualTo(NodeRole.UNKNOWN);
        assertThat(tracker.primaryPosition()).contains(lsn(600)); // the promoted node's positions are trusted
    }

    @Test
    void whileThePrimaryIsSilentACaughtUpReplicaStaysAsFreshAsWhenItWasLastSeen() {
        healthyUntil(1_000, 500);
        tracker.recordFailure(PRIMARY, "connection refused", 1_101 * MS, 1_100 * MS);
        for (long t = 1_200; t <= 1_500; t += 100) {
            tracker.recordFailure(PRIMARY, "connection refused", t * MS + MS, t * MS);
        }

        TopologySnapshot minuteLater = tracker.snapshot(61_000 * MS);
        assertThat(tracker.primaryIsSilent()).isTrue();
        assertThat(state(minuteLater, PRIMARY).up()).isFalse();
        // last seen at 1000 ms, first unanswered probe sent at 1100 ms: 100 ms, a minute later as at once
        assertThat(state(minuteLater, REPLICA_A).stalenessBound()).isEqualTo(Duration.ofMillis(100));
        assertThat(state(minuteLater, REPLICA_B).stalenessBound()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aReplicaBehindTheSilentPrimaryKeepsTheStalenessItHadThenNotMore() {
        healthyUntil(1_000, 500);
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(700), 1_100 * MS, 1_101 * MS);
        tracker.recordFailure(PRIMARY, "connection refused", 1_201 * MS, 1_200 * MS);

        // REPLICA_A stayed at 500, which the primary passed after 1000 ms: stale since then, until the loss at 1200
        assertThat(state(tracker.snapshot(30_000 * MS), REPLICA_A).stalenessBound())
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theStalenessClockRunsAgainOnceANewPrimaryAnswers() {
        healthyUntil(1_000, 500);
        tracker.recordFailure(PRIMARY, "connection refused", 1_101 * MS, 1_100 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(600), 2_000 * MS, 2_001 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(650), 3_000 * MS, 3_001 * MS);

        assertThat(tracker.primaryIsSilent()).isFalse();
        // REPLICA_B still follows nobody: its last covered sample is the old primary's at 1000 ms
        assertThat(state(tracker.snapshot(3_500 * MS), REPLICA_B).stalenessBound())
                .isEqualTo(Duration.ofMillis(2_500));
    }

    @Test
    void aFormerPrimaryThatAnswersAgainAsPrimaryIsASplitBrain() {
        healthyUntil(1_000, 500);
        tracker.recordFailure(PRIMARY, "no answer within 2000 ms", 3_100 * MS, 1_100 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(600), 1_500 * MS, 1_501 * MS);
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(500), 4_000 * MS, 4_001 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(610), 4_000 * MS, 4_001 * MS);

        TopologySnapshot snapshot = tracker.snapshot(4_100 * MS);
        assertThat(snapshot.primary()).isNull();
        assertThat(state(snapshot, PRIMARY).role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(state(snapshot, REPLICA_A).role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(tracker.primaryPosition()).contains(lsn(600)); // neither claimant's later positions are trusted
    }

    @Test
    void aFormerPrimaryOnAnOlderTimelineIsDownAndThePromotedNodeStaysThePrimary() {
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(500), 1, 0, MS);
        tracker.recordFailure(PRIMARY, "no answer within 2000 ms", 2_100 * MS, 100 * MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(600), 2, 1_500 * MS, 1_501 * MS);
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(520), 1, 4_000 * MS, 4_001 * MS); // thawed
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(610), 2, 4_000 * MS, 4_001 * MS);

        TopologySnapshot snapshot = tracker.snapshot(4_100 * MS);
        assertThat(snapshot.primary().id()).isEqualTo(REPLICA_A);
        assertThat(state(snapshot, PRIMARY).up()).isFalse();
        assertThat(state(snapshot, PRIMARY).role()).isEqualTo(NodeRole.UNKNOWN);
        assertThat(tracker.isSuperseded(PRIMARY)).isTrue();
        assertThat(tracker.primaryPosition()).contains(lsn(610)); // the newer timeline's positions are trusted
    }

    @Test
    void twoPrimariesOnTheSameTimelineAreASplitBrain() {
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(500), 3, 0, MS);
        tracker.recordSuccess(REPLICA_A, NodeRole.PRIMARY, lsn(600), 3, 0, MS);
        assertThat(tracker.snapshot(2 * MS).primary()).isNull();
        assertThat(tracker.isSuperseded(PRIMARY)).isFalse();
    }

    @Test
    void aSingleFailedProbeOfALivePrimaryOnlyStopsTheClockUntilItsNextAnswer() {
        healthyUntil(1_000, 500);
        tracker.recordFailure(PRIMARY, "read timed out", 1_101 * MS, 1_100 * MS);
        assertThat(state(tracker.snapshot(1_150 * MS), PRIMARY).up()).isTrue(); // one failure is not a streak
        tracker.recordSuccess(PRIMARY, NodeRole.PRIMARY, lsn(900), 1_200 * MS, 1_201 * MS);
        tracker.recordSuccess(REPLICA_B, NodeRole.REPLICA, lsn(500), 1_200 * MS, 1_201 * MS);

        assertThat(tracker.primaryIsSilent()).isFalse();
        assertThat(state(tracker.snapshot(1_300 * MS), REPLICA_B).stalenessBound())
                .isEqualTo(Duration.ofMillis(300));
    }
}
