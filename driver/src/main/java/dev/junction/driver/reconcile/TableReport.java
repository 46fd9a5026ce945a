package dev.junction.driver.reconcile;

import java.time.Duration;

/**
 * What {@link Reconciler#reconcile} found and did for one table.
 *
 * @param table        the table
 * @param rows         the most rows any master held
 * @param buckets      how many buckets the rows were hashed into
 * @param bucketsApart buckets whose digests differed between masters (their rows were compared one by one)
 * @param keysDecided  keys the masters disagreed on, each a row of the conflict log
 * @param repairs      writes that bring a master to a winner: made, or with {@code dryRun} only counted
 * @param keysRefused  keys left alone: copying their winner to a master that lacks it could bring back a row deleted
 *                     longer ago than the tombstone retention
 * @param dryRun       whether nothing was written
 * @param took         how long it took
 */
public record TableReport(
        String table,
        long rows,
        int buckets,
        int bucketsApart,
        int keysDecided,
        int repairs,
        int keysRefused,
        boolean dryRun,
        Duration took) {
    /** Whether the masters already agreed. */
    public boolean nothingToDo() {
        return keysDecided == 0 && repairs == 0 && keysRefused == 0;
    }
}
