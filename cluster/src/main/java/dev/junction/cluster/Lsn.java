package dev.junction.cluster;

/**
 * A PostgreSQL WAL position ({@code 16/B374D848}), comparable and subtractable so tests can say "replayed
 * at least this far" and the demo can print lag in bytes.
 */
public record Lsn(long value) implements Comparable<Lsn> {
    public static Lsn parse(String text) {
        if (text == null) {
            return new Lsn(0);
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Not an LSN: " + text);
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn((high << 32) | low);
    }

    /** Bytes from {@code other} up to this position (negative if this one is behind). */
    public long bytesAfter(Lsn other) {
        return value - other.value;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
