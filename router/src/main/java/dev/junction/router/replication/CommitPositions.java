package dev.junction.router.replication;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where commits went, by table: what a read must wait for to see them. One instance per session serves
 * {@code session} consistency; one per cluster per JVM, shared by every connection, serves {@code global}.
 *
 * <p>Table-aware freshness: a commit that wrote known tables is recorded against those tables only, so a
 * read of other tables need not wait for it, and a replica that lags only on tables a read does not touch
 * may serve it. A commit whose tables are unknown (an unparsed statement, a function with side effects)
 * is recorded against every table. Names are compared case-insensitively, as the router reports them.
 *
 * <p>Thread-safe and lock-free: positions only ever grow, by {@link ReplicationPosition#mergedWith}.
 */
public final class CommitPositions {
    private final Map<String, ReplicationPosition> byTable = new ConcurrentHashMap<>();
    private final AtomicReference<ReplicationPosition> anyTable = new AtomicReference<>();
    private final AtomicReference<ReplicationPosition> everything = new AtomicReference<>();

    /**
     * Records a commit at {@code position} that wrote {@code tables}; an empty collection means the tables
     * are unknown, so the commit counts against every table.
     */
    public void recordCommit(ReplicationPosition position, Collection<String> tables) {
        everything.accumulateAndGet(position, CommitPositions::merge);
        if (tables.isEmpty()) {
            anyTable.accumulateAndGet(position, CommitPositions::merge);
            return;
        }
        for (String table : tables) {
            byTable.merge(normalize(table), position, ReplicationPosition::mergedWith);
        }
    }

    /**
     * The position a read of {@code tablesRead} must see: every commit to those tables and every commit to
     * unknown tables. An empty collection means the read's tables are unknown: every commit counts.
     */
    public Optional<ReplicationPosition> requiredFor(Collection<String> tablesRead) {
        if (tablesRead.isEmpty()) {
            return Optional.ofNullable(everything.get());
        }
        ReplicationPosition required = anyTable.get();
        for (String table : tablesRead) {
            required = merge(required, byTable.get(normalize(table)));
        }
        return Optional.ofNullable(required);
    }

    /** Every commit recorded, whatever its tables: the causal token's position. */
    public Optional<ReplicationPosition> latest() {
        return Optional.ofNullable(everything.get());
    }

    private static ReplicationPosition merge(ReplicationPosition a, ReplicationPosition b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.mergedWith(b);
    }

    private static String normalize(String table) {
        return table.toLowerCase(Locale.ROOT);
    }
}
