package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The tombstone rule, played through: a delete, a late write older than it, the purge, and the late write arriving
 * after the purge. The late write loses while the tombstone exists and is refused once it is gone.
 */
class TombstoneHorizonTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = 1_796_000_000_000L;

    private final TombstoneHorizon horizon = new TombstoneHorizon(Duration.ofDays(7));

    @Test
    void keepsATombstoneUntilEveryMasterHoldsItAndItIsOlderThanTheRetention() {
        long deleted = HlcTimestamp.of(T0, 0);
        assertThat(horizon.collectable(deleted, HlcTimestamp.of(T0 + 8 * DAY, 0), false))
                .as("a master has not got it yet")
                .isFalse();
        assertThat(horizon.collectable(deleted, HlcTimestamp.of(T0 + 6 * DAY, 0), true))
                .as("younger than the retention")
                .isFalse();
        assertThat(horizon.collectable(deleted, HlcTimestamp.of(T0 + 7 * DAY + 1, 0), true))
                .isTrue();
    }

    @Test
    void aWriteOlderThanAPurgedTombstoneCannotBeApplied() {
        long lateWrite = HlcTimestamp.of(T0 - 1, 0); // stamped just before the delete, held up on its way
        long deleted = HlcTimestamp.of(T0, 0);
        RowVersion<String> tombstone = RowVersion.tombstone(deleted, "a");
        RowVersion<String> late = RowVersion.written("old", lateWrite, "b");
        assertThat(LastWriterWins.winner(tombstone, late))
                .as("while the tombstone exists")
                .isEqualTo(tombstone);
        long purge = HlcTimestamp.of(T0 + 7 * DAY + 1, 0);
        assertThat(horizon.collectable(deleted, purge, true)).isTrue();
        assertThat(horizon.admits(lateWrite, purge)).as("after the purge").isFalse();
        assertThat(horizon.admits(HlcTimestamp.of(T0 + DAY, 0), purge))
                .as("a write younger than the retention")
                .isTrue();
    }
}
