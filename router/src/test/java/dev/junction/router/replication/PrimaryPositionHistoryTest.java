package dev.junction.router.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrimaryPositionHistoryTest {
    private static final long MS = 1_000_000L;
    private final PrimaryPositionHistory history = new PrimaryPositionHistory(100);

    private static LogSequenceNumber lsn(long value) {
        return new LogSequenceNumber(value);
    }

    @Test
    void replicaAtThePrimarysPositionHasTheAgeOfTheObservationAsBound() {
        history.record(lsn(100), 1_000 * MS);
        assertThat(history.stalenessBound(lsn(100), 1_030 * MS)).contains(Duration.ofMillis(30));
    }

    @Test
    void boundStaysSmallOnAnIdlePrimary() {
        for (long t = 0; t <= 10_000; t += 100) {
            history.record(lsn(100), t * MS);
        }
        assertThat(history.stalenessBound(lsn(100), 10_010 * MS)).contains(Duration.ofMillis(10));
        assertThat(history.size()).isEqualTo(1);
    }

    @Test
    void laggingReplicaIsBoundedByTheNewestSampleItCovers() {
        history.record(lsn(100), 0);
        history.record(lsn(200), 100 * MS);
        history.record(lsn(300), 200 * MS);
        history.record(lsn(400), 300 * MS);
        // Replayed 250: has everything the primary had at 100 ms, not what it had at 200 ms.
        assertThat(history.stalenessBound(lsn(250), 310 * MS)).contains(Duration.ofMillis(210));
        assertThat(history.stalenessBound(lsn(400), 310 * MS)).contains(Duration.ofMillis(10));
    }

    @Test
    void replicaBehindEveryRetainedSampleHasUnknownStaleness() {
        PrimaryPositionHistory small = new PrimaryPositionHistory(2);
        small.record(lsn(100), 0);
        small.record(lsn(200), 100 * MS);
        small.record(lsn(300), 200 * MS);
        assertThat(small.stalenessBound(lsn(150), 300 * MS)).isEmpty();
        assertThat(small.stalenessBound(lsn(200), 300 * MS)).contains(Duration.ofMillis(200));
    }

    @Test
    void forgettingKeepsTheNewestSampleEveryReplicaCovers() {
        history.record(lsn(100), 0);
        history.record(lsn(200), 100 * MS);
        history.record(lsn(300), 200 * MS);
        history.forgetCoveredBy(lsn(250));
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.stalenessBound(lsn(250), 300 * MS)).contains(Duration.ofMillis(200));
    }

    @Test
    void worksWithMariaDbPositionsAcrossDomains() {
        history.record(MariaDbGtidPosition.parse("0-1-10"), 0);
        history.record(MariaDbGtidPosition.parse("0-1-10,1-2-5"), 100 * MS);
        assertThat(history.stalenessBound(MariaDbGtidPosition.parse("0-1-12"), 150 * MS))
                .contains(Duration.ofMillis(150));
        assertThat(history.stalenessBound(MariaDbGtidPosition.parse("0-1-12,1-2-5"), 150 * MS))
                .contains(Duration.ofMillis(50));
    }

    @Test
    void refusesAHistoryTooSmallToBoundAnything() {
        assertThatThrownBy(() -> new PrimaryPositionHistory(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }
}
