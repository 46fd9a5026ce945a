package dev.junction.driver.internal.sync;

import dev.junction.driver.SyncAck;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.NodeId;
import dev.junction.router.replication.LogSequenceNumber;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * the commit, on the connection the commit returned on where that opens no transaction ({@link CommittingSession}),
 * else on a pooled one; then ask the replicas that are up how far they have come ({@link CommitPositions}: flushed or applied)
 * until enough of them cover the position. The committing thread asks them itself, in turn, on their idle pooled
 * connections ({@code askReplicas}); a replica with no idle connection, or one slow to answer, is asked on a thread of
 * its own, so that a slow or hung replica delays nobody else's confirmation, again and again with a pause of {@value
 * #FIRST_PAUSE_MICROS} µs for the first {@value #STEADY_POLL_MICROS} µs, then doubling up to {@value
 * #LONGEST_PAUSE_MICROS} µs. The committing thread returns as soon as enough replicas confirmed, as soon as too few are
 * left to make up the number, or at the deadline. Replica threads stop at their next question once the wait is over,
 * and a question never outlives the deadline by more than its network timeout ({@value #QUESTION_SLACK_MILLIS} ms
 * after the deadline): no thread or connection is left behind by a wait that timed out.
 *
 * <p>Where the server can wait for an applied position itself (MariaDB {@code MASTER_GTID_WAIT}, MySQL
 * {@code WAIT_FOR_EXECUTED_GTID_SET}), {@code syncAck=apply} waits there, in slices of {@value #GTID_WAIT_SLICE_MILLIS}
 * ms so that a wait decided by other replicas ends soon: the answer comes the moment the replica applies the commit.
 * Elsewhere each replica is polled with short queries: PostgreSQL 15 has no server-side wait for a replay position,
 * and a loop inside the server holds a snapshot that may stall the replay it waits for; {@code flush} has no such wait
 * on any server (on MariaDB/MySQL a short applied wait comes first, {@value #FLUSH_GTID_WAIT_MILLIS} ms: applied implies
 * received). The pause is short because a replica on a LAN is typically a fraction of a millisecond behind.
 *
 * <p>PostgreSQL data sources whose {@code syncMode} makes every commit wait, on a session whose
 * {@code synchronous_commit} Junction set ({@code SyncPolicy.primarySessionSql}), take a shorter way where the server's
 * own {@code synchronous_standby_names} covers the mode: its wait is the confirmation ({@link NativeState}) and a
 * watchdog bounds it ({@link #boundServerWait}); elsewhere one query of the primary's {@code pg_stat_get_wal_senders()},
 * on the committing connection where it can be asked, gives the position and confirms standbys that already reported
 * it ({@code awaitOnPrimary}) before the standbys are asked. {@code syncAck=apply} sessions are set only while the
 * server waits ({@code PrimarySessions}); the others are confirmed by asking the standbys, as a per-transaction mode
 * is.
 *
 * <p>A round that fell short before the deadline because its replicas could not be asked (restarting, repointed
 * after a failover) is asked again with whoever the monitor sees as a replica then ({@code askAgain}).
 *
 * <p>Connections: one idle queue per node, filled as waits end; a connection that failed is closed, not returned.
 * They are opened with the topology's credentials and call themselves {@code junction-sync} on the server. Thread
 * pool: daemon threads, created on demand and ended after 30 s idle.
 */
public final class ReplicaAcknowledgements implements ReplicaWaits, AutoCloseable {
    static final long FIRST_PAUSE_MICROS = 100;
    static final long LONGEST_PAUSE_MICROS = 2_000;
    /**
     * How long the committing thread lets one standby take to answer it ({@code askReplicas}) before it hands that
     * standby to a thread of its own: a standby this slow to answer a position is no use to a sub-millisecond wait,
     * and the other standbys must not wait behind it.
     */
    static final int INLINE_QUESTION_MILLIS = 100;
    /** The longest GTID wait the committing thread makes in one replica before it asks the next one. */
    static final long INLINE_GTID_WAIT_MILLIS = 2;
    /**
     * For this long after a commit a replica is asked again at once (PostgreSQL standbys asked by the committing
     * thread) or every {@value #FIRST_PAUSE_MICROS} µs (replica threads), and only then with pauses that double:
     * replicas on a LAN hold a commit within a few hundred µs.
     */
    static final long STEADY_POLL_MICROS = 2_000;
    /**
     * {@code syncAck=flush} on MariaDB/MySQL: how long a replica is first given to apply the commit, inside the server
     * ({@code MASTER_GTID_WAIT}), before its relay log is read ({@code SHOW ALL SLAVES STATUS}). A commit applied was
     * received, and a replica's SQL thread usually applies it within a few hundred µs of receiving it, while reading
     * the replica's status costs 150-200 µs of a server's time each look (the relay-log look alone made MariaDB's
     * {@code flush} wait slower than its {@code apply} wait here: 496 against 455 µs a commit, 2026-12-05). A replica
     * that does not apply (stopped, delayed) costs this much more per question, and is confirmed from its relay log.
     */
    static final long FLUSH_GTID_WAIT_MILLIS = 1;
    /** The longest single GTID wait inside a replica; the wait is repeated until the deadline. */
    static final long GTID_WAIT_SLICE_MILLIS = 50;

    static final long QUESTION_SLACK_MILLIS = 1_000;
    /** The pause before a round that fell short is asked again ({@code askAgain}). */
    static final long ROUND_AGAIN_MILLIS = 20;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String clusterName;
    private final BackendDialect dialect;
    private final NodeConnector connector;
    private final Supplier<List<Node>> nodes;
    private final Map<NodeId, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
    /** Statements kept prepared per pooled connection ({@link #prepared}); a connection's go when it is discarded. */
    private final Map<Connection, Map<String, PreparedStatement>> statements = new ConcurrentHashMap<>();

    private final ExecutorService questions;
    private volatile boolean closed;
    /** Set once the primary's {@code pg_stat_replication} showed standbys without positions (privileges). */
    private volatile boolean primaryViewUnreadable;
    /** The primary's own synchronous replication as last read ({@link #nativeState}); null before. */
    private volatile NativeState nativeState;
    /** Bounds the server's own sync waits ({@link #boundServerWait}); made with the first bound. */
    private volatile ScheduledExecutorService watchdog;
    /** The commits whose server-side wait the watchdog watches. */
    private final java.util.Set<Bound> watched = ConcurrentHashMap.newKeySet();

    static final long WATCH_PERIOD_MILLIS = 50;

    /** The rules {@code syncTimeoutAction=degrade} has degraded for this cluster's connections. */
    private final DegradedRules degradedRules;

    /**
     * What the primary's {@code synchronous_standby_names} guarantees a commit of a session with
     * {@code synchronous_commit} at the level Junction set ({@code remote_apply}, {@code on}).
     *
     * @param quorum     how many standbys the server waits for: k of {@code ANY k}/{@code FIRST k}, 1 for a plain
     *                   list, 0 when it is empty
     * @param candidates streaming standbys the server may count ({@code sync_state} sync or quorum)
     * @param streaming  standbys streaming from the primary
     */
    record NativeState(int quorum, int candidates, int streaming, long readAtNanos) {
        /** Whether the server's own wait gives {@code requirement}: enough standbys, every one when it asks so. */
        boolean covers(SyncRequirement requirement) {
            int required = requirement.required(streaming);
            if (quorum < required || candidates < required) {
                return false;
            }
            return !requirement.everyUp() || (candidates >= streaming && quorum >= streaming);
        }

        /**
         * k of {@code synchronous_standby_names}: {@code ANY k (…)}, {@code FIRST k (…)}, {@code k (…)}; a plain list
         * ({@code a, b} or {@code *}) is {@code FIRST 1}; empty is 0.
         */
        static int quorumOf(String names) {
            String text = names == null ? "" : names.trim();
            if (text.isEmpty()) {
                return 0;
            }
            java.util.regex.Matcher numbered = java.util.regex.Pattern.compile(
                            "(?i)^(?:(?:ANY|FIRST)\\s+)?(\\d+)\\s*\\(.*\\)$", java.util.regex.Pattern.DOTALL)
                    .matcher(text);
            return numbered.matches() ? Integer.parseInt(numbered.group(1)) : 1;
        }
    }

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
        this.degradedRules = new DegradedRules(clusterName);
        this.questions = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemons("junction-sync-"));
    }

    @Override
    public DegradedRules degradedRules() {
        return degradedRules;
    }

    /** {@inheritDoc} The replica threads stop at their next question once this returns, interrupted or not. */
    @Override
    public Outcome await(
            SyncRequirement requirement,
            SyncAck ack,
            Node primary,
            Duration timeout,
            boolean primaryReports,
            CommittingSession committing)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean askCommitting = askable(committing);
        if (primaryReports && dialect == BackendDialect.POSTGRESQL && !primaryViewUnreadable) {
            NativeState server = nativeState(primary);
            if (server != null && server.covers(requirement)) {
                // The server released the commit only once its synchronous standbys had it: nothing to ask.
                int required = requirement.required(server.streaming());
                return new Outcome(required, required, server.streaming(), System.nanoTime() - start, true);
            }
            Outcome outcome =
                    awaitOnPrimary(requirement, ack, primary, askCommitting ? committing : null, start, deadline);
            if (outcome != null) {
                return outcome;
            }
        }
        List<Node> replicas = replicasOf(primary);
        int required = requirement.required(replicas.size());
        if (replicas.size() < required) {
            return new Outcome(0, required, replicas.size(), System.nanoTime() - start, false);
        }
        Question question = reported(committing, ack);
        if (question == null) {
            question = askCommitting
                    ? positionOnCommitting(committing, ack, deadline)
                    : positionOnPooled(primary, ack, deadline);
        }
        if (question == null) { // the primary lost after the commit: nothing can say where the commit is
            return Outcome.lostPrimary(required, System.nanoTime() - start);
        }
        Outcome asked = askReplicas(required, replicas.size(), primary, replicas, question, start, deadline);
        return askAgain(requirement, primary, question, asked, start, deadline);
    }

    private static boolean askable(CommittingSession committing) {
        try {
            return committing != null && committing.askable();
        } catch (SQLException e) {
            return false; // a closed connection: a pooled one is asked
        }
    }

    /**
     * The commit's position as the server reported it with the commit ({@link CommittingSession#trackedCommitGtid}):
     * no question at all. In a probe on this machine (MariaDB, two replicas, MySQL Connector/J, 2026-12-06), a
     * hand-written wait that took the reported GTID confirmed a commit in 418 µs against 480 µs asking the position.
     * Null where the server or the driver reports none.
     */
    private static Question reported(CommittingSession committing, SyncAck ack) {
        try {
            String gtid = committing == null ? null : committing.trackedCommitGtid();
            if (gtid == null || gtid.isEmpty()) {
                return null;
            }
            CommitPositions positions = committing.positions();
            return new Question(positions, ack, positions.primaryPosition(gtid));
        } catch (SQLException | RuntimeException e) {
            return null; // asked as without tracking
        }
    }

    /** The commit's position, asked on the connection it returned on ({@link CommittingSession}); null when lost. */
    private static Question positionOnCommitting(CommittingSession committing, SyncAck ack, long deadline) {
        try {
            CommitPositions positions = committing.positions();
            String answer = committing.primaryAnswer(millisUntil(deadline));
            return new Question(positions, ack, positions.primaryPosition(answer));
        } catch (SQLException e) {
            return null;
        }
    }

    /** The commit's position, asked on a pooled connection to the primary; null when the primary was lost. */
    private Question positionOnPooled(Node primary, SyncAck ack, long deadline) {
        Connection connection = null;
        try {
            connection = borrow(primary);
            connection.setNetworkTimeout(Runnable::run, millisUntil(deadline));
            CommitPositions positions = CommitPositions.of(dialect, connection);
            ReplicationPosition target;
            try (ResultSet row = prepared(connection, positions.primaryQuery()).executeQuery()) {
                target = positions.primaryPosition(row.next() ? row.getString(1) : null);
            }
            giveBack(primary, connection);
            return new Question(positions, ack, target);
        } catch (SQLException e) {
            discard(connection);
            return null;
        }
    }

    /**
     * A round that fell short with time left ({@link #askReplicas}): its replicas were restarting, being repointed to
     * a promoted primary, or refusing connections while they start, and their threads gave up. Asks again, every
     * {@value #ROUND_AGAIN_MILLIS} ms until the deadline, the nodes the monitor sees as replicas at that moment, "every
     * replica that is up" following them: a standby repointed after a failover streams within moments, and a former
     * primary counts once it is rebuilt as a replica.
     */
    private Outcome askAgain(
            SyncRequirement requirement, Node primary, Question question, Outcome asked, long start, long deadline)
            throws InterruptedException {
        Outcome last = asked;
        while (!last.met() && !last.primaryLost()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return last;
            }
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(ROUND_AGAIN_MILLIS)));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            List<Node> replicas = replicasOf(primary);
            int required = requirement.required(replicas.size());
            last = replicas.size() < required
                    ? new Outcome(0, required, replicas.size(), System.nanoTime() - start, false)
                    : askReplicas(required, replicas.size(), primary, replicas, question, start, deadline);
        }
        return last;
    }

    /** The nodes the monitor last saw as replicas, {@code primary} left out. */
    private List<Node> replicasOf(Node primary) {
        List<Node> replicas = new ArrayList<>();
        for (Node node : nodes.get()) {
            if (node.role() == ProbedRole.REPLICA && node != primary) {
                replicas.add(node);
            }
        }
        return replicas;
    }

    /**
     * PostgreSQL, when the commit's session made each standby report the commit as soon as it had it ({@code
     * SyncPolicy.primarySessionSql}): one query of the primary's {@code pg_stat_get_wal_senders()} (what {@code
     * pg_stat_replication} shows, without that view's join with every backend's activity, which cost over a
     * millisecond a question here) gives the position that covers the commit, how many standbys stream, and how many
     * have already flushed or replayed it. After a native wait ({@code synchronous_standby_names} set) that answer
     * already confirms the synchronous standbys: the server released the commit only once their reports had arrived.
     * Otherwise the standbys are asked themselves ({@link #askReplicas}): asking the primary again and again, as this
     * did until 2026-12-05, learns of a replay only once the standby's report has crossed to the primary. "Every
     * replica that is up" counts the standbys streaming from the primary now. Asked on the connection the commit
     * returned on when it can be ({@code committing}, see {@link CommittingSession}), else on a pooled one. For
     * {@code syncAck=flush} the answer usually confirms already: a standby reports a flush the moment it is made.
     *
     * @return null when the view is unreadable (a role without {@code pg_read_all_stats} sees no positions in it):
     *     remembered, and the caller asks the standbys themselves from then on
     */
    private Outcome awaitOnPrimary(
            SyncRequirement requirement,
            SyncAck ack,
            Node primary,
            CommittingSession committing,
            long start,
            long deadline)
            throws InterruptedException {
        String column = ack == SyncAck.FLUSH ? "flush_lsn" : "replay_lsn";
        Connection connection = null;
        try {
            String[] row;
            if (committing != null) {
                row = committing.answer(firstQuestion(column), 4, millisUntil(deadline));
            } else {
                connection = borrow(primary);
                connection.setNetworkTimeout(Runnable::run, millisUntil(deadline));
                // Prepared once per pooled connection and kept: the same two queries prepared anew for each commit
                // cost 100-150 µs a commit here (a loop of them with the raw driver, fresh against kept statements).
                try (ResultSet answer =
                        prepared(connection, firstQuestion(column)).executeQuery()) {
                    answer.next();
                    row = new String[] {
                        answer.getString(1), answer.getString(2), answer.getString(3), answer.getString(4)
                    };
                }
                giveBack(primary, connection);
                connection = null;
            }
            String target = row[0];
            int streaming = Integer.parseInt(row[1]);
            int confirmed = Integer.parseInt(row[3]);
            if (streaming > 0 && Integer.parseInt(row[2]) == 0) { // positions unreadable
                primaryViewUnreadable = true;
                return null;
            }
            int required = requirement.required(streaming);
            if (confirmed >= required || streaming < required && !moreMayStream(primary, streaming)) {
                return new Outcome(confirmed, required, streaming, System.nanoTime() - start, false);
            }
            Question question = new Question(CommitPositions.POSTGRESQL, ack, LogSequenceNumber.parse(target));
            Outcome asked = askReplicas(required, streaming, primary, replicasOf(primary), question, start, deadline);
            return askAgain(requirement, primary, question, asked, start, deadline);
        } catch (SQLException | RuntimeException e) {
            discard(connection); // the primary lost or hung after the commit: nothing confirms it
            return Outcome.lostPrimary(requirement.required(0), System.nanoTime() - start);
        }
    }

    /**
     * The primary's position now, and how many standbys stream and how many have {@code column} (flushed or replayed)
     * at or past it: the first question after a commit, whose position covers it.
     */
    private static String firstQuestion(String column) {
        return "with target as (select pg_current_wal_lsn() as lsn)"
                + " select target.lsn::text, count(r.pid), count(r." + column + "),"
                + " count(r.pid) filter (where r." + column + " >= target.lsn)"
                + " from target left join pg_stat_get_wal_senders() r on r.state = 'streaming'"
                + " group by target.lsn";
    }

    /**
     * Once the commit's position is known (and, on PostgreSQL, the primary's first answer did not confirm it): the
     * committing thread asks the replicas itself, in turn, whether they hold {@code target}, flushed or applied, again
     * at once for the first {@value #STEADY_POLL_MICROS} µs. Applied positions on MariaDB and MySQL are asked with the
     * server's GTID wait in slices of {@value #INLINE_GTID_WAIT_MILLIS} ms, so one lagging replica holds up the others'
     * answers that long at most. Why inline: no thread hand-over stands between a replica's answer and the commit's
     * return, and a PostgreSQL standby knows it has replayed a commit before its report reaches the primary. In
     * hand-written loops on this machine (raw drivers, two replicas, 2026-12-05), a PostgreSQL standby asked directly
     * confirmed a commit 335 µs after it began against 381 µs asking the primary's {@code pg_stat_get_wal_senders()}
     * and 310 µs for the server's own {@code ANY 1} wait (a 50 µs pause between questions made either 40 µs slower);
     * a MariaDB replica's {@code MASTER_GTID_WAIT} asked by the committing thread confirmed at 361 µs against 288 µs
     * for the server's semi-sync. Only replicas with an idle pooled connection are asked here (opening one may hang on
     * a hung node); the others, and a replica that takes longer than {@value #INLINE_QUESTION_MILLIS} ms to answer,
     * are asked by threads of their own ({@link #confirm}), and their answers count in the same round.
     *
     * @param up how many replicas count as up, for the outcome
     */
    private Outcome askReplicas(
            int required, int up, Node primary, List<Node> replicas, Question question, long start, long deadline)
            throws InterruptedException {
        Round round = new Round(required, replicas.size());
        List<Node> inline = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (Node replica : replicas) {
            Connection connection = idleConnection(replica);
            if (connection == null) {
                launch(round, replica, question, deadline);
            } else {
                inline.add(replica);
                connections.add(connection);
            }
        }
        try {
            askInTurn(round, inline, connections, question, deadline);
            int confirmed = round.await(deadline);
            if (confirmed < required && !primaryAnswers(primary)) {
                // A primary that froze or died right after the commit may be replaced by a replica without it: the
                // outcome is unknown, not "committed, not replicated".
                return Outcome.lostPrimary(required, System.nanoTime() - start);
            }
            return new Outcome(confirmed, required, up, System.nanoTime() - start, false);
        } finally {
            round.end();
        }
    }

    /** What {@link #askInTurn} asks each replica: whether it holds {@code target}, flushed or applied. */
    private record Question(CommitPositions positions, SyncAck ack, ReplicationPosition target) {}

    /** The committing thread's part of {@link #askReplicas}: asks until the round is decided or the deadline. */
    private void askInTurn(
            Round round, List<Node> replicas, List<Connection> connections, Question question, long deadline)
            throws InterruptedException {
        long steadyEnd = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(STEADY_POLL_MICROS);
        long pause = TimeUnit.MICROSECONDS.toNanos(FIRST_PAUSE_MICROS);
        int open = replicas.size();
        try {
            while (open > 0 && !round.decided()) {
                for (int i = 0; i < replicas.size() && !round.decided(); i++) {
                    Connection connection = connections.get(i);
                    long left = deadline - System.nanoTime();
                    if (connection == null || left <= 0) {
                        continue;
                    }
                    Boolean has = holds(connection, question, left);
                    if (has == null || has) {
                        connections.set(i, null);
                        open--;
                        if (has == null) { // slow or lost: a thread of its own keeps asking, on a new connection
                            discard(connection);
                            launch(round, replicas.get(i), question, deadline);
                        } else {
                            giveBack(replicas.get(i), connection);
                            round.finished(true);
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                if (open > 0 && !round.decided() && System.nanoTime() - steadyEnd > 0) {
                    LockSupport.parkNanos(Math.min(pause, left));
                    pause = Math.min(pause * 2, TimeUnit.MICROSECONDS.toNanos(LONGEST_PAUSE_MICROS));
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            for (int i = 0; i < replicas.size(); i++) {
                if (connections.get(i) != null) {
                    giveBack(replicas.get(i), connections.get(i));
                }
            }
        }
    }

    /**
     * Whether the replica on {@code connection} holds the question's position (a GTID wait of at most {@value
     * #INLINE_GTID_WAIT_MILLIS} ms for an applied one where the server has it); null when it failed or took longer
     * than {@value #INLINE_QUESTION_MILLIS} ms.
     */
    private Boolean holds(Connection connection, Question question, long leftNanos) {
        try {
            int millis = (int) Math.max(1, Math.min(INLINE_QUESTION_MILLIS, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
            connection.setNetworkTimeout(Runnable::run, millis + (int) INLINE_GTID_WAIT_MILLIS);
            if (question.positions() == CommitPositions.POSTGRESQL) {
                PreparedStatement asked = prepared(
                        connection,
                        question.ack() == SyncAck.FLUSH
                                ? "select pg_last_wal_receive_lsn() >= ?::pg_lsn"
                                : "select pg_last_wal_replay_lsn() >= ?::pg_lsn");
                asked.setString(1, question.target().text());
                try (ResultSet row = asked.executeQuery()) {
                    return row.next() && row.getBoolean(1); // null (not a standby any more) reads as false
                }
            }
            if (question.ack() == SyncAck.APPLY) {
                long wait = Math.min(INLINE_GTID_WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(leftNanos));
                Boolean applied = question.positions().awaitApplied(connection, question.target(), Math.max(1, wait));
                if (applied != null) {
                    return applied;
                }
            } else if (appliedAlready(question.positions(), connection, question.target())) {
                return true;
            }
            ReplicationPosition reached = question.positions().replica(connection, question.ack());
            return reached != null && reached.covers(question.target());
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether {@code primary} answers a trivial question within {@value #QUESTION_SLACK_MILLIS} ms: asked when a wait
     * ends unconfirmed. Asking the primary again and again, as waits did before 2026-12-05, found a frozen primary
     * this way; asking the replicas does not.
     */
    private boolean primaryAnswers(Node primary) {
        Connection connection = null;
        try {
            connection = idleConnection(primary);
            if (connection == null) {
                connection = connector.open(primary.address(), Duration.ofMillis(QUESTION_SLACK_MILLIS));
            }
            connection.setNetworkTimeout(Runnable::run, (int) QUESTION_SLACK_MILLIS);
            try (java.sql.Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("select 1")) {
                row.next();
            }
            giveBack(primary, connection);
            return true;
        } catch (SQLException | RuntimeException e) {
            discard(connection);
            return false;
        }
    }

    /**
     * {@code syncAck=flush}: whether the replica has already applied {@code target}, which implies it received it,
     * asked with the server's GTID wait of {@value #FLUSH_GTID_WAIT_MILLIS} ms; false where there is none (PostgreSQL,
     * whose receive position is one cheap function call) or it timed out.
     */
    private static boolean appliedAlready(CommitPositions positions, Connection connection, ReplicationPosition target)
            throws SQLException {
        return positions != CommitPositions.POSTGRESQL
                && Boolean.TRUE.equals(positions.awaitApplied(connection, target, FLUSH_GTID_WAIT_MILLIS));
    }

    /** Starts one replica's {@link #confirm} on a thread of its own; counted as unconfirmed once closed. */
    private void launch(Round round, Node replica, Question question, long deadline) {
        try {
            questions.execute(() -> confirm(round, replica, question, deadline));
        } catch (RejectedExecutionException e) {
            round.finished(false); // closed meanwhile
        }
    }

    /**
     * Whether the monitor sees more replicas up than stream from {@code primary} now: a standby being repointed to a
     * promoted primary, or reconnecting, streams within moments, so a commit that needs it waits for it (up to
     * {@code syncTimeout}) rather than fail at once. With no such replica the shortfall is reported at once.
     */
    private boolean moreMayStream(Node primary, int streaming) {
        int up = 0;
        for (Node node : nodes.get()) {
            if (node.role() == ProbedRole.REPLICA && node != primary) {
                up++;
            }
        }
        return up > streaming;
    }

    /**
     * The primary's synchronous replication, read again when more than a second old (a DBA may change
     * {@code synchronous_standby_names} at any time; a second is how long Junction may trust the old value).
     */
    NativeState nativeState(Node primary) {
        return nativeState(primary, false);
    }

    /** The same, read again now when {@code fresh}. */
    private NativeState nativeState(Node primary, boolean fresh) {
        NativeState known = nativeState;
        long now = System.nanoTime();
        if (!fresh && known != null && now - known.readAtNanos() < TimeUnit.SECONDS.toNanos(1)) {
            return known;
        }
        Connection connection = null;
        try {
            connection = borrow(primary);
            connection.setNetworkTimeout(Runnable::run, (int) QUESTION_SLACK_MILLIS);
            try (PreparedStatement query =
                            connection.prepareStatement("select current_setting('synchronous_standby_names'),"
                                    + " count(*) filter (where state = 'streaming'),"
                                    + " count(*) filter (where state = 'streaming' and sync_state in ('sync', 'quorum'))"
                                    + " from pg_stat_get_wal_senders()");
                    ResultSet row = query.executeQuery()) {
                row.next();
                known = new NativeState(NativeState.quorumOf(row.getString(1)), row.getInt(3), row.getInt(2), now);
            }
            giveBack(primary, connection);
            nativeState = known;
            return known;
        } catch (SQLException e) {
            discard(connection);
            return null;
        }
    }

    /** Whether the server itself makes commits wait for standbys now ({@code synchronous_standby_names} is set). */
    public boolean serverWaits(Node primary) {
        return serverWaits(primary, false);
    }

    @Override
    public boolean serverCovers(SyncRequirement requirement, Node primary) {
        if (dialect != BackendDialect.POSTGRESQL || primaryViewUnreadable) {
            return false;
        }
        NativeState known = nativeState(primary);
        return known != null && known.covers(requirement);
    }

    @Override
    public boolean serverWaits(Node primary, boolean fresh) {
        NativeState known = nativeState(primary, fresh);
        return known != null && known.quorum() > 0;
    }

    /**
     * Bounds the server's own wait of one commit running on PostgreSQL backend {@code backendPid}: PostgreSQL waits
     * for its synchronous standbys without end, and neither {@code statement_timeout} nor a lost standby ends it. At
     * {@code timeout}, and every 50 ms after while the statement still runs, the watchdog looks at the backend: waiting
     * for synchronous replication ({@code wait_event = 'SyncRep'}), it is cancelled, which makes the server return the
     * commit as made locally, with a warning; busy with anything else (a long write), it is left alone; idle, the
     * statement is over and so is the watch. Closing the bound ends it early. Null when the server makes no such
     * wait ({@code synchronous_standby_names} is empty).
     */
    @Override
    public ServerWaitBound boundServerWait(int backendPid, Node primary, Duration timeout) {
        if (!serverWaits(primary)) {
            return null;
        }
        Bound bound = new Bound(backendPid, primary, System.nanoTime() + timeout.toNanos());
        watched.add(bound);
        watchdog();
        return bound;
    }

    /**
     * The watchdog: one daemon thread that looks at the watched commits every {@value #WATCH_PERIOD_MILLIS} ms, so
     * that watching a commit costs a set insertion and removal, and no thread is woken per commit (scheduling a task
     * per commit measured about 150 µs a commit on two CPUs). A bound therefore acts up to that much after
     * {@code syncTimeout}.
     */
    private ScheduledExecutorService watchdog() {
        ScheduledExecutorService made = watchdog;
        if (made == null) {
            synchronized (this) {
                if (watchdog == null) {
                    ScheduledThreadPoolExecutor executor =
                            new ScheduledThreadPoolExecutor(1, daemons("junction-sync-watchdog-"));
                    executor.scheduleWithFixedDelay(
                            this::lookAtWatched, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                    watchdog = executor;
                }
                made = watchdog;
            }
        }
        return made;
    }

    private void lookAtWatched() {
        long now = System.nanoTime();
        for (Bound bound : watched) {
            if (now - bound.checkAt >= 0) {
                bound.check();
            }
        }
    }

    /** One commit's watch ({@link #boundServerWait}). */
    private final class Bound implements ServerWaitBound {
        private final int backendPid;
        private final Node primary;
        private volatile long checkAt;
        private volatile boolean closed;
        private volatile boolean cancelled;

        private Bound(int backendPid, Node primary, long checkAt) {
            this.backendPid = backendPid;
            this.primary = primary;
            this.checkAt = checkAt;
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        /** At the bound: cancels a wait for replication, leaves a busy statement alone, forgets an idle one. */
        private void check() {
            if (closed || ReplicaAcknowledgements.this.closed) {
                watched.remove(this);
                return;
            }
            Connection connection = null;
            boolean again = false;
            try {
                connection = borrow(primary);
                connection.setNetworkTimeout(Runnable::run, (int) QUESTION_SLACK_MILLIS);
                String state;
                String waitEvent;
                try (PreparedStatement query =
                        connection.prepareStatement("select state, wait_event from pg_stat_activity where pid = ?")) {
                    query.setInt(1, backendPid);
                    try (ResultSet row = query.executeQuery()) {
                        state = row.next() ? row.getString(1) : null;
                        waitEvent = state == null ? null : row.getString(2);
                    }
                }
                if ("SyncRep".equals(waitEvent) && !closed) {
                    // Marked before the cancel is sent: the interrupted backend returns the commit to the committing
                    // thread at once, which may read this flag before this thread runs again (a CI run saw a
                    // cancelled wait reported as confirmed). A cancel that fails is sent again at the next period;
                    // one that finds the wait just over makes a confirmed commit look unconfirmed, the safe error.
                    cancelled = true;
                    again = true;
                    try (PreparedStatement cancel = connection.prepareStatement("select pg_cancel_backend(?)")) {
                        cancel.setInt(1, backendPid);
                        cancel.execute();
                    }
                    again = false;
                } else {
                    again = "active".equals(state) && !closed;
                }
                giveBack(primary, connection);
            } catch (SQLException | RuntimeException e) {
                discard(connection); // the primary is gone, and so is the wait; unless only the cancel failed
            }
            if (again && !closed) {
                checkAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCH_PERIOD_MILLIS);
            } else {
                watched.remove(this);
            }
        }

        @Override
        public void close() {
            closed = true;
            watched.remove(this);
        }
    }

    /** One replica's part of a wait: asks until it has the position, the wait is over, or the deadline. */
    private void confirm(Round round, Node replica, Question question, long deadline) {
        CommitPositions positions = question.positions();
        ReplicationPosition target = question.target();
        SyncAck ack = question.ack();
        Connection connection = null;
        boolean confirmed = false;
        try {
            connection = borrow(replica);
            long pause = TimeUnit.MICROSECONDS.toNanos(FIRST_PAUSE_MICROS);
            long steadyEnd = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(STEADY_POLL_MICROS);
            while (!round.over()) {
                connection.setNetworkTimeout(Runnable::run, millisUntil(deadline));
                if (ack == SyncAck.APPLY) {
                    // A wait inside the server where it has one, in slices, so that a wait already decided by
                    // other replicas does not keep this thread and connection until the deadline.
                    long slice = Math.min(
                            GTID_WAIT_SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    Boolean applied = slice > 0 ? positions.awaitApplied(connection, target, slice) : Boolean.FALSE;
                    if (applied != null) {
                        if (applied) {
                            confirmed = true;
                            break;
                        }
                        if (deadline - System.nanoTime() <= 0) {
                            break;
                        }
                        continue;
                    }
                }
                if (ack == SyncAck.FLUSH && appliedAlready(positions, connection, target)) {
                    confirmed = true;
                    break;
                }
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
                if (System.nanoTime() - steadyEnd > 0) {
                    pause = Math.min(pause * 2, TimeUnit.MICROSECONDS.toNanos(LONGEST_PAUSE_MICROS));
                }
            }
            giveBack(replica, connection);
        } catch (SQLException | RuntimeException e) {
            discard(connection); // a lost or hung replica, or a privilege missing: this replica does not confirm
        } finally {
            round.finished(confirmed);
        }
    }

    /** Daemon threads named {@code prefix} and a number: nothing of Junction's keeps a JVM from exiting. */
    private static java.util.concurrent.ThreadFactory daemons(String prefix) {
        return task -> {
            Thread thread = new Thread(task, prefix + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static int millisUntil(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left + QUESTION_SLACK_MILLIS));
    }

    /**
     * The statement {@code sql} prepared on {@code connection}, made on its first use and kept for the connection's
     * life (closed with it): statements asked on every commit stay server-side prepared.
     */
    private PreparedStatement prepared(Connection connection, String sql) throws SQLException {
        Map<String, PreparedStatement> ofConnection =
                statements.computeIfAbsent(connection, c -> new ConcurrentHashMap<>());
        PreparedStatement statement = ofConnection.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            ofConnection.put(sql, statement);
        }
        return statement;
    }

    private Connection borrow(Node node) throws SQLException {
        Connection connection = idleConnection(node);
        return connection != null ? connection : connector.open(node.address());
    }

    /** An idle pooled connection to {@code node}, taken from its queue; null when there is none. */
    private Connection idleConnection(Node node) {
        ConcurrentLinkedDeque<Connection> queue = idle.get(node.id());
        return queue == null ? null : queue.pollFirst();
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

    private void discard(Connection connection) {
        if (connection != null) {
            statements.remove(connection);
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
        ScheduledExecutorService watch = watchdog;
        if (watch != null) {
            watch.shutdownNow();
        }
        for (ConcurrentLinkedDeque<Connection> queue : idle.values()) {
            for (Connection connection = queue.pollFirst(); connection != null; connection = queue.pollFirst()) {
                discard(connection);
            }
        }
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

        /** Whether enough replicas confirmed, or too few are left to make up the number. */
        boolean decided() {
            lock.lock();
            try {
                return confirmed >= required || confirmed + (launched - finished) < required;
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
