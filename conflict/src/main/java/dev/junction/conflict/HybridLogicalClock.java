package dev.junction.conflict;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014): timestamps that follow the
 * physical clock closely enough to read as times, yet never go back and order every event after the events it could
 * have seen, whatever the skew between machines. Junction stamps each write to an opted-in table with one ({@code
 * _hlc}), so that last-writer-wins picks the causally later write.
 *
 * <p>A timestamp is packed in one {@code long} (a SQL {@code BIGINT}) by {@link HlcTimestamp}: bits 16 to 62 are
 * milliseconds since the epoch, the low 16 bits a logical counter that orders events within one millisecond, so
 * timestamps compare as plain numbers. {@link #now()} (a local event: a write) and {@link #receive(long)} (a
 * timestamp seen on a row read from another master) follow the paper's rules: the physical part is the largest of the
 * wall clock, the clock's last timestamp and the received one; the counter restarts at 0 when the wall clock moved it
 * and counts up otherwise. When the counter would pass 65,535 in one millisecond, the physical part moves on by one
 * millisecond instead: the clock runs that much ahead of the wall clock, and catches up when it advances.
 *
 * <p>A received timestamp more than {@code maxSkew} ahead of this machine's wall clock is refused ({@link
 * ClockSkewException}) and leaves the clock as it was: taking it would drag every later write of this JVM that far
 * into the future, beyond the reach of correctly set clocks. Thread-safe without locks (one atomic compare-and-set per
 * event); the wall clock is injected ({@code System::currentTimeMillis} outside tests).
 */
public final class HybridLogicalClock {
    private final LongSupplier wallClockMillis;
    private final long maxSkewMillis;
    /** The last timestamp issued or received, packed. */
    private final AtomicLong last = new AtomicLong();

    /**
     * @param wallClockMillis milliseconds since the epoch
     * @param maxSkew the most a received timestamp may lead this machine's wall clock; positive
     */
    public HybridLogicalClock(LongSupplier wallClockMillis, Duration maxSkew) {
        this.wallClockMillis = Objects.requireNonNull(wallClockMillis, "wallClockMillis");
        if (maxSkew.isNegative() || maxSkew.isZero()) {
            throw new IllegalArgumentException("maxSkew must be positive, was " + maxSkew);
        }
        this.maxSkewMillis = maxSkew.toMillis();
    }

    /** A clock on the system's wall clock that accepts timestamps up to {@code maxSkew} ahead of it. */
    public static HybridLogicalClock system(Duration maxSkew) {
        return new HybridLogicalClock(System::currentTimeMillis, maxSkew);
    }

    /** A timestamp for a local event (a write), later than every timestamp this clock issued or received. */
    public long now() {
        long wall = wall();
        while (true) {
            long previous = last.get();
            long next = successor(previous, HlcTimestamp.ofMillis(wall));
            if (last.compareAndSet(previous, next)) {
                return next;
            }
        }
    }

    /**
     * Takes in a timestamp from another master (a row's {@code _hlc} read there) and returns a timestamp for the
     * receiving event: later than {@code remote} and than every timestamp this clock issued or received.
     *
     * @throws ClockSkewException when {@code remote} leads this machine's wall clock by more than the accepted skew;
     *     the clock is unchanged
     */
    public long receive(long remote) {
        HlcTimestamp.check(remote);
        long wall = wall();
        long lead = HlcTimestamp.millis(remote) - wall;
        if (lead > maxSkewMillis) {
            throw new ClockSkewException(remote, wall, maxSkewMillis);
        }
        while (true) {
            long previous = last.get();
            long next = successor(Math.max(previous, remote), HlcTimestamp.ofMillis(wall));
            if (last.compareAndSet(previous, next)) {
                return next;
            }
        }
    }

    /** The last timestamp issued or received; 0 before the first. */
    public long last() {
        return last.get();
    }

    /**
     * The next timestamp after {@code latest} given the wall clock: the wall clock's millisecond with counter 0 when
     * it is ahead, otherwise {@code latest} with its counter one up (the physical part carrying over at overflow).
     */
    private static long successor(long latest, long wallAtZero) {
        return wallAtZero > latest ? wallAtZero : latest + 1; // the counter's overflow carries into the milliseconds
    }

    private long wall() {
        long wall = wallClockMillis.getAsLong();
        if (wall < 0 || wall > HlcTimestamp.MAX_MILLIS) {
            throw new IllegalStateException("The wall clock read " + wall + " ms since the epoch, outside 0.."
                    + HlcTimestamp.MAX_MILLIS + ": it cannot be packed into a hybrid logical timestamp");
        }
        return wall;
    }
}
