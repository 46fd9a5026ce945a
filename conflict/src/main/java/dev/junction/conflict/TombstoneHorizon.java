package dev.junction.conflict;

import java.time.Duration;

/**
 * When a tombstone may go, and which late writes must be refused so that its going cannot bring the row back.
 *
 * <p>A deleted row of an opted-in table is kept as a tombstone: its stamp is what makes an older write to the row,
 * still travelling from another master, lose. Purging it naively lets such a write recreate the row (a resurrection).
 * The rule:
 *
 * <ol>
 *   <li>A tombstone may be purged only once every master holds it (reconcile found it identical everywhere) and its
 *       timestamp is more than {@code retention} old.
 *   <li>Every write applied (through Junction, by replication, where the masters' insert guards check it, and by
 *       reconcile's copies between masters) must carry a timestamp no older than {@code retention}: an older one is
 *       refused ({@link #admits}).
 * </ol>
 *
 * <p>Why it is safe: a write W that could be resurrected by the purge of tombstone T is older than T (otherwise W wins
 * over T anyway and the row lives legitimately). While T is on some master, W meets T there and loses, including during
 * reconcile; T is purged only after every master holds it, so W cannot hide on a master that never saw T. A W that
 * arrives after the purge (an INSERT still in a replication stream, a writer partitioned for days, a restored backup)
 * is older than T, which was older than {@code retention} when purged, so W is older than {@code retention} and rule
 * 2 refuses it: the insert guard of the master it reaches skips it (PostgreSQL) or fails it (MariaDB, which stops
 * replication loudly rather than bring the row back). The cost of the rule: a write that takes longer than {@code retention} minus the clocks'
 * skew to reach a master (a replication stream paused for days, a partitioned writer) is refused instead of applied,
 * so {@code retention} must exceed the longest outage to ride through (days, not seconds).
 */
public final class TombstoneHorizon {
    /** The retention when none is configured ({@code tombstoneRetention}): a week. */
    public static final java.time.Duration DEFAULT_RETENTION = java.time.Duration.ofDays(7);

    private final long retentionMillis;

    /** @param retention how long a tombstone is kept at least, and how late a write may arrive at most; positive */
    public TombstoneHorizon(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("The tombstone retention must be positive, was " + retention);
        }
        this.retentionMillis = retention.toMillis();
    }

    /**
     * Whether the tombstone stamped {@code tombstone} may be purged at {@code now}.
     *
     * @param heldByEveryMaster whether every master holds this tombstone
     */
    public boolean collectable(long tombstone, long now, boolean heldByEveryMaster) {
        return heldByEveryMaster && age(tombstone, now) > retentionMillis;
    }

    /** Whether a write stamped {@code write} may still be applied at {@code now}: no older than the retention. */
    public boolean admits(long write, long now) {
        return age(write, now) <= retentionMillis;
    }

    private static long age(long stamp, long now) {
        HlcTimestamp.check(stamp);
        HlcTimestamp.check(now);
        return HlcTimestamp.millis(now) - HlcTimestamp.millis(stamp);
    }
}
