package dev.junction.router.replication;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When commits were acknowledged, by table: the instant a read must see. One instance per session serves
 * {@code session} consistency; one per cluster per JVM, shared by every connection, serves {@code global}.
 *
 * <p>A commit is recorded as the instant the primary acknowledged it (a monotonic ticker read after the commit
 * returned), not as a replication position: asking the primary for a position would cost a round trip per commit.
 * {@link PrimarySamples} turns an instant into a position later, with the first probe of the primary sent at or
 * after it.
 *
 * <p>Table-aware freshness: a commit that wrote known tables is recorded against those tables only, so a read of
 * other tables need not wait for it. A commit whose tables are unknown (an unparsed statement, a function with side
 * effects) is recorded against every table. Names are compared case-insensitively, as the router reports them.
 *
 * <p>Ticker values are {@link System#nanoTime()}-like: they may wrap, so they are only ever compared by the sign of
 * their difference. Thread-safe and lock-free: each instant kept only ever moves later.
 */
public final class CommitInstants {
    // Primitive cells, created once per table: a commit stores no new object into this long-lived, shared structure
    // (a boxed Long per commit made every commit take G1's cross-region write barrier and its refinement work).
    private final Map<String, Instant> byTable = new ConcurrentHashMap<>();
    private final Instant anyTable = new Instant();
    private final Instant everything = new Instant();
    /** Commits recorded so far, counted after their instants are stored. */
    private final AtomicLong commits = new AtomicLong();

    /**
     * Records a commit acknowledged at {@code committedAtNanos} that wrote {@code tables}; an empty collection means
     * the tables are unknown, so the commit counts against every table.
     */
    public void recordCommit(long committedAtNanos, Collection<String> tables) {
        record(committedAtNanos, tables);
        commits.incrementAndGet();
    }

    /**
     * The cells a commit of {@code tables} advances (empty: unknown tables), looked up once: a session that commits
     * to the same tables again records through them without a map lookup per table.
     */
    public Cells cellsFor(Collection<String> tables) {
        if (tables.isEmpty()) {
            return new Cells(new Instant[] {anyTable});
        }
        Instant[] cells = new Instant[tables.size()];
        int i = 0;
        for (String table : tables) {
            cells[i++] = byTable.computeIfAbsent(normalize(table), name -> new Instant());
        }
        return new Cells(cells);
    }

    /** Records a commit through cells from {@link #cellsFor} of this instance, as {@link #recordCommit} would. */
    public void recordCommit(long committedAtNanos, Cells cells) {
        everything.advanceTo(committedAtNanos);
        for (Instant cell : cells.cells) {
            cell.advanceTo(committedAtNanos);
        }
        commits.incrementAndGet();
    }

    /** The cells of one set of tables, for {@link #recordCommit(long, Cells)}; valid for the instance's lifetime. */
    public static final class Cells {
        private final Instant[] cells;

        private Cells(Instant[] cells) {
            this.cells = cells;
        }
    }

    private void record(long committedAtNanos, Collection<String> tables) {
        everything.advanceTo(committedAtNanos);
        if (tables.isEmpty()) {
            anyTable.advanceTo(committedAtNanos);
            return;
        }
        for (String table : tables) {
            String key = normalize(table);
            Instant instant = byTable.get(key); // a plain read first: the cell exists after a table's first commit
            if (instant == null) {
                instant = byTable.computeIfAbsent(key, name -> new Instant());
            }
            instant.advanceTo(committedAtNanos);
        }
    }

    /**
     * The latest commit a read of {@code tablesRead} must see: every commit to those tables and every commit to
     * unknown tables. An empty collection means the read's tables are unknown: every commit counts.
     */
    public OptionalLong requiredFor(Collection<String> tablesRead) {
        if (!everything.recorded() || tablesRead.isEmpty()) {
            return everything.get(); // nothing recorded yet: no table to look up
        }
        OptionalLong required = anyTable.get();
        for (String table : tablesRead) {
            Instant instant = byTable.get(normalize(table));
            if (instant != null) {
                required = later(required, instant.get());
            }
        }
        return required;
    }

    /** The latest commit recorded, whatever its tables: what a causal token must cover. */
    /**
     * How many commits have been recorded: when two reads of it are equal, {@link #requiredFor} answered the same in
     * between (a commit is counted after its instants are stored), which lets a session reuse a decision it made.
     */
    public long commitCount() {
        return commits.get();
    }

    public OptionalLong latest() {
        return everything.get();
    }

    private static OptionalLong later(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.getAsLong() - b.getAsLong() >= 0 ? a : b;
    }

    /** One instant that only moves later; absent until the first commit. */
    private static final class Instant {
        private final AtomicLong nanos = new AtomicLong();
        private volatile boolean recorded;

        void advanceTo(long instant) {
            if (!recorded) {
                // The first commit sets the value outright: 0 is a valid ticker value, not a "before everything".
                synchronized (this) {
                    if (!recorded) {
                        nanos.set(instant);
                        recorded = true;
                        return;
                    }
                }
            }
            nanos.accumulateAndGet(instant, (current, next) -> next - current > 0 ? next : current);
        }

        boolean recorded() {
            return recorded;
        }

        OptionalLong get() {
            return recorded ? OptionalLong.of(nanos.get()) : OptionalLong.empty();
        }
    }

    private static String normalize(String table) {
        return table.toLowerCase(Locale.ROOT);
    }
}
