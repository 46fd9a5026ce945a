package dev.junction.driver.internal.topology.monitor;

import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.replication.NodeReport;
import dev.junction.router.replication.PrimarySamples;
import dev.junction.router.replication.ReplicationPosition;
import dev.junction.router.replication.TopologyTracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Probes every node of one cluster each {@code monitorInterval} and publishes the resulting
 * {@link TopologySnapshot}, which routing reads without locking.
 *
 * <p>Threads: one scheduler thread and one probe thread per node, all daemons. A probe runs on its node's
 * own thread so that a hung node (a stopped process holding its socket open) delays only itself: its probe
 * is counted as failed once {@code probeTimeout} has passed, the node is not probed again while that probe
 * is still blocked (so threads never pile up), and the blocked read ends at the connection's network timeout.
 * Each node keeps one probe connection, reopened after an error.
 *
 * <p>Bookkeeping (roles, staleness bounds, down-marking, backoff) is {@link TopologyTracker}'s, under one
 * lock; a new snapshot is published after every probe outcome, so bounds tighten as soon as any probe lands.
 *
 * <p>Start-up ({@link #start}) probes every node at once and returns as soon as the roles are known well enough to
 * route: when every node has answered or failed, or {@link #FIRST_ROUND_GRACE} after the primary answered (a hung
 * standby is left to the background probing, which marks it down), and in any case after {@code probeTimeout}. Its
 * caller needs nothing else to wait for; {@link #awaitStarted} lets others wait for the same start-up.
 *
 * <p>Every answer of a node that reports itself primary also goes into {@link #primarySamples()}, which locates
 * commits recorded by their instant. A read that needs a commit no sample covers yet asks for a probe of the primary
 * now ({@link #requestPrimaryProbe}) instead of waiting for the next interval; requests coalesce, and a node still has
 * at most one probe in flight.
 *
 * <p>Losing the primary (design §7). When the primary's probe fails or hangs, or a session reports that it lost its
 * connection to the primary ({@link #suspectPrimary}), the monitor hunts for the primary: every node is probed at
 * once and then every {@link #HUNT_POLL} (or the interval, if shorter), whatever backoff a failing node is in,
 * until exactly one node answers as primary with a probe sent after the hunt began. A primary whose probe failed
 * or hangs is published down meanwhile, so that writes wait for an answer instead of being sent to a dead server;
 * a node that answers as primary while the former one is silent is the primary from that answer on
 * ({@link TopologyTracker}).
 */
public final class TopologyMonitor implements AutoCloseable {

    /** Opens a probe connection to one node; the connector applies the backend's connect timeout. */
    @FunctionalInterface
    public interface NodeConnector {
        Connection connect(NodeId node) throws SQLException;
    }

    /** How the monitor probes; all validated by the property registry before they get here. */
    public record Settings(
            Duration interval, Duration probeTimeout, int downAfterFailures, Duration maxBackoff, int historyCapacity) {
        public static Settings defaults(Duration interval) {
            return new Settings(interval, Duration.ofSeconds(2), 3, Duration.ofSeconds(2), 4096);
        }
    }

    /**
     * How long start-up waits for the other nodes once the primary has answered: a healthy standby answers within a
     * few milliseconds of it, a hung one never; reads go to the primary until a late standby's first answer.
     */
    public static final Duration FIRST_ROUND_GRACE = Duration.ofMillis(250);

    /**
     * How often every node is probed while the primary is being looked for: the AWS wrapper's failover polls every
     * 100 ms too. Promotion to first write takes about 0.4 s on our test bed, so detection must not dominate it.
     */
    public static final Duration HUNT_POLL = Duration.ofMillis(100);

    private final String name;
    private final ReplicationProbe probe;
    private final NodeConnector connector;
    private final Settings settings;
    private final LongSupplier ticker;
    private final java.util.concurrent.atomic.AtomicLong probesStarted = new java.util.concurrent.atomic.AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final TopologyTracker tracker;
    private final Map<NodeId, NodeProber> probers = new LinkedHashMap<>();
    private final PrimarySamples primarySamples;
    private final ScheduledExecutorService scheduler;
    /** Every thread this monitor started, so that {@link #close()} can wait for them to end. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    private volatile TopologySnapshot snapshot;
    private volatile Map<NodeId, Probed> positions = Map.of();
    private volatile Set<NodeId> suspects = Set.of();
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    /** {@link System#nanoTime()} when a snapshot first had a primary; 0 before. Start-up waits on real time. */
    private volatile long primaryKnownAtNanos;
    /** Whether the primary is being looked for (see the class comment). */
    private volatile boolean hunting;
    /** Told of every publication, on the thread that published it (a probe's or the scheduler's). */
    private volatile java.util.function.Consumer<TopologySnapshot> publicationListener = published -> {};
    /** When the current hunt began, on the ticker: only an answer to a probe sent after it ends the hunt. */
    private volatile long huntStartedAtNanos;

    /**
     * A node's position as of one successful probe, and when that probe was sent ({@code ticker} nanos): whatever the
     * node had done before {@code sentAtNanos} is included in {@code position}. {@code sequence} numbers the probes
     * this monitor started, in order: a probe whose sequence exceeds {@link #probesStarted()} as read at some moment
     * was sent after that moment, which tells a session the same as the ticker without reading a clock.
     */
    public record Probed(ReplicationPosition position, long sentAtNanos, long sequence) {}

    public TopologyMonitor(
            String name,
            List<NodeId> nodes,
            ReplicationProbe probe,
            NodeConnector connector,
            Settings settings,
            LongSupplier ticker) {
        this.name = name;
        this.probe = probe;
        this.connector = connector;
        this.settings = settings;
        this.ticker = ticker;
        this.tracker = new TopologyTracker(
                nodes,
                settings.interval(),
                settings.downAfterFailures(),
                settings.maxBackoff(),
                settings.historyCapacity());
        this.primarySamples = new PrimarySamples(settings.historyCapacity());
        for (NodeId node : nodes) {
            probers.put(node, new NodeProber(node));
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("junction-monitor " + name));
        this.snapshot = tracker.snapshot(ticker.getAsLong());
    }

    /**
     * Probes every node once, in parallel, and returns once the roles are known (see the class comment): at most
     * {@code probeTimeout} later, however many nodes hang. Then keeps probing in the background.
     */
    public void start() {
        try {
            long deadline = System.nanoTime() + settings.probeTimeout().toNanos();
            awaitRound(launchRound(), deadline);
            // A replica probed before the primary in the same round may not cover the primary's sample, which leaves
            // its staleness unknown (and the replica unused) until the next round. A second round, sent after the
            // first answered, bounds every caught-up replica before the first statement, for one more round trip.
            // Nodes whose first probe still hangs are not probed again (launchRound skips them).
            awaitRound(launchRound(), deadline);
            tick();
            // Ticks launch only the probes that are due; the hunt for a lost primary needs them at least this often.
            long period = Math.min(settings.interval().toNanos(), HUNT_POLL.toNanos());
            scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
        } finally {
            started.countDown();
        }
    }

    /**
     * Waits until {@link #start} has returned, on another thread, for at most {@code timeout}: what a connection to
     * a cluster whose monitor another connection is starting waits for.
     *
     * @return whether start-up is over
     */
    public boolean awaitStarted(Duration timeout) {
        try {
            return started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<NodeProber> launchRound() {
        List<NodeProber> launched = new ArrayList<>();
        for (NodeProber prober : probers.values()) {
            if (prober.launchIfIdle() != null) {
                launched.add(prober);
            }
        }
        return launched;
    }

    /**
     * Until every probe of {@code round} has ended, or {@link #FIRST_ROUND_GRACE} has passed since both the round began
     * and the primary answered, or {@code deadline}. Woken by every publication, which follows every probe's end.
     */
    private void awaitRound(List<NodeProber> round, long deadline) {
        long roundStart = System.nanoTime();
        lock.lock();
        try {
            while (!closed) {
                boolean pending = false;
                for (NodeProber prober : round) {
                    pending |= prober.isBusy();
                }
                if (!pending) {
                    return;
                }
                long limit = deadline;
                long primaryAt = primaryKnownAtNanos;
                if (primaryAt != 0) {
                    limit = Math.min(limit, Math.max(roundStart, primaryAt) + FIRST_ROUND_GRACE.toNanos());
                }
                long remaining = limit - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                published.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why {@code node}'s last probe failed, or null when it answered; a probe still in flight past the probe timeout
     * counts as the failure it will be ({@link NodeFailure#noAnswerWithin}). Credentials in the backend's message are
     * not masked here.
     */
    public NodeFailure lastFailure(NodeId node) {
        NodeProber prober = probers.get(node);
        if (prober == null) {
            return null;
        }
        NodeFailure last = prober.lastFailure;
        if (prober.isBusy()) {
            long waited = System.nanoTime() - prober.startedAtRealNanos;
            if (waited >= settings.probeTimeout().toNanos() || last == null && !prober.answeredOnce) {
                return NodeFailure.noAnswerWithin(TimeUnit.NANOSECONDS.toMillis(waited));
            }
        }
        return last;
    }

    /** The topology as last published; never blocks. */
    public TopologySnapshot snapshot() {
        return snapshot;
    }

    /**
     * Waits until a snapshot newer than {@code seen} is published or {@code timeout} passes, and returns the
     * current one; for reads that wait for a replica to catch up.
     */
    public TopologySnapshot awaitNewerThan(TopologySnapshot seen, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (snapshot == seen && remaining > 0 && !closed) {
                remaining = published.awaitNanos(remaining);
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every node's position at its last successful probe, published with the snapshots; read without locking, for
     * routing decisions. Nodes that never answered with a position are absent.
     */
    public Map<NodeId, Probed> positions() {
        return positions;
    }

    /** Three intervals, at least 500 ms: a loaded machine answers a probe late, a hung node never. */
    private long suspectAfterNanos() {
        return Math.max(3 * settings.interval().toNanos(), TimeUnit.MILLISECONDS.toNanos(500));
    }

    /**
     * How many probes this monitor has started; a volatile read, where a clock read costs a few hundred nanoseconds on
     * a virtual machine's cold path (it showed in the end-to-end profile of every replica read).
     */
    public long probesStarted() {
        return probesStarted.get();
    }

    /** The monitor's clock, in the nanos of {@link Probed#sentAtNanos()}. */
    public long nanoTime() {
        return ticker.getAsLong();
    }

    /** What {@code node} had replayed (or, the primary, reached) at its last successful probe. */
    public Optional<ReplicationPosition> position(NodeId node) {
        lock.lock();
        try {
            return tracker.position(node);
        } finally {
            lock.unlock();
        }
    }

    public Optional<ReplicationPosition> primaryPosition() {
        lock.lock();
        try {
            return tracker.primaryPosition();
        } finally {
            lock.unlock();
        }
    }

    public List<NodeReport> reports() {
        lock.lock();
        try {
            return tracker.reports(ticker.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    public ReplicationProbe probe() {
        return probe;
    }

    /** The primary's answers by send time, from every successful probe of a node that reported itself primary. */
    public PrimarySamples primarySamples() {
        return primarySamples;
    }

    /**
     * Has the primary probed as soon as possible by a probe sent from now on, so that a commit acknowledged before
     * this call is located by one round trip rather than by the next interval: launched at once if the primary's
     * prober is idle, else right after its current probe when that one was sent before this call. Never blocks,
     * never starts a second probe of a node, and concurrent requests share one probe. A primary whose last probe
     * failed is left to its backoff; the read that asked then finds no replica for a while, as it would anyway.
     */
    public void requestPrimaryProbe() {
        if (closed) {
            return;
        }
        NodeState primary = snapshot.primary();
        NodeProber prober = primary == null ? null : probers.get(primary.id());
        if (prober != null && !prober.failing) {
            prober.request(ticker.getAsLong());
        }
    }

    /**
     * A session lost its connection to the primary, or the primary's probe failed or hangs: every node is probed now
     * and then every {@link #HUNT_POLL} until exactly one answers as primary (see the class comment). Never blocks;
     * a hunt in progress goes on.
     */
    public void suspectPrimary() {
        if (closed) {
            return;
        }
        long now = ticker.getAsLong();
        if (!hunting) {
            huntStartedAtNanos = now;
            hunting = true;
        }
        for (NodeProber prober : probers.values()) {
            prober.request(now);
        }
    }

    /**
     * {@code listener} hears of every snapshot published from now on, on the monitor's own threads: what must follow a
     * change of roles even when no statement is routed (every application thread may be blocked on the lost primary).
     * It must be quick and must not throw.
     */
    public void onPublish(java.util.function.Consumer<TopologySnapshot> listener) {
        publicationListener = listener;
    }

    /** Whether {@code node} failed enough probes in a row to be declared down, not merely late. */
    public boolean declaredDown(NodeId node) {
        lock.lock();
        try {
            return tracker.isDown(node);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@code node}'s latest answer is to a probe sent after the current (or latest) hunt began and it has not
     * failed since: a role it reports is current, not an answer given before a primary was lost.
     */
    public boolean answeredSinceHuntBegan(NodeId node) {
        NodeProber prober = probers.get(node);
        return prober != null && !prober.failing && prober.lastAnsweredProbeSentAt - huntStartedAtNanos >= 0;
    }

    /** Whether the primary is being looked for now. */
    public boolean hunting() {
        return hunting;
    }

    /**
     * A session could not reach {@code node}: published at once as a replica whose probe just failed (down for
     * reads, see {@link #withSuspectsDown}) and probed again now, whose success brings it back. Without this
     * a session's retry elsewhere would be routed to the same replica until the next probe round.
     */
    public void reportUnreachable(NodeId node) {
        NodeProber prober = probers.get(node);
        if (closed || prober == null) {
            return;
        }
        prober.failing = true;
        publish();
        prober.request(ticker.getAsLong());
    }

    public String name() {
        return name;
    }

    /** Launches the probes that are due and counts the ones stuck past {@code probeTimeout} as failed. */
    private void tick() {
        if (closed) {
            return;
        }
        long now = ticker.getAsLong();
        boolean everyNode = hunting;
        for (NodeProber prober : probers.values()) {
            if (prober.isBusy()) {
                prober.failIfOverdue(now);
            } else if (everyNode || isDue(prober.node, now)) {
                prober.launchIfIdle();
            }
        }
        publish();
    }

    /**
     * Ends the hunt once {@code published} has exactly one primary, up, that answered a probe sent after the hunt
     * began: not the answer of a probe in flight when the primary was lost.
     */
    private void endHuntIfFound(TopologySnapshot published) {
        if (!hunting) {
            return;
        }
        NodeState primary = published.primary();
        NodeProber prober = primary == null || !primary.up() ? null : probers.get(primary.id());
        if (prober != null && !prober.failing && prober.lastAnsweredProbeSentAt - huntStartedAtNanos >= 0) {
            hunting = false;
        }
    }

    private boolean isDue(NodeId node, long now) {
        lock.lock();
        try {
            return tracker.isDue(node, now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nodes whose last probe failed, or whose current probe is overdue; see {@link #withSuspectsDown}. A primary
     * among them is silent: the staleness clock stops, and the primary is hunted for. Under {@link #lock}.
     */
    private void updateSuspects() {
        long now = ticker.getAsLong();
        Set<NodeId> late = new java.util.HashSet<>();
        for (NodeProber prober : probers.values()) {
            boolean overdue = prober.isBusy() && now - prober.startedAtNanos > suspectAfterNanos();
            if (prober.failing || overdue) {
                late.add(prober.node);
            }
            if (overdue) {
                tracker.primarySilent(prober.node, prober.startedAtNanos); // the hang began with that probe
            }
        }
        if (!late.equals(suspects)) {
            suspects = Set.copyOf(late);
        }
    }

    /**
     * A node whose probe hangs or just failed is published as down at once, not after the failure streak: new reads
     * must not queue behind a stopped server, and new writes wait for the primary's next answer, or a new primary's
     * ({@code failoverTimeout}), rather than be sent to a dead one. A primary that is only slow delays writes by its
     * slowness: they go as soon as its probe answers. Done here, once per publication, rather than by every statement
     * that routes.
     */
    private TopologySnapshot withSuspectsDown(TopologySnapshot tracked) {
        Set<NodeId> late = suspects;
        if (late.isEmpty()) {
            return tracked;
        }
        List<NodeState> states = new ArrayList<>(tracked.nodes().size());
        boolean primaryLate = false;
        for (NodeState state : tracked.nodes()) {
            boolean suspect = late.contains(state.id()) && state.role() != NodeRole.UNKNOWN;
            primaryLate |= suspect && state.role() == NodeRole.PRIMARY;
            states.add(suspect ? state.withUp(false) : state);
        }
        if (primaryLate && !hunting) {
            suspectPrimary();
        }
        return TopologySnapshot.of(states, tracked.takenAtNanos());
    }

    private void publish() {
        lock.lock();
        try {
            updateSuspects();
            snapshot = withSuspectsDown(tracker.snapshot(ticker.getAsLong()));
            endHuntIfFound(snapshot);
            if (primaryKnownAtNanos == 0 && snapshot.primary() != null) {
                primaryKnownAtNanos = System.nanoTime();
            }
            published.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            publicationListener.accept(snapshot);
        } catch (RuntimeException e) {
            // a listener's failure must not stop the monitor; routing syncs the roles again at its next statement
        }
    }

    /** Runs {@code task} once on the scheduler thread after {@code delay}, unless the monitor closes first. */
    public void runLater(Runnable task, Duration delay) {
        if (!closed) {
            scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops every thread of this monitor and closes its probe connections; waits briefly for the threads to end so
     * that a caller that checks for leaked threads right after closing finds none.
     */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (NodeProber prober : probers.values()) {
            prober.close();
        }
        lock.lock();
        try {
            published.signalAll();
        } finally {
            lock.unlock();
        }
        if (!Thread.currentThread().getName().startsWith("junction-monitor")) {
            // One second in all, not per thread: a probe blocked in a read the backend driver does not interrupt
            // (Connector/J) ends at its socket timeout anyway, and a failed getConnection must not wait for it.
            // Joined, not awaitTermination: an executor counts as terminated while its worker thread is still on its
            // way out, and a caller checking for live threads right after close would see it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            try {
                for (Thread started : threads) {
                    long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (started != Thread.currentThread() && remainingMillis > 0) {
                        started.join(remainingMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ThreadFactory daemon(String threadName) {
        return runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "TopologyMonitor[" + name + "]";
    }

    /** One node's probe thread and connection. Probe state is touched by the scheduler and the probe thread. */
    private final class NodeProber {
        private final NodeId node;
        private final ExecutorService thread;
        private volatile Connection connection;
        private volatile long startedAtNanos;
        /** Set by whoever launches a probe, so that a tick and a read's request never start two at once. */
        private final AtomicBoolean busy = new AtomicBoolean();
        /** A request came while a probe sent before it was in flight: probe again when that one ends. */
        private final AtomicBoolean again = new AtomicBoolean();

        private volatile boolean countedAsFailed;
        private volatile boolean failing;
        /** Why the last probe failed; null after a success. */
        private volatile NodeFailure lastFailure;

        private volatile boolean answeredOnce;
        /** {@link System#nanoTime()} at the launch of the current probe, for {@link #lastFailure(NodeId)}. */
        private volatile long startedAtRealNanos;
        /** When the last probe that was answered was sent, on the ticker. */
        private volatile long lastAnsweredProbeSentAt = Long.MIN_VALUE / 2;

        private volatile long lastCountedAtNanos;

        private NodeProber(NodeId node) {
            this.node = node;
            this.thread = Executors.newSingleThreadExecutor(daemon("junction-probe " + node));
        }

        boolean isBusy() {
            return busy.get();
        }

        /** Starts a probe unless one is in flight; null when one is (or the monitor is closing). */
        Future<?> launchIfIdle() {
            if (!busy.compareAndSet(false, true)) {
                return null;
            }
            countedAsFailed = false;
            startedAtNanos = ticker.getAsLong();
            startedAtRealNanos = System.nanoTime();
            try {
                return thread.submit(this::probeOnce);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                busy.set(false);
                return null;
            }
        }

        /** See {@link #requestPrimaryProbe()}: a probe started at or after {@code requestedAtNanos} will do. */
        void request(long requestedAtNanos) {
            if (launchIfIdle() != null) {
                return;
            }
            if (startedAtNanos - requestedAtNanos < 0) {
                again.set(true);
                // The probe in flight may have ended between the launch attempt and the flag: then no one would see it.
                if (!busy.get() && again.compareAndSet(true, false)) {
                    launchIfIdle();
                }
            }
        }

        /**
         * A probe stuck past {@code probeTimeout} counts as one failure per timeout period it stays stuck, so
         * a node that hangs even its connection attempts is marked down after the usual streak.
         */
        void failIfOverdue(long now) {
            long since = countedAsFailed ? lastCountedAtNanos : startedAtNanos;
            if (now - since > settings.probeTimeout().toNanos()) {
                countedAsFailed = true;
                lastCountedAtNanos = now;
                recordFailure(NodeFailure.noAnswerWithin(settings.probeTimeout().toMillis())
                        .describe());
            }
        }

        private void probeOnce() {
            try {
                Connection current = connection;
                if (current == null) {
                    current = connector.connect(node);
                    current.setNetworkTimeout(Runnable::run, (int)
                            Math.min(Integer.MAX_VALUE, settings.probeTimeout().toMillis()));
                    connection = current;
                }
                long sequence = probesStarted.incrementAndGet(); // before the probe is sent, see Probed
                long sent = ticker.getAsLong();
                ReplicationProbe.Answer answer = probe.probe(current);
                long answered = ticker.getAsLong();
                if (answer.role() == NodeRole.PRIMARY && answer.position() != null) {
                    primarySamples.record(sent, answer.position());
                }
                lock.lock();
                try {
                    tracker.recordSuccess(node, answer.role(), answer.position(), answer.generation(), sent, answered);
                    failing = false;
                    lastFailure = null;
                    answeredOnce = true;
                    lastAnsweredProbeSentAt = sent;
                    if (answer.position() != null) {
                        Map<NodeId, Probed> next = new java.util.HashMap<>(positions);
                        next.put(node, new Probed(answer.position(), sent, sequence));
                        positions = Map.copyOf(next);
                    }
                } finally {
                    lock.unlock();
                }
            } catch (SQLException | RuntimeException e) {
                closeConnection();
                lastFailure = new NodeFailure(e);
                if (!countedAsFailed) {
                    recordFailure(lastFailure.describe());
                }
                NodeState state = snapshot.node(node);
                if (state != null && state.role() == NodeRole.PRIMARY) {
                    suspectPrimary();
                }
            } finally {
                busy.set(false);
            }
            if (!closed) {
                publish();
                if (again.compareAndSet(true, false)) {
                    launchIfIdle();
                }
            }
        }

        private void recordFailure(String error) {
            failing = true;
            lock.lock();
            try {
                tracker.recordFailure(node, error, ticker.getAsLong(), startedAtNanos);
            } finally {
                lock.unlock();
            }
        }

        private void closeConnection() {
            Connection current = connection;
            connection = null;
            if (current != null) {
                try {
                    // abort, not close: close would wait on a socket that a hung server never answers.
                    current.abort(Runnable::run);
                } catch (SQLException | RuntimeException ignored) {
                    // The connection is being discarded because it failed; nothing more to learn from it.
                }
            }
        }

        void close() {
            thread.shutdownNow();
            closeConnection();
        }
    }
}
