package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a snapshot computes once for every read that consults it. */
class TopologySnapshotTest {

    private static final NodeId P = NodeId.of("p", 5432);
    private static final NodeId A = NodeId.of("a", 5432);
    private static final NodeId B = NodeId.of("b", 5432);

    @Test
    void upReplicasAreSortedAndLeaveOutDownOnes() {
        TopologySnapshot snapshot = TopologySnapshot.of(
                List.of(
                        NodeState.replica(B, Duration.ofMillis(20)),
                        NodeState.primary(P),
                        NodeState.replica(A, Duration.ofMillis(10)).withUp(false)),
                0);
        assertThat(snapshot.upReplicas()).extracting(NodeState::id).containsExactly(B);
        assertThat(snapshot.maxUpReplicaBoundNanos())
                .isEqualTo(Duration.ofMillis(20).toNanos());
    }

    @Test
    void theLargestBoundIsUnknownWhenAnUpReplicasIs() {
        TopologySnapshot snapshot =
                TopologySnapshot.of(List.of(NodeState.replica(A, Duration.ZERO), NodeState.replica(B, null)), 0);
        assertThat(snapshot.maxUpReplicaBoundNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void knowsWhetherAnyNodeIsUpWithAKnownRole() {
        NodeState unknown = NodeState.of(A, NodeRole.UNKNOWN, true, null, null);
        assertThat(TopologySnapshot.of(List.of(unknown), 0).anyNodeKnown()).isFalse();
        assertThat(TopologySnapshot.of(List.of(unknown, NodeState.primary(P).withUp(false)), 0)
                        .anyNodeKnown())
                .isFalse();
        assertThat(TopologySnapshot.of(List.of(unknown, NodeState.replica(B, Duration.ZERO)), 0)
                        .anyNodeKnown())
                .isTrue();
    }
}
