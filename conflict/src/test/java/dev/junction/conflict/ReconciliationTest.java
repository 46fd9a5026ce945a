package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reconciliation cases worth naming. */
class ReconciliationTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = 1_796_000_000_000L;
    private static final TombstoneHorizon HORIZON = new TombstoneHorizon(Duration.ofDays(7));

    @Test
    void aDeleteWinsOverAnOlderUpdateOnEveryMaster() {
        RowVersion<String> update = RowVersion.written("stage=production", HlcTimestamp.of(T0, 0), "west");
        RowVersion<String> delete = RowVersion.tombstone(HlcTimestamp.of(T0 + 5, 0), "east");
        Reconciliation<String, String> reconciliation =
                Reconciliation.byStamp(ConflictPolicy.LWW, () -> HlcTimestamp.of(T0 + DAY, 0), HORIZON);
        Reconciliation.Plan<String, String> plan =
                reconciliation.plan(Map.of("west", Map.of("model-7", update), "east", Map.of("model-7", delete)));
        assertThat(plan.repairs()).containsExactly(new Reconciliation.Repair<>("west", "model-7", delete));
        assertThat(plan.decisions()).singleElement().satisfies(decision -> {
            assertThat(decision.held()).containsEntry("west", update).containsEntry("east", delete);
            assertThat(decision.winners()).containsExactly(delete);
        });
    }

    @Test
    void refusesToCopyARowOlderThanTheRetentionToAMasterThatLacksIt() {
        RowVersion<String> ancient = RowVersion.written("v1", HlcTimestamp.of(T0, 0), "west");
        Reconciliation<String, String> reconciliation =
                Reconciliation.byStamp(ConflictPolicy.LWW, () -> HlcTimestamp.of(T0 + 8 * DAY, 0), HORIZON);
        Reconciliation.Plan<String, String> plan =
                reconciliation.plan(Map.of("west", Map.of("model-7", ancient), "east", Map.of()));
        assertThat(plan.refused()).containsExactly("model-7");
        assertThat(plan.repairs()).isEmpty();
    }
}
