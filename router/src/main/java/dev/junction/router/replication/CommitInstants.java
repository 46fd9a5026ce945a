package dev.junction.router.replication;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
  private final Map<String, Long> byTable = new ConcurrentHashMap<>();
  private final AtomicReference<Long> anyTable = new AtomicReference<>();
  private final AtomicReference<Long> everything = new AtomicReference<>();

  /**
   * Records a commit acknowledged at {@code committedAtNanos} that wrote {@code tables}; an empty collection means
   * the tables are unknown, so the commit counts against every table.
   */
  public void recordCommit(long committedAtNanos, Collection<String> tables) {
    Long instant = committedAtNanos;
    everything.accumulateAndGet(instant, CommitInstants::later);
    if (tables.isEmpty()) {
      anyTable.accumulateAndGet(instant, CommitInstants::later);
      return;
    }
    for (String table : tables) {
      byTable.merge(normalize(table), instant, CommitInstants::later);
    }
  }

  /**
   * The latest commit a read of {@code tablesRead} must see: every commit to those tables and every commit to
   * unknown tables. An empty collection means the read's tables are unknown: every commit counts.
   */
  public OptionalLong requiredFor(Collection<String> tablesRead) {
    Long latest = everything.get();
    if (latest == null || tablesRead.isEmpty()) {
      return of(latest); // no commit recorded yet: no table to look up
    }
    Long required = anyTable.get();
    for (String table : tablesRead) {
      required = later(required, byTable.get(normalize(table)));
    }
    return of(required);
  }

  /** The latest commit recorded, whatever its tables: what a causal token must cover. */
  public OptionalLong latest() {
    return of(everything.get());
  }

  /** The later of two ticker instants, either of which may be absent. */
  private static Long later(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null || a - b >= 0 ? a : b;
  }

  private static OptionalLong of(Long instant) {
    return instant == null ? OptionalLong.empty() : OptionalLong.of(instant);
  }

  private static String normalize(String table) {
    return table.toLowerCase(Locale.ROOT);
  }
}
