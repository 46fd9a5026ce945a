package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code syncTimeoutAction=degrade} across the connections to one cluster: once a commit under a rule (how many
 * replicas, flushed or applied) has waited {@code syncTimeout} in vain, the rule is degraded, and later commits under
 * it wait {@link #WAIT} at most, with the same warning when not confirmed in that time, until one is confirmed in it:
 * the rule is then whole again and commits wait up to {@code syncTimeout} once more.
 *
 * <p>Why: without it, a replica that stops applying (a long query or a {@code VACUUM FULL} on a PostgreSQL standby
 * held replay for 50-85 s in published field reports) made every degraded commit wait the whole {@code syncTimeout}
 * before its warning, five seconds a commit by default, for as long as it lasted. MariaDB's semi-sync behaves alike:
 * after one timeout it commits asynchronously until a replica catches up. Unlike that fall-back, each degraded commit
 * is still asked after, briefly, and still warned of: the application learns of every commit that is not confirmed,
 * and the rule is restored by the first that is.
 *
 * <p>Thread-safe: shared by every connection of a cluster and credentials ({@link ReplicaAcknowledgements}).
 */
public final class DegradedRules {
    /**
     * How long a commit under a degraded rule waits for its replicas: long enough for replicas that keep up again to
     * confirm (well under a millisecond on loopback, a few on a network), short enough that an outage costs each
     * commit little.
     */
    public static final Duration WAIT = Duration.ofMillis(100);

    private static final Logger LOG = Logger.getLogger("dev.junction.sync");

    private final String cluster;
    private final Set<Rule> degraded = ConcurrentHashMap.newKeySet();

    /** A rule: what a commit requires, and how far its replicas must have come. */
    private record Rule(SyncRequirement requirement, SyncAck ack) {}

    /** @param cluster how log lines name the cluster */
    public DegradedRules(String cluster) {
        this.cluster = cluster;
    }

    /** Whether commits under {@code requirement} and {@code ack} wait {@link #WAIT} at most now. */
    public boolean degraded(SyncRequirement requirement, SyncAck ack) {
        return !degraded.isEmpty() && degraded.contains(new Rule(requirement, ack));
    }

    /**
     * Whether any rule is degraded: what bounds the server's own wait for a commit whose rule is not known yet when the
     * bound is set ({@code CommitSync#watch}). A commit under a rule that is whole is confirmed by the server far
     * sooner than {@link #WAIT}, so the shorter bound costs it nothing.
     */
    public boolean anyDegraded() {
        return !degraded.isEmpty();
    }

    /** The degraded rules as operators read them ({@code sync/apply}, {@code quorum:2/flush}), sorted. */
    public java.util.List<String> describe() {
        return degraded.stream()
                .map(rule -> rule.requirement() + "/" + rule.ack().name().toLowerCase(java.util.Locale.ROOT))
                .sorted()
                .toList();
    }

    /** A commit under the rule was not confirmed in time under {@code syncTimeoutAction=degrade}. */
    public void timedOut(SyncRequirement requirement, SyncAck ack, Duration syncTimeout) {
        if (degraded.add(new Rule(requirement, ack))) {
            LOG.log(
                    Level.WARNING,
                    () -> "Junction cluster " + cluster + ": syncMode " + requirement + " (syncAck="
                            + ack.name().toLowerCase(java.util.Locale.ROOT)
                            + ") degraded: a commit was not confirmed within syncTimeout="
                            + CommitSync.format(syncTimeout) + "; its commits wait " + WAIT.toMillis()
                            + " ms at most, each with a warning, until one is confirmed in that time");
        }
    }

    /** A commit under the rule was confirmed: the rule is whole, if it was degraded. */
    public void confirmed(SyncRequirement requirement, SyncAck ack) {
        if (!degraded.isEmpty() && degraded.remove(new Rule(requirement, ack))) {
            LOG.log(
                    Level.INFO,
                    () -> "Junction cluster " + cluster + ": syncMode " + requirement + " (syncAck="
                            + ack.name().toLowerCase(java.util.Locale.ROOT)
                            + ") whole again: a commit was confirmed in time");
        }
    }
}
