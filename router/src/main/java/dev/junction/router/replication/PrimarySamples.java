package dev.junction.router.replication;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The primary's positions as it answered probes, by when each probe was sent: what resolves a commit's instant
 * ({@link CommitInstants}) to a position a replica must cover.
 *
 * <p>A probe sent at {@code s} answers with a position that includes every commit the primary acknowledged before
 * {@code s}. So a commit acknowledged at {@code t} is covered by any sample sent at or after {@code t}; the earliest
 * such sample is the tightest, which keeps table-aware freshness precise (a later one would also make the read wait
 * for commits it does not need). Before such a sample exists, the commit's position is unknown.
 *
 * <p>Samples come from the monitor's regular probes, from probes a read asked for, and from causal tokens asked of
 * the primary; they may arrive out of order from several threads. The history is bounded: dropping the oldest is
 * safe because a later sample covers whatever an earlier one did, only less tightly. A run of samples at the same
 * position keeps only its latest, which answers every lookup the others would: an idle primary costs one entry.
 *
 * <p>Instants are {@link System#nanoTime()}-like and ordered by the sign of their difference, which is exact while
 * the retained samples span less than 292 years. Lookups are lock-free; records take a short lock.
 */
public final class PrimarySamples {
    private final int capacity;
    private final ConcurrentSkipListMap<Long, ReplicationPosition> bySentAt =
            new ConcurrentSkipListMap<>((a, b) -> Long.signum(a - b));
    private final ReentrantLock writes = new ReentrantLock();
    private volatile int size;

    /** @param capacity samples kept at most; older ones are dropped first */
    public PrimarySamples(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A sample history needs room for at least 1 sample, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records that a probe of the primary sent at {@code sentAtNanos} answered {@code position}. */
    public void record(long sentAtNanos, ReplicationPosition position) {
        writes.lock();
        try {
            ReplicationPosition same = bySentAt.get(sentAtNanos);
            if (same != null) {
                bySentAt.put(sentAtNanos, same.mergedWith(position));
                return;
            }
            Map.Entry<Long, ReplicationPosition> next = bySentAt.higherEntry(sentAtNanos);
            if (next != null && equal(next.getValue(), position)) {
                return;
            }
            Map.Entry<Long, ReplicationPosition> previous = bySentAt.lowerEntry(sentAtNanos);
            if (previous != null && equal(previous.getValue(), position)) {
                bySentAt.remove(previous.getKey());
                size--;
            }
            bySentAt.put(sentAtNanos, position);
            size++;
            while (size > capacity) {
                bySentAt.pollFirstEntry();
                size--;
            }
        } finally {
            writes.unlock();
        }
    }

    /**
     * The position of the earliest retained sample sent at or after {@code committedAtNanos}, which includes a
     * commit acknowledged then; empty when the primary has not been probed since.
     */
    public Optional<ReplicationPosition> covering(long committedAtNanos) {
        Map.Entry<Long, ReplicationPosition> sample = bySentAt.ceilingEntry(committedAtNanos);
        return sample == null ? Optional.empty() : Optional.of(sample.getValue());
    }

    /** The newest sample's position, if any. */
    public Optional<ReplicationPosition> latest() {
        Map.Entry<Long, ReplicationPosition> sample = bySentAt.lastEntry();
        return sample == null ? Optional.empty() : Optional.of(sample.getValue());
    }

    /** Samples retained now. */
    public int size() {
        return size;
    }

    private static boolean equal(ReplicationPosition a, ReplicationPosition b) {
        return a.covers(b) && b.covers(a);
    }
}
