package dev.junction.router.replication;

import java.util.Locale;

/** A PostgreSQL WAL position: totally ordered, so covering is an unsigned comparison. */
public record LogSequenceNumber(long value) implements ReplicationPosition {

    /** Parses {@code X/Y} (two hexadecimal halves), as {@code pg_current_wal_lsn()} prints it. */
    public static LogSequenceNumber parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException(
                    "Not a PostgreSQL LSN: \"" + text + "\"; expected two hexadecimal halves such as 0/16B3748");
        }
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
                throw new IllegalArgumentException(
                        "Not a PostgreSQL LSN: \"" + text + "\"; each half has at most 8 hexadecimal digits");
            }
            return new LogSequenceNumber((high << 32) | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Not a PostgreSQL LSN: \"" + text + "\"; expected two hexadecimal halves such as 0/16B3748", e);
        }
    }

    @Override
    public boolean covers(ReplicationPosition other) {
        if (!(other instanceof LogSequenceNumber lsn)) {
            throw new IllegalArgumentException("Cannot compare a PostgreSQL LSN with " + other);
        }
        return Long.compareUnsigned(value, lsn.value) >= 0;
    }

    @Override
    public ReplicationPosition mergedWith(ReplicationPosition other) {
        return covers(other) ? this : other;
    }

    @Override
    public String text() {
        return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return text();
    }
}
