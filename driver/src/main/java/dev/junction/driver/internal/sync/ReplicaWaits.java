package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.topology.Node;
import java.time.Duration;

/** Waits until enough replicas hold what {@code primary} has committed: {@link ReplicaAcknowledgements}, or a fake. */
@FunctionalInterface
public interface ReplicaWaits {
    /**
     * What one wait came to.
     *
     * @param confirmed   replicas that confirmed within the timeout
     * @param required    how many had to
     * @param asked       replicas that were up and asked
     * @param waitedNanos how long the committing thread waited, the primary's position included
     * @param byServer    whether the server's own synchronous replication confirmed it (nothing was asked)
     * @param primaryLost whether the primary could no longer be asked where the commit is: it was lost after the
     *                    commit returned, which leaves the commit's fate to the replicas and the failover
     */
    record Outcome(int confirmed, int required, int asked, long waitedNanos, boolean byServer, boolean primaryLost) {
        Outcome(int confirmed, int required, int asked, long waitedNanos, boolean byServer) {
            this(confirmed, required, asked, waitedNanos, byServer, false);
        }

        static Outcome lostPrimary(int required, long waitedNanos) {
            return new Outcome(0, required, 0, waitedNanos, false, true);
        }

        public boolean met() {
            return confirmed >= required;
        }
    }

    /**
     * Waits until {@code requirement} is met for what {@code primary} has committed so far, or {@code timeout}.
     *
     * @param primaryReports whether the commit's session made the standbys report it to the primary as soon as they
     *                       had it, so that the primary's own view of its standbys may confirm it
     * @param committing     the connection the commit returned on, where its position is asked when it is askable
     *                       ({@link CommittingSession}); null: on a pooled connection
     * @throws InterruptedException the committing thread was interrupted
     */
    Outcome await(
            SyncRequirement requirement,
            SyncAck ack,
            Node primary,
            Duration timeout,
            boolean primaryReports,
            CommittingSession committing)
            throws InterruptedException;

    /** The watch over one commit's wait inside the server ({@link #boundServerWait}). */
    interface ServerWaitBound extends AutoCloseable {
        /** Whether the server's wait was cancelled at the bound: the commit is made, not confirmed. */
        boolean cancelled();

        /** The commit returned: nothing more to watch. */
        @Override
        void close();
    }

    /**
     * Bounds by {@code timeout} the wait the server itself may make for a commit about to run on backend
     * {@code backendPid} of {@code primary}; null when the server makes no such wait.
     */
    default ServerWaitBound boundServerWait(int backendPid, Node primary, Duration timeout) {
        return null;
    }

    /**
     * The cluster's memory of rules degraded by {@code syncTimeoutAction=degrade}, shared by its connections; null
     * where there is none (a fake), when every commit waits up to {@code syncTimeout}.
     */
    default DegradedRules degradedRules() {
        return null;
    }

    /**
     * Whether {@code primary} itself makes commits wait for standbys now (PostgreSQL's
     * {@code synchronous_standby_names} is set).
     *
     * @param fresh read the server's setting now rather than trust a reading up to a second old
     */
    default boolean serverWaits(Node primary, boolean fresh) {
        return false;
    }

    /**
     * Whether {@code primary}'s own synchronous replication gives {@code requirement} to a commit made at the level
     * {@link SyncPolicy#primarySessionSql} sets, from a reading up to a second old.
     */
    default boolean serverCovers(SyncRequirement requirement, Node primary) {
        return false;
    }
}
