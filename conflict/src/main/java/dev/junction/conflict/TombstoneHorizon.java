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
 *   <li>A tombstone may be purged only once every master holds it (reconcile found it identical everywhere), every
 *       master has applied what the others had written by then (no replication stream still carries a write older
 *       than it), and its timestamp is more than {@code retention} old.
 *   <li>Every write applied through Junction and every row that reconcile copies between masters must carry a
 *       timestamp no older than {@code retention}: an older one is refused ({@link #admits}).
 * </ol>
 *
 * <p>Why it is safe: a write W that could be resurrected by the purge of tombstone T is older than T (otherwise W wins
 * over T anyway and the row lives legitimately). While T is on some master, W meets T there and loses, including during
 * reconcile; T is purged only after every master holds it, so W cannot hide on a master that never saw T, and only
 * after the replication streams have delivered what was written before, so W cannot be on its way to a master either
 * (an INSERT of the key arriving after the purge would otherwise recreate the row). A W that appears later anyway
 * (a writer partitioned for days, a restored backup) is older than T, which was older than {@code retention} when
 * purged, so W is older than {@code retention} and rule 2 refuses it. The cost of the rule: a write that takes longer than {@code retention} minus the clocks'
 * skew to reach a master (a replication stream paused for days, a partitioned writer) is refused instead of applied,
 * so {@code retention} must exceed the longest outage to ride through (days, not seconds).
 */
public final class TombstoneHorizon {
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
