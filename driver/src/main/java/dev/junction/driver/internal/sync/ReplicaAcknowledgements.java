package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.NodeId;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Waits, for one cluster and set of credentials, until enough replicas hold a commit: the Junction-enforced half of
 * the write sync modes (design §6), shared by the cluster's connections and released with its topology.
 *
 * <p>The algorithm of one wait ({@link #await}): read the primary's position after the commit returned, which covers
 * the commit; then ask every replica that is up, each on a thread of its own so that a slow or hung replica delays
 * nobody else's confirmation, how far it has come ({@link CommitPositions}: flushed or applied), again and again with
 * a pause that starts at {@value #FIRST_PAUSE_MICROS} µs and doubles up to {@value #LONGEST_PAUSE_MICROS} µs, until it
 * covers the position. The committing thread returns as soon as enough replicas confirmed, as soon as too few are left
 * to make up the number, or at the deadline. Replica threads stop at their next question once the wait is over, and a
 * question never outlives the deadline by more than its network timeout ({@value #QUESTION_SLACK_MILLIS} ms after the
 * deadline): no thread or connection is left behind by a wait that timed out.
 *
 * <p>Why each replica is polled with short queries rather than waited on inside the server: PostgreSQL 15 has no
 * server-side wait for a replay position, and a loop inside the server holds a snapshot that may stall the replay it
 * waits for; MariaDB's {@code MASTER_GTID_WAIT} would serve for {@code apply}, but not for {@code flush}, and one
 * mechanism for every server keeps the timing and the tests the same. The pause is short because a replica on a LAN is
 * typically a fraction of a millisecond behind.
 *
 * <p>Connections: one idle queue per node, filled as waits end; a connection that failed is closed, not returned.
 * They are opened with the topology's credentials and call themselves {@code junction-sync} on the server. Thread
 * pool: daemon threads, created on demand and ended after 30 s idle.
 */
public final class ReplicaAcknowledgements implements ReplicaWaits, AutoCloseable {
    static final long FIRST_PAUSE_MICROS = 100;
    static final long LONGEST_PAUSE_MICROS = 2_000;
    static final long QUESTION_SLACK_MILLIS = 1_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String clusterName;
    private final BackendDialect dialect;
    private final NodeConnector connector;
    private final Supplier<List<Node>> nodes;
    private final Map<NodeId, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
    private final ExecutorService questions;
    private volatile boolean closed;

    /**
     * @param nodes the cluster's nodes with their roles as last probed
     * @param connector opens connections with the topology's credentials
     */
    public ReplicaAcknowledgements(
            String clusterName, BackendDialect dialect, NodeConnector connector, Supplier<List<Node>> nodes) {
        this.clusterName = clusterName;
        this.dialect = dialect;
        this.connector = connector;
        this.nodes = nodes;
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "junction-sync-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.questions = pool;
    }

    /** {@inheritDoc} The replica threads stop at their next question once this returns, interrupted or not. */
    @Override
    public Outcome await(SyncRequirement requirement, SyncAck ack, Node primary, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Node> replicas = new ArrayList<>();
        for (Node node : nodes.get()) {
            if (node.role() == ProbedRole.REPLICA && node != primary) {
                replicas.add(node);
            }
        }
        int required = requirement.required(replicas.size());
        if (replicas.size() < required) {
            return new Outcome(0, required, replicas.size(), System.nanoTime() - start);
        }
        ReplicationPosition target;
        CommitPositions positions;
        Connection connection = null;
        try {
            connection = borrow(primary);
            connection.setNetworkTimeout(Runnable::run, millisUntil(deadline));
            positions = CommitPositions.of(dialect, connection);
            target = positions.primary(connection);
            giveBack(primary, connection);
        } catch (SQLException e) {
            discard(connection);
            return new Outcome(0, required, replicas.size(), System.nanoTime() - start);
        }
        Round round = new Round(required, replicas.size());
        for (Node replica : replicas) {
            try {
                questions.execute(() -> confirm(round, replica, positions, target, ack, deadline));
            } catch (RejectedExecutionException e) {
                round.finished(false); // closed meanwhile
            }
        }
        try {
            int confirmed = round.await(deadline);
            return new Outcome(confirmed, required, replicas.size(), System.nanoTime() - start);
        } finally {
            round.end();
        }
    }

    /** One replica's part of a wait: asks until it has the position, the wait is over, or the deadline. */
    private void confirm(
            Round round,
            Node replica,
            CommitPositions positions,
            ReplicationPosition target,
            SyncAck ack,
            long deadline) {
        Connection connection = null;
        boolean confirmed = false;
        try {
            connection = borrow(replica);
            long pause = TimeUnit.MICROSECONDS.toNanos(FIRST_PAUSE_MICROS);
            while (!round.over()) {
                connection.setNetworkTimeout(Runnable::run, millisUntil(deadline));
                ReplicationPosition reached = positions.replica(connection, ack);
                if (reached != null && reached.covers(target)) {
                    confirmed = true;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(Math.min(pause, left));
                pause = Math.min(pause * 2, TimeUnit.MICROSECONDS.toNanos(LONGEST_PAUSE_MICROS));
            }
            giveBack(replica, connection);
        } catch (SQLException | RuntimeException e) {
            discard(connection); // a lost or hung replica, or a privilege missing: this replica does not confirm
        } finally {
            round.finished(confirmed);
        }
    }

    private static int millisUntil(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left + QUESTION_SLACK_MILLIS));
    }

    private Connection borrow(Node node) throws SQLException {
        ConcurrentLinkedDeque<Connection> queue = idle.computeIfAbsent(node.id(), id -> new ConcurrentLinkedDeque<>());
        Connection connection = queue.pollFirst();
        return connection != null ? connection : connector.open(node.address());
    }

    private void giveBack(Node node, Connection connection) {
        if (closed) {
            discard(connection);
            return;
        }
        idle.computeIfAbsent(node.id(), id -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
        if (closed) {
            discard(idle.get(node.id()).pollFirst()); // raced with close: close drains what it saw
        }
    }

    private static void discard(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // already broken: nothing more to release
            }
        }
    }

    /** Ends the threads and closes the idle connections; waits in progress end at their next question. */
    @Override
    public void close() {
        closed = true;
        questions.shutdown();
        for (ConcurrentLinkedDeque<Connection> queue : idle.values()) {
            for (Connection connection = queue.pollFirst(); connection != null; connection = queue.pollFirst()) {
                discard(connection);
            }
        }
    }

    /** Idle connections held now, for tests that check nothing is left behind. */
    public int idleConnections() {
        return idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
    }

    @Override
    public String toString() {
        return "ReplicaAcknowledgements[" + clusterName + "]";
    }

    /** The shared state of one wait: how many replicas confirmed and finished, and whether the wait is over. */
    private static final class Round {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final int required;
        private final int launched;
        private int confirmed;
        private int finished;
        private volatile boolean over;

        Round(int required, int launched) {
            this.required = required;
            this.launched = launched;
        }

        void finished(boolean confirmedIt) {
            lock.lock();
            try {
                finished++;
                if (confirmedIt) {
                    confirmed++;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the outcome is decided or the deadline; returns the replicas that confirmed by then. */
        int await(long deadline) throws InterruptedException {
            lock.lock();
            try {
                while (confirmed < required && confirmed + (launched - finished) >= required) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    changed.awaitNanos(left);
                }
                return confirmed;
            } finally {
                lock.unlock();
            }
        }

        boolean over() {
            return over;
        }

        void end() {
            over = true;
        }
    }
}
