package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hybrid logical clock's rules, on a wall clock the test sets. */
class HybridLogicalClockTest {
    private static final long T0 = 1_796_000_000_000L; // December 2026

    private final AtomicLong wall = new AtomicLong(T0);
    private final HybridLogicalClock clock = new HybridLogicalClock(wall::get, Duration.ofSeconds(1));

    @Test
    void followsTheWallClockWithCounterZeroWhenItMoves() {
        assertThat(clock.now()).isEqualTo(HlcTimestamp.of(T0, 0));
        wall.addAndGet(5);
        assertThat(clock.now()).isEqualTo(HlcTimestamp.of(T0 + 5, 0));
    }

    @Test
    void countsEventsWithinOneMillisecond() {
        clock.now();
        assertThat(clock.now()).isEqualTo(HlcTimestamp.of(T0, 1));
        assertThat(clock.now()).isEqualTo(HlcTimestamp.of(T0, 2));
    }

    @Test
    void neverGoesBackWhenTheWallClockDoes() {
        long before = clock.now();
        wall.addAndGet(-60_000); // an NTP step back
        long after = clock.now();
        assertThat(after).isGreaterThan(before);
        assertThat(HlcTimestamp.millis(after))
                .as("it keeps the later millisecond")
                .isEqualTo(T0);
    }

    @Test
    void carriesACounterOverflowIntoTheMilliseconds() {
        for (int i = 0; i <= HlcTimestamp.MAX_LOGICAL; i++) {
            clock.now();
        }
        assertThat(clock.last()).isEqualTo(HlcTimestamp.of(T0, HlcTimestamp.MAX_LOGICAL));
        assertThat(clock.now()).isEqualTo(HlcTimestamp.of(T0 + 1, 0));
    }

    @Test
    void stampsAfterAReceivedTimestampAheadOfItsWallClock() {
        long remote = HlcTimestamp.of(T0 + 400, 7); // another master's clock 400 ms ahead: within the bound
        long received = clock.receive(remote);
        assertThat(received).isEqualTo(HlcTimestamp.of(T0 + 400, 8));
        assertThat(clock.now()).as("a later local write").isGreaterThan(remote);
    }

    @Test
    void keepsItsOwnTimestampWhenTheReceivedOneIsOlder() {
        wall.addAndGet(10);
        long own = clock.now();
        long received = clock.receive(HlcTimestamp.of(T0, 3));
        assertThat(received).isEqualTo(own + 1);
    }

    @Test
    void refusesATimestampBeyondTheAcceptedSkewAndStaysAsItWas() {
        long before = clock.now();
        long farAhead = HlcTimestamp.of(T0 + 1_001, 0);
        assertThatThrownBy(() -> clock.receive(farAhead))
                .isInstanceOf(ClockSkewException.class)
                .hasMessageContaining("by 1001 ms, more than the 1000 ms accepted")
                .hasMessageContaining("NTP");
        assertThat(clock.last()).isEqualTo(before);
        assertThat(clock.receive(HlcTimestamp.of(T0 + 1_000, 0)))
                .as("exactly at the bound")
                .isPositive();
    }

    @Test
    void refusesWhatIsNotATimestamp() {
        assertThatThrownBy(() -> clock.receive(-1)).hasMessageContaining("never negative");
        assertThatThrownBy(() -> new HybridLogicalClock(wall::get, Duration.ZERO))
                .hasMessageContaining("PT0S");
        wall.set(-5);
        assertThatThrownBy(clock::now).hasMessageContaining("-5 ms");
    }

    @Test
    void packsMillisecondsAndCounterSoThatTheyOrderAsNumbers() {
        assertThat(HlcTimestamp.of(T0, HlcTimestamp.MAX_LOGICAL)).isLessThan(HlcTimestamp.of(T0 + 1, 0));
        long stamp = HlcTimestamp.of(HlcTimestamp.MAX_MILLIS, HlcTimestamp.MAX_LOGICAL);
        assertThat(stamp).isEqualTo(Long.MAX_VALUE);
        assertThat(HlcTimestamp.millis(stamp)).isEqualTo(HlcTimestamp.MAX_MILLIS);
        assertThat(HlcTimestamp.format(HlcTimestamp.of(0, 7))).isEqualTo("1970-01-01T00:00:00Z+7");
        assertThatThrownBy(() -> HlcTimestamp.of(HlcTimestamp.MAX_MILLIS + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
