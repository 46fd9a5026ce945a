package dev.junction.router.replication;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The primary's positions as the monitor sampled them, from which a replica's staleness is bounded.
 *
 * <p>Staleness of a replica is the time since the primary first reached a position the replica has not
 * replayed. The monitor cannot see that instant, only samples: the primary was at position {@code p} when
 * last observed at {@code t}. If a replica's replayed position covers {@code p}, every commit it lacks was
 * made after {@code t}, so its staleness now is at most {@code now - t}. The bound therefore uses the newest
 * sample the replica covers, which gives what routing needs:
 * <ul>
 *   <li>a replica that has replayed the primary's latest observed position has the age of that observation
 *       as its bound, and stays near zero on an idle primary (unlike
 *       {@code now() - pg_last_xact_replay_timestamp()}, which grows while nothing is written);</li>
 *   <li>the bound includes the age of the last probe without a separate term, since it is measured from
 *       {@code now};</li>
 *   <li>a replica probed before the primary is still bounded correctly: replayed positions only grow.</li>
 * </ul>
 * A replica that covers no retained sample has an unknown staleness, which must not qualify for any budget.
 *
 * <p>Not thread-safe: one monitor thread owns a history and publishes the bounds it computes.
 */
public final class PrimaryPositionHistory {
    private final int capacity;
    private final ArrayDeque<Sample> samples;

    /** @param capacity samples kept; at one sample per probe interval this is the longest staleness known exactly */
    public PrimaryPositionHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("A position history needs room for at least 2 samples, not " + capacity);
        }
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Records that the primary was at {@code position} when probed at {@code observedAtNanos} (a monotonic ticker). */
    public void record(ReplicationPosition position, long observedAtNanos) {
        Sample last = samples.peekLast();
        if (last != null && last.position.covers(position)) {
            // Same position (or an out-of-order older reading): the primary was still there at this instant.
            last.lastObservedAtNanos = Math.max(last.lastObservedAtNanos, observedAtNanos);
            return;
        }
        if (samples.size() == capacity) {
            samples.pollFirst();
        }
        samples.addLast(new Sample(position, observedAtNanos));
    }

    /**
     * An upper bound on the staleness at {@code nowNanos} of a replica that had replayed {@code replayed};
     * empty when no retained sample is covered (staleness unknown, possibly large).
     */
    public Optional<Duration> stalenessBound(ReplicationPosition replayed, long nowNanos) {
        Iterator<Sample> newestFirst = samples.descendingIterator();
        while (newestFirst.hasNext()) {
            Sample sample = newestFirst.next();
            if (replayed.covers(sample.position)) {
                return Optional.of(Duration.ofNanos(Math.max(0, nowNanos - sample.lastObservedAtNanos)));
            }
        }
        return Optional.empty();
    }

    /** The primary's newest observed position, if any. */
    public Optional<ReplicationPosition> latest() {
        Sample last = samples.peekLast();
        return last == null ? Optional.empty() : Optional.of(last.position);
    }

    /**
     * Drops samples that every replica has passed, keeping the newest of them: bounds for those replicas
     * need nothing older, so the history stays short while replicas keep up.
     */
    public void forgetCoveredBy(ReplicationPosition slowestReplica) {
        while (samples.size() > 1) {
            Iterator<Sample> oldestFirst = samples.iterator();
            oldestFirst.next();
            Sample second = oldestFirst.next();
            if (!slowestReplica.covers(second.position)) {
                return;
            }
            samples.pollFirst();
        }
    }

    public int size() {
        return samples.size();
    }

    private static final class Sample {
        private final ReplicationPosition position;
        private long lastObservedAtNanos;

        private Sample(ReplicationPosition position, long observedAtNanos) {
            this.position = position;
            this.lastObservedAtNanos = observedAtNanos;
        }
    }
}
