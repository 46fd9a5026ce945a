package dev.junction.conflict;

import java.time.Instant;

/**
 * The packing of a {@link HybridLogicalClock} timestamp into a {@code long}: milliseconds since the epoch in bits 16 to
 * 62, a logical counter in the low 16, the sign bit 0. Packed timestamps order as numbers (milliseconds first, then the
 * counter), are never negative, and fit a SQL {@code BIGINT}; 47 bits of milliseconds last until the year 6429.
 */
public final class HlcTimestamp {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;

    /** The largest logical counter. */
    public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;

    /** The largest milliseconds since the epoch a timestamp can hold. */
    public static final long MAX_MILLIS = (1L << (Long.SIZE - 1 - LOGICAL_BITS)) - 1;

    private HlcTimestamp() {}

    /** The timestamp of {@code millis} since the epoch with counter {@code logical}. */
    public static long of(long millis, int logical) {
        if (millis < 0 || millis > MAX_MILLIS || logical < 0 || logical > MAX_LOGICAL) {
            throw new IllegalArgumentException("A hybrid logical timestamp holds 0.." + MAX_MILLIS
                    + " milliseconds and a counter of 0.." + MAX_LOGICAL + ", not " + millis + " and " + logical);
        }
        return (millis << LOGICAL_BITS) | logical;
    }

    /** The timestamp of {@code millis} since the epoch with counter 0. */
    public static long ofMillis(long millis) {
        return of(millis, 0);
    }

    /** The physical part: milliseconds since the epoch. */
    public static long millis(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    /** The logical counter. */
    public static int logical(long timestamp) {
        return (int) (timestamp & MAX_LOGICAL);
    }

    /** Refuses a negative value, which no clock issues (a column read wrongly, or not a timestamp at all). */
    static void check(long timestamp) {
        if (timestamp < 0) {
            throw new IllegalArgumentException(
                    "Not a hybrid logical timestamp: " + timestamp + " (timestamps are never negative)");
        }
    }

    /** Readable form for logs and the conflict log: {@code 2026-12-04T10:15:30.123Z+7}. */
    public static String format(long timestamp) {
        check(timestamp);
        return Instant.ofEpochMilli(millis(timestamp)) + "+" + logical(timestamp);
    }
}
