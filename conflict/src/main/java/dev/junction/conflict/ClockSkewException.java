package dev.junction.conflict;

/**
 * A timestamp from another master leads this machine's wall clock by more than the accepted skew. Either that
 * master's clock (or the clock of a writer that stamped the row) is wrong, or this machine's is: fix the clocks (NTP)
 * or raise the bound; the driver reports it as an {@code SQLException} naming the row's node.
 */
public final class ClockSkewException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long remote;
    private final long wallMillis;

    ClockSkewException(long remote, long wallMillis, long maxSkewMillis) {
        super("A hybrid logical timestamp " + HlcTimestamp.format(remote) + " leads this machine's clock ("
                + java.time.Instant.ofEpochMilli(wallMillis) + ") by " + (HlcTimestamp.millis(remote) - wallMillis)
                + " ms, more than the " + maxSkewMillis + " ms accepted: check the clocks of the masters and of the"
                + " writers (NTP), or raise the accepted skew");
        this.remote = remote;
        this.wallMillis = wallMillis;
    }

    /** The refused timestamp, packed. */
    public long remote() {
        return remote;
    }

    /** This machine's wall clock when it was refused, milliseconds since the epoch. */
    public long wallMillis() {
        return wallMillis;
    }
}
