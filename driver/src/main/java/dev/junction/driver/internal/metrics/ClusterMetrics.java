package dev.junction.driver.internal.metrics;

import dev.junction.driver.NodeStatus;
import dev.junction.driver.internal.pipeline.RouterStatementRouting;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.StatusReport;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.router.RouteReason;
import dev.junction.router.StatementClassifier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one cluster (one {@link ClusterTopology}: cluster and credentials) has done, counted for operators: statements
 * by where they ran ({@link RoutedTo}) and why ({@link RouteReason}), replica waits, pins by cause, errors by SQLState;
 * and, read from their owners when asked, the classifier's cache and parse counters, the optimistic transaction moves
 * and each node's role, replay position and staleness as the monitor last saw them.
 *
 * <p>Cost. The statement path pays a load and a store per statement in its connection's own {@link RouteCounts}, on
 * an array slot found by two ordinals: no lookup, no allocation, no atomic add (a shared {@link LongAdder} cost about
 * 10 ns a statement); the open connections' arrays are summed when read, and folded into {@code routes} when they
 * close. Pins and errors are rare and keyed by text, in a {@link ConcurrentHashMap}. The
 * gauges (staleness, positions, classifier, moves) cost nothing until read. A connection with {@code metrics=off}
 * counts into {@link #OFF}, whose every method returns at its first test.
 *
 * <p>Lifecycle. Created with its topology; {@link #activate} (the first connection with {@code metrics=on}) of a
 * {@linkplain ClusterTopology#published() registry entry's topology} registers the MBean ({@link ClusterMBean}) and announces the cluster to {@link LiveClusters}, where Micrometer binders find it;
 * {@link #close} (the topology's release, with its last connection) undoes both. Counts restart with a new topology.
 *
 * <p>Adding a meter (sync waits, failovers, conflicts resolved): a {@link LongAdder} field and its recording method
 * here, called by the step that knows; a getter on {@link dev.junction.driver.metrics.JunctionClusterMXBean}
 * implemented by {@link ClusterMBean}; and one builder call in {@code JunctionMeterBinder.Binding#bind}. Nothing else
 * needs to know: the MBean and every binder pick up the new meter for every cluster.
 *
 * <p>Thread-safe.
 */
public final class ClusterMetrics {
    private static final RouteReason[] REASONS = RouteReason.values();
    private static final RoutedTo[] TARGETS = RoutedTo.values();
    /** The rules commits wait for, as sync-wait metrics label them ({@code SyncPolicy.metricLabel}). */
    public static final List<String> SYNC_MODES = List.of("semi-sync", "sync", "quorum", "majority");

    /** What a connection with {@code metrics=off} counts into: nothing. Never registered. After the arrays it sizes. */
    public static final ClusterMetrics OFF = new ClusterMetrics(null, false);

    /** Told of a new key of a keyed counter ({@link #PINS} or {@link #ERRORS}), so that binders add a meter for it. */
    @FunctionalInterface
    public interface KeyListener {
        void added(String counter, String key);
    }

    /** The keyed counter of pins by cause. */
    public static final String PINS = "pins";
    /** The keyed counter of errors by SQLState. */
    public static final String ERRORS = "errors";

    private final ClusterTopology topology;
    private final boolean on;
    /** Closed connections' routes; open ones count in their own {@link RouteCounts}. */
    private final LongAdder[] routes = new LongAdder[TARGETS.length * REASONS.length];

    private final java.util.Set<RouteCounts> liveRouteCounts = ConcurrentHashMap.newKeySet();
    private final LongAdder rywWaits = new LongAdder();
    private final LongAdder rywWaitNanos = new LongAdder();
    private final LongAdder staleWaits = new LongAdder();
    private final LongAdder staleWaitNanos = new LongAdder();
    private final LongAdder[] syncWaits = adders(SYNC_MODES.size());
    private final LongAdder[] syncWaitNanos = adders(SYNC_MODES.size());
    private final LongAdder[] syncTimeouts = adders(SYNC_MODES.size());
    private final LongAdder syncDegraded = new LongAdder();
    private final LongAdder primaryChanges = new LongAdder();
    private final LongAdder syncByServer = new LongAdder();
    private final Map<String, LongAdder> pins = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final List<KeyListener> keyListeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean active;
    private boolean published;
    private boolean closed;
    private volatile String user;
    private ClusterMBean.Registration registration;

    /** The metrics of {@code topology}, which owns them; inactive until {@link #activate}. */
    public ClusterMetrics(ClusterTopology topology) {
        this(topology, true);
    }

    private ClusterMetrics(ClusterTopology topology, boolean on) {
        this.topology = topology;
        this.on = on;
        for (int i = 0; i < routes.length; i++) {
            routes[i] = new LongAdder();
        }
    }

    // ---- recording: the statement path ----

    /**
     * A new connection's route counters, counted into this cluster's until {@link RouteCounts#close()}, then added to
     * its totals; {@link RouteCounts#NONE} when this instance does not count.
     */
    public RouteCounts routeCounts() {
        if (!on) {
            return RouteCounts.NONE;
        }
        RouteCounts counts = new RouteCounts(this);
        liveRouteCounts.add(counts);
        return counts;
    }

    void retire(RouteCounts counts) {
        if (liveRouteCounts.remove(counts)) {
            for (int i = 0; i < routes.length; i++) {
                long count = counts.get(i);
                if (count != 0) {
                    routes[i].add(count);
                }
            }
        }
    }

    /**
     * A read waited {@code nanos} for a replica to qualify ({@code ReplicaWait}); {@code readYourWrites} when it
     * waited for commits it must see, else for a stale or down replica ({@code staleReadFallback=wait}).
     */
    public void waited(boolean readYourWrites, long nanos) {
        if (on) {
            (readYourWrites ? rywWaits : staleWaits).increment();
            (readYourWrites ? rywWaitNanos : staleWaitNanos).add(nanos);
        }
    }

    /**
     * A commit waited {@code nanos} for the replicas its sync {@code mode} requires; {@code met} false when too few
     * confirmed within {@code syncTimeout}.
     */
    public void syncWaited(String mode, long nanos, boolean met) {
        if (on) {
            int index = SYNC_MODES.indexOf(mode);
            syncWaits[index].increment();
            syncWaitNanos[index].add(nanos);
            if (!met) {
                syncTimeouts[index].increment();
            }
        }
    }

    /** A commit was confirmed by the server's own synchronous replication, with no question of Junction's. */
    public void syncConfirmedByServer() {
        if (on) {
            syncByServer.increment();
        }
    }

    /** A commit not confirmed in time was reported as a warning ({@code syncTimeoutAction=degrade}). */
    public void syncDegraded() {
        if (on) {
            syncDegraded.increment();
        }
    }

    /** Another node became the primary (a failover or switchover seen by the monitor). */
    public void primaryChanged() {
        if (on) {
            primaryChanges.increment();
        }
    }

    public long primaryChanges() {
        return primaryChanges.sum();
    }

    /** A statement pinned its session to a node for {@code cause} (a temporary table, an advisory lock...). */
    public void pinned(String cause) {
        if (on) {
            keyed(PINS, pins, cause).increment();
        }
    }

    /** A backend failed a call with {@code sqlState} (null counts as {@code none}). */
    public void failed(String sqlState) {
        if (on) {
            keyed(ERRORS, errors, sqlState == null ? "none" : sqlState).increment();
        }
    }

    private LongAdder keyed(String counter, Map<String, LongAdder> map, String key) {
        LongAdder adder = map.get(key);
        if (adder == null) {
            LongAdder created = new LongAdder();
            adder = map.putIfAbsent(key, created);
            if (adder == null) {
                adder = created;
                for (KeyListener listener : keyListeners) {
                    listener.added(counter, key);
                }
            }
        }
        return adder;
    }

    // ---- reading ----

    /** Whether this instance counts: false for {@link #OFF}. */
    public boolean on() {
        return on;
    }

    /** Statements routed to {@code to} for {@code reason} so far. */
    public long routes(RoutedTo to, RouteReason reason) {
        int index = to.ordinal() * REASONS.length + reason.ordinal();
        long sum = routes[index].sum();
        for (RouteCounts counts : liveRouteCounts) {
            sum += counts.get(index);
        }
        return sum;
    }

    /** Statements routed to {@code to}, whatever the reason. */
    public long routes(RoutedTo to) {
        long sum = 0;
        for (RouteReason reason : REASONS) {
            sum += routes(to, reason);
        }
        return sum;
    }

    public long readYourWritesWaits() {
        return rywWaits.sum();
    }

    public long readYourWritesWaitNanos() {
        return rywWaitNanos.sum();
    }

    public long staleReplicaWaits() {
        return staleWaits.sum();
    }

    public long staleReplicaWaitNanos() {
        return staleWaitNanos.sum();
    }

    /** Commits that waited for replicas, by sync mode. */
    public long syncWaits(String mode) {
        return syncWaits[SYNC_MODES.indexOf(mode)].sum();
    }

    /** Their total wait. */
    public long syncWaitNanos(String mode) {
        return syncWaitNanos[SYNC_MODES.indexOf(mode)].sum();
    }

    /** Commits too few replicas confirmed within {@code syncTimeout}, by sync mode. */
    public long syncTimeouts(String mode) {
        return syncTimeouts[SYNC_MODES.indexOf(mode)].sum();
    }

    /** Commits the server's own synchronous replication confirmed. */
    public long syncConfirmationsByServer() {
        return syncByServer.sum();
    }

    /** Commits not confirmed in time that were reported as warnings. */
    public long syncDegradations() {
        return syncDegraded.sum();
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** Pins by cause, sorted by cause. */
    public Map<String, Long> pins() {
        return sums(pins);
    }

    /** Errors by SQLState, sorted by SQLState. */
    public Map<String, Long> errors() {
        return sums(errors);
    }

    /** The count of one key of a keyed counter ({@link #PINS}, {@link #ERRORS}); zero for a key not seen. */
    public long keyed(String counter, String key) {
        LongAdder adder = (PINS.equals(counter) ? pins : errors).get(key);
        return adder == null ? 0 : adder.sum();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> map) {
        Map<String, Long> sums = new TreeMap<>();
        map.forEach((key, adder) -> sums.put(key, adder.sum()));
        return sums;
    }

    /** Subscribes {@code listener} to new keys and returns the keys seen so far, as {@code counter → keys}. */
    public Map<String, List<String>> listenToKeys(KeyListener listener) {
        keyListeners.add(listener);
        return Map.of(PINS, List.copyOf(pins.keySet()), ERRORS, List.copyOf(errors.keySet()));
    }

    /** The shared classifier's counters; zeros before its first use. */
    public StatementClassifier.Statistics classifier() {
        RouterStatementRouting routing = topology == null ? null : topology.sharedRouting();
        return routing == null
                ? new StatementClassifier.Statistics(0, 0, 0, 0, 0, 0, 0, 0)
                : routing.classifier().statistics();
    }

    /** The optimistic transactions: started on a replica, moved to the primary, conflicts. */
    public TransactionMoves.Snapshot moves() {
        return topology == null
                ? new TransactionMoves.Snapshot(0, 0, 0, 0, 0, 0, 0)
                : topology.transactionMoves().snapshot();
    }

    /** The write sync modes degraded now ({@code syncTimeoutAction=degrade}), as {@code sync/apply}. */
    public List<String> degradedSyncModes() {
        return topology == null ? List.of() : topology.degradedSyncModes();
    }

    /** Every node as the monitor last saw it: role, replay position, staleness bound. */
    public List<NodeStatus> nodes() {
        return topology == null ? List.of() : StatusReport.of(topology.monitor(), topology);
    }

    /** The staleness bound of the node at {@code address} in milliseconds, NaN when unknown or not a replica. */
    public double stalenessMillis(String address) {
        for (NodeStatus node : nodes()) {
            if (node.address().equals(address) && node.stalenessBound().isPresent()) {
                return node.stalenessBound().get().toNanos() / 1e6;
            }
        }
        return Double.NaN;
    }

    /** The addresses of the cluster's nodes, as the URL names them. */
    public List<String> nodeAddresses() {
        return topology == null
                ? List.of()
                : topology.nodes().stream()
                        .map(node -> node.address().toString())
                        .toList();
    }

    /** The cluster's URL without parameters or credentials. */
    public String cluster() {
        return topology == null ? "" : topology.name();
    }

    /** The user of the cluster's connections, or null for the backend's default. Never a password. */
    public String user() {
        return user;
    }

    // ---- lifecycle ----

    /**
     * A connection with {@code metrics=on} uses the cluster: at the first, the MBean is registered and binders are
     * told. Returns this, for the connection to count into. A straggler after {@link #close} counts unseen.
     */
    public ClusterMetrics activate(String user) {
        if (!on || active) {
            return this;
        }
        lifecycle.lock();
        try {
            if (active || closed) {
                return this;
            }
            this.user = user;
            active = true;
            if (!topology.published()) {
                return this;
            }
            registration = ClusterMBean.register(this);
            published = true;
        } finally {
            lifecycle.unlock();
        }
        LiveClusters.added(this);
        return this;
    }

    /** The cluster's topology was released: unregisters the MBean, and binders remove its meters. */
    public void close() {
        boolean wasActive;
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wasActive = published;
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        } finally {
            lifecycle.unlock();
        }
        if (wasActive) {
            LiveClusters.removed(this);
        }
    }

    /** The MBean's name while registered, else null; for tests and messages. */
    public javax.management.ObjectName objectName() {
        lifecycle.lock();
        try {
            return registration == null ? null : registration.name();
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public String toString() {
        return "ClusterMetrics[" + cluster() + (user == null ? "" : " user " + user) + (on ? "" : " off") + "]";
    }
}
