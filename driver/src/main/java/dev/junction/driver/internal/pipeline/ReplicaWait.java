package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.Node;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeId;
import dev.junction.router.StaleReadFallback;
import dev.junction.router.TopologySnapshot;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What a read does once the routing policy has found no replica for it ({@code staleReadFallback}, design §4, §5): the
 * primary at once, a bounded wait for a replica to catch up, or the {@code NO_FRESH_REPLICA} error. The route step
 * ({@link ReplicaRouter}) routes; this class decides, after each {@link Shortfall}, whether to learn more and route
 * again or to give up, and how.
 *
 * <p>The algorithm, one round per shortfall:
 * <ol>
 *   <li>A commit the read needs that no probe of the primary has located yet ({@link Shortfall#unlocated()}): no
 *       replica can be shown to have it. The monitor is asked to probe the primary now; {@code primary} reads there at
 *       once (it has the commit), {@code wait} and {@code fail} wait for the next snapshot and route again, and at the
 *       deadline {@code wait} reads on the primary while {@code fail} throws.</li>
 *   <li>A replica behind on this session's commits ({@link Shortfall#behind()}) may simply not have been probed since
 *       it caught up: the replica the policy found closest is asked directly, once per round, on the session's own
 *       connection to it, and the read routes again if the answer is news. Once, because a second question in the
 *       same round would get the same answer: only waiting changes it.</li>
 *   <li>Then the fallback: {@code fail} throws at once (a stale or down replica is not waited for), {@code primary}
 *       reads there, and {@code wait} waits until {@code replicaWaitTimeout} before reading on the primary. A replica
 *       behind on our commits waits inside the server where it can (MariaDB {@code MASTER_GTID_WAIT}, MySQL
 *       {@code WAIT_FOR_EXECUTED_GTID_SET}), which ends the moment it catches up; elsewhere it is polled every
 *       {@link #POLL_NANOS 5 ms}, because the monitor's next snapshot may be a whole {@code monitorInterval} away while
 *       the replica is typically milliseconds behind. A stale or down replica waits for the monitor's next snapshot,
 *       which is the only thing that can change its staleness bound. After each wait the closest replica may be asked
 *       again.</li>
 * </ol>
 *
 * <p>Caveats. The deadline is {@code replicaWaitTimeout} from the first time a read has to wait, read from the clock
 * only then: a read that routes at once, or falls back at once, never reads the clock. It bounds the waiting, not the
 * questions: a round that asks a replica and routes again costs a round trip more. An interrupt during a wait
 * restores the thread's interrupt flag and reads on the primary, which has everything. Without a monitor
 * ({@link Shortfall#monitored()} false) there is nothing to ask or wait for: {@code wait} means the primary.
 *
 * <p>One per logical connection, whose thread it runs on; the state of a wait lives in the call.
 */
final class ReplicaWait {
    /** How often a replica behind on this session's commits is asked again when it cannot wait inside the server. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** What one routing of the read came to: see {@link Routed} and {@link Shortfall}. */
    sealed interface Outcome permits Routed, Shortfall {}

    /** The read runs on {@code node}: a replica that qualifies, or the primary for a read that belongs there. */
    record Routed(Node node) implements Outcome {}

    /**
     * No replica qualifies (the policy's {@code NO_REPLICA}), as of {@code snapshot} and {@code positions}.
     *
     * @param behind    whether a replica is up and within the lag budget but behind on the commits the read needs
     * @param candidate the up replica the policy found closest to qualifying, or null
     * @param unlocated the instant of a commit the read needs that no probe of the primary has located yet; only
     *                  with a monitor
     * @param monitored whether a monitor publishes snapshots and positions: without one nothing can be awaited
     */
    record Shortfall(
            TopologySnapshot snapshot,
            Map<NodeId, TopologyMonitor.Probed> positions,
            StaleReadFallback fallback,
            boolean behind,
            NodeId candidate,
            OptionalLong unlocated,
            boolean monitored)
            implements Outcome {}

    /** The route step's side of a wait: routing again, and the two ways of giving up. */
    interface Route {
        /** Routes the read once more, on the monitor's current snapshot. */
        Outcome route() throws SQLException;

        /** The node a read falls back to. */
        Node primary() throws SQLException;

        /** The error of {@code staleReadFallback=fail}, naming every replica and why it did not qualify. */
        SQLException noFreshReplica(Shortfall shortfall);
    }

    /** How a wait learns that a replica has caught up; every blocking call is bounded by its timeout. */
    interface CatchUp {
        /** Has the monitor probe the primary soon, to locate an unlocated commit; never blocks. */
        void requestPrimaryProbe();

        /**
         * Asks {@code candidate} how far it has replayed, one round trip.
         *
         * @return whether the answer is news worth routing again on
         */
        boolean askReplica(NodeId candidate, TopologySnapshot snapshot);

        /**
         * Has {@code candidate} wait inside the server, for at most {@code timeoutNanos}, for the commits the read needs.
         *
         * @return false when it cannot wait that way (no candidate, no such wait, an error): the caller polls instead
         */
        boolean awaitInsideReplica(NodeId candidate, long timeoutNanos);

        /** Returns once a snapshot newer than {@code seen} is published, or after {@code timeoutNanos}. */
        void awaitNewerSnapshot(TopologySnapshot seen, long timeoutNanos) throws InterruptedException;
    }

    private final long timeoutNanos;
    private final LongSupplier clock;
    private final ClusterMetrics metrics;

    /** @param clock nanoseconds, {@link System#nanoTime} outside tests */
    ReplicaWait(Duration replicaWaitTimeout, LongSupplier clock) {
        this(replicaWaitTimeout, clock, ClusterMetrics.OFF);
    }

    /** @param metrics where each wait is counted, with its duration, once it ends */
    ReplicaWait(Duration replicaWaitTimeout, LongSupplier clock, ClusterMetrics metrics) {
        this.timeoutNanos = replicaWaitTimeout.toNanos();
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * The node that takes a read the policy found no replica for, after waiting if {@code staleReadFallback} says so.
     *
     * @throws SQLException {@code NO_FRESH_REPLICA} under {@code staleReadFallback=fail}, or what {@code route} throws
     */
    Node after(Shortfall first, Route route, CatchUp catchUp) throws SQLException {
        Waiting waiting = new Waiting(route, catchUp);
        Shortfall shortfall = first;
        try {
            while (true) {
                Node node = waiting.next(shortfall);
                if (node != null) {
                    return node;
                }
                Outcome outcome = route.route();
                if (outcome instanceof Routed routed) {
                    return routed.node();
                }
                shortfall = (Shortfall) outcome;
            }
        } finally {
            waiting.counted();
        }
    }

    /** One read's wait: its deadline, and whether the closest replica has been asked since the last wait. */
    private final class Waiting {
        private final Route route;
        private final CatchUp catchUp;
        private boolean waiting;
        private long deadline;
        private boolean asked;
        /** Whether some shortfall was the session's own commits (read-your-writes), not a stale or down replica. */
        private boolean readYourWrites;

        Waiting(Route route, CatchUp catchUp) {
            this.route = route;
            this.catchUp = catchUp;
        }

        /** The node the read takes now, or null when something was learnt or awaited: route again. */
        Node next(Shortfall shortfall) throws SQLException {
            readYourWrites |= shortfall.behind() || shortfall.unlocated().isPresent();
            if (shortfall.unlocated().isPresent()) {
                return unlocated(shortfall);
            }
            if (shortfall.behind()
                    && shortfall.monitored()
                    && !asked
                    && catchUp.askReplica(shortfall.candidate(), shortfall.snapshot())) {
                asked = true;
                return null;
            }
            asked = true;
            return fallBack(shortfall);
        }

        private Node unlocated(Shortfall shortfall) throws SQLException {
            catchUp.requestPrimaryProbe();
            if (shortfall.fallback() == StaleReadFallback.PRIMARY) {
                return route.primary();
            }
            long remaining = remaining();
            if (remaining <= 0) {
                if (shortfall.fallback() == StaleReadFallback.FAIL) {
                    throw route.noFreshReplica(shortfall);
                }
                return route.primary();
            }
            return awaitNewerSnapshot(shortfall.snapshot(), remaining);
        }

        private Node fallBack(Shortfall shortfall) throws SQLException {
            if (shortfall.fallback() == StaleReadFallback.FAIL) {
                throw route.noFreshReplica(shortfall);
            }
            if (shortfall.fallback() != StaleReadFallback.WAIT || !shortfall.monitored()) {
                return route.primary();
            }
            long remaining = remaining();
            if (remaining <= 0) {
                return route.primary();
            }
            if (shortfall.behind() && catchUp.awaitInsideReplica(shortfall.candidate(), remaining)) {
                asked = false;
                return null;
            }
            Node interrupted = awaitNewerSnapshot(
                    shortfall.snapshot(), shortfall.behind() ? Math.min(remaining, POLL_NANOS) : remaining);
            if (interrupted == null) {
                asked = false;
            }
            return interrupted;
        }

        /** Counts the wait, if the read waited: the clock is read again only then. */
        void counted() {
            if (waiting) {
                metrics.waited(readYourWrites, clock.getAsLong() - (deadline - timeoutNanos));
            }
        }

        /** Nanoseconds left until the deadline, set by the first call. */
        private long remaining() {
            if (!waiting) {
                deadline = clock.getAsLong() + timeoutNanos;
                waiting = true;
            }
            return deadline - clock.getAsLong();
        }

        /** Null after the wait; the primary when the wait was interrupted, with the interrupt flag restored. */
        private Node awaitNewerSnapshot(TopologySnapshot seen, long timeoutNanos) throws SQLException {
            try {
                catchUp.awaitNewerSnapshot(seen, timeoutNanos);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return route.primary();
            }
        }
    }
}
