package dev.junction.router.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PrimarySamplesTest {
    private final PrimarySamples samples = new PrimarySamples(100);

    private static LogSequenceNumber lsn(long value) {
        return new LogSequenceNumber(value);
    }

    @Test
    void aCommitIsUnlocatedUntilThePrimaryIsProbedAfterIt() {
        samples.record(100, lsn(10));
        assertThat(samples.covering(150)).isEmpty();
    }

    @Test
    void earliestSampleSentAfterCommitCoversIt() {
        samples.record(100, lsn(10));
        samples.record(200, lsn(20));
        samples.record(300, lsn(30));
        assertThat(samples.covering(150)).contains(lsn(20));
        assertThat(samples.covering(200))
                .as("a probe sent at the commit's instant includes it")
                .contains(lsn(20));
        assertThat(samples.covering(50)).contains(lsn(10));
    }

    @Test
    void samplesRecordedOutOfOrderAreOrderedBySendTime() {
        samples.record(300, lsn(30));
        samples.record(100, lsn(10));
        samples.record(200, lsn(20));
        assertThat(samples.covering(150)).contains(lsn(20));
        assertThat(samples.latest()).contains(lsn(30));
    }

    @Test
    void sendTimesCompareAcrossTheTickersWrapAround() {
        long beforeWrap = Long.MAX_VALUE - 10;
        samples.record(beforeWrap + 20, lsn(30)); // negative, yet later
        samples.record(beforeWrap, lsn(10));
        assertThat(samples.covering(beforeWrap + 1)).contains(lsn(30));
        assertThat(samples.covering(beforeWrap - 5)).contains(lsn(10));
        assertThat(samples.latest()).contains(lsn(30));
    }

    @Test
    void historyKeepsTheNewestSamplesWhenFull() {
        PrimarySamples small = new PrimarySamples(3);
        for (long t = 1; t <= 10; t++) {
            small.record(t * 100, lsn(t));
        }
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.covering(150))
                .as("trimmed: a later sample still covers, less tightly")
                .contains(lsn(8));
        assertThat(small.covering(950)).contains(lsn(10));
    }

    @Test
    void anIdlePrimaryKeepsOneSampleThatStillCoversEveryEarlierCommit() {
        for (long t = 100; t <= 10_000; t += 100) {
            samples.record(t, lsn(42));
        }
        assertThat(samples.size()).isEqualTo(1);
        assertThat(samples.covering(150)).contains(lsn(42));
        assertThat(samples.covering(10_001)).isEmpty();
    }

    @Test
    void twoAnswersForOneSendTimeMerge() {
        samples.record(100, MariaDbGtidPosition.parse("1-1-10"));
        samples.record(100, MariaDbGtidPosition.parse("2-2-5"));
        assertThat(samples.covering(100).orElseThrow().text()).isEqualTo("1-1-10,2-2-5");
    }

    @Test
    void aHistoryNeedsRoom() {
        assertThatThrownBy(() -> new PrimarySamples(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentRecordsKeepTheHistoryBoundedAndOrdered() throws Exception {
        PrimarySamples shared = new PrimarySamples(64);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        for (int thread = 0; thread < 4; thread++) {
            int offset = thread;
            threads.submit(() -> {
                start.await();
                for (long t = offset; t < 4_000; t += 4) {
                    shared.record(t, lsn(t));
                }
                return null;
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(shared.size()).isLessThanOrEqualTo(64);
        assertThat(shared.latest()).contains(lsn(3_999));
        assertThat(shared.covering(3_990)).contains(lsn(3_990));
    }

    /**
     * Whatever the order of arrival and however short the history, the answer covers the commit (every sample sent
     * at or after it) and, while nothing was trimmed, is exactly the earliest such sample.
     */
    @Property
    void coveringIsTheEarliestRetainedSampleSentAtOrAfterTheCommit(
            @ForAll @IntRange(min = 1, max = 40) int count,
            @ForAll @IntRange(min = 1, max = 50) int capacity,
            @ForAll @LongRange(min = Long.MAX_VALUE - 2_000, max = Long.MAX_VALUE) long origin,
            @ForAll @LongRange(min = 0, max = 5_000) long commitOffset,
            @ForAll long seed) {
        List<Long> sentOffsets = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            sentOffsets.add(i * 100);
        }
        Collections.shuffle(sentOffsets, new Random(seed));
        PrimarySamples history = new PrimarySamples(capacity);
        for (long offset : sentOffsets) {
            history.record(origin + offset, lsn(1_000 + offset)); // positions grow with time, as on a primary
        }
        long committedAt = origin + commitOffset; // may wrap past Long.MAX_VALUE
        long lastSent = (count - 1) * 100L;
        if (commitOffset > lastSent) {
            assertThat(history.covering(committedAt)).isEmpty();
            return;
        }
        long earliest = (commitOffset + 99) / 100 * 100;
        ReplicationPosition found = history.covering(committedAt).orElseThrow();
        assertThat(found.covers(lsn(1_000 + earliest))).isTrue();
        if (capacity >= count) {
            assertThat(found).isEqualTo(lsn(1_000 + earliest));
        }
        assertThat(history.size()).isLessThanOrEqualTo(capacity);
    }
}
