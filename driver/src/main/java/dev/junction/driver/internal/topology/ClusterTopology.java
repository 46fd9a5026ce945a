package dev.junction.driver.internal.topology;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.pipeline.RouterStatementRouting;
import dev.junction.driver.internal.sync.ReplicaAcknowledgements;
import dev.junction.driver.internal.topology.monitor.NodeFailure;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.Dialect;
import dev.junction.router.NodeId;
import dev.junction.router.NodeLoads;
import dev.junction.router.NodeRole;
import dev.junction.router.NodeState;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.TransactionShapes;
import dev.junction.router.replication.CommitInstants;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One cluster as one set of credentials sees it, shared by every connection to that cluster with those credentials in
 * this JVM: its nodes and their roles, the {@link RoutingPolicy} (its load balancers count across connections), the
 * statement classifier with its function answers, the view and table catalogs and their one
 * {@link CatalogConnection} to the primary, and the {@link TopologyMonitor} whose probes give the roles. Connections
 * find it through {@link SharedMonitors}, keyed by cluster (backend, seeds, database) and by the salted hash of the
 * backend properties ({@link ConnectionSettings#credentialKey()}); it is built with the first connection of its key
 * ({@link #keyed}) and {@linkplain #release released} with the last, which stops its monitor, closes its catalog
 * connection and thread and drops its caches.
 *
 * <p>What is shared across credential sets, and what is not. Only the record of commits ({@link #globalCommits}) is
 * shared by every topology of a cluster: it holds instants and table names, and {@code readConsistency=global} means
 * that a read sees the commits of every connection of the JVM, whatever user made them. Everything that comes from
 * asking a server is asked with this topology's own credentials and used for its connections only:
 * <ul>
 *   <li>catalog answers, because a server answers each user with what that user may see (MariaDB/MySQL hide the
 *       bodies of functions a user may not read, and with them any proof that the function is read-only), and a
 *       decision made from another account's catalog is someone else's decision;</li>
 *   <li>the node roles and the snapshot, although roles are facts about the servers: a node lets one account in and
 *       refuses another ({@code pg_hba.conf} per user, host-bound accounts, a locked account, a per-user connection
 *       limit), so a node another account reaches is not one this account's sessions can use, and what a probe learns
 *       depends on its account's privileges (without {@code SLAVE MONITOR}/{@code REPLICATION CLIENT} a MariaDB or
 *       MySQL replica is judged by {@code read_only} alone). A shared snapshot would also need one account's probes
 *       to keep running for the others, tying the lifetime of one user's monitor to another user's data sources.</li>
 * </ul>
 * The price is one monitor (one scheduler thread, one probe thread and connection per node) per set of credentials in
 * use, and a first probe round for each: fine for the usual one or two accounts per application, costly for one
 * account per tenant.
 *
 * <p>With a {@link TopologyMonitor} attached (what {@link dev.junction.driver.internal.jdbc.Connections} always does),
 * roles, positions and staleness come from the monitor's published snapshot, read without locking, and the one-off
 * probing below only serves to explain a failure when the monitor reaches no node. Without one (unit tests over fake
 * servers, which build a topology directly and share it as they like) roles come from one-off probes and every replica
 * that answers has staleness zero.
 *
 * <p>The global {@link CommitInstants} say when every commit made through Junction in this JVM was acknowledged, by
 * table. They stay meaningful across topologies and monitors because they are instants on {@link System#nanoTime()},
 * which every monitor's ticker is, and any monitor's probes of the primary locate them.
 */
public final class ClusterTopology implements SharedMonitors.Shared {
    private final TransactionShapes transactionShapes;
    private final TransactionMoves transactionMoves = new TransactionMoves();
    private final ClusterAnnouncement announcement = new ClusterAnnouncement();
    /** Counters for operators; registered (MBean, binders) by the first connection with {@code metrics=on}. */
    private final ClusterMetrics metrics = new ClusterMetrics(this);
    /**
     * Connect and login bound of probe and catalog connections, and how long start-up waits for the first probe round:
     * a hung node must not hold a probe, or a {@code getConnection}, longer.
     */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private static final long DOWN_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The one-off probes' bound; they serve unit tests only, where a monitor is not attached. */
    private static final long PROBE_WAIT_MILLIS = PROBE_TIMEOUT.toMillis();

    private final String name;
    private final BackendDialect dialect;
    private final List<Node> nodes;
    private final ReentrantLock probeLock = new ReentrantLock();
    /** On the monitor's ticker once one is attached, so that snapshot ages are measured on the scale they were stamped. */
    private final NodeLoads loads = new NodeLoads();

    private volatile RoutingPolicy policy = RoutingPolicy.create(System::nanoTime, ThreadLocalRandom::current, loads);

    private final CommitInstants globalCommits;
    private volatile TopologyMonitor monitor;
    /** The monitor's snapshot whose roles {@link #nodes()} last took; compared by reference. */
    private volatile TopologySnapshot lastSynced;
    /** The node that was the one primary at the last sync of roles; null before any. */
    private volatile Node lastPrimary;
    /** Whether the connections to {@link #lastPrimary} were aborted because it was declared down. */
    private boolean lastPrimaryAborted;

    private final LiveConnections live = new LiveConnections();
    /** Logged when the primary changes, with how many connections to the former one were aborted. */
    private static final System.Logger FAILOVER_LOG = System.getLogger("dev.junction.failover");

    private volatile CatalogConnection catalogConnection;
    private volatile RouterStatementRouting routing;
    private volatile ViewCatalog viewCatalog;
    private volatile TableCatalog tableCatalog;
    private volatile ConflictTableShapes conflictTableShapes;
    private volatile boolean probed;
    private volatile long probedAt;
    /** Tells the cluster's other topologies that DDL ran through this one; nothing for a topology of its own. */
    private volatile Runnable definitionsChangedElsewhere = () -> {};
    /** The credentials of a keyed topology's catalogs; null for a topology of its own (tests). */
    private volatile NodeConnector catalogConnector;
    /** The same credentials for the sync waits' connections, which name themselves {@code junction-sync}. */
    private volatile NodeConnector syncConnector;
    /** Made by the first commit that waits for replicas; under {@link #probeLock}. */
    private volatile ReplicaAcknowledgements acknowledgements;
    /** Commit outcome tracking ({@code commitOutcome=track}), made with the first connection that tracks. */
    private volatile dev.junction.driver.internal.failover.CommitOutcomes commitOutcomes;
    /** A registry entry's topology, whose metrics are published (MBean, binders); false for a test's own. */
    private volatile boolean published;
    /** Set by {@link #release}, under {@link #probeLock}. */
    private boolean released;
    /**
     * {@code topology=multi-master}: several nodes answer as primary (masters) and that is no split brain; statements
     * go to the home master while it is up, else to the first master up in the URL's order.
     */
    private volatile boolean multiMaster;
    /** The configured home master; null for the first master up in the URL's order. */
    private volatile Node homeMaster;

    /** A topology of its own, with a commit record of its own: for tests, which share it as they like. */
    public ClusterTopology(String name, BackendDialect dialect, List<HostAndPort> seeds) {
        this(name, dialect, seeds, new CommitInstants());
    }

    private ClusterTopology(
            String name, BackendDialect dialect, List<HostAndPort> seeds, CommitInstants globalCommits) {
        this.name = name;
        this.dialect = dialect;
        this.transactionShapes =
                TransactionShapes.create(dialect == BackendDialect.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL);
        this.nodes = seeds.stream()
                .map(seed -> new Node(seed, ProbedRole.DOWN, loads))
                .collect(Collectors.toUnmodifiableList());
        this.globalCommits = globalCommits;
    }

    /**
     * The topology of one registry entry (cluster and credentials), built by {@link SharedMonitors} under its lock:
     * cheap, opens nothing, and makes the classifier and catalogs later, at their first use. They ask the primary
     * through {@code catalogConnector}, which carries the entry's credentials, whatever connector a connection passes;
     * the monitor {@code monitorFor} makes is attached, and started by the registry.
     *
     * @param globalCommits the cluster's commit record, shared with the cluster's other topologies
     */
    public static ClusterTopology keyed(
            SharedMonitors.Key key,
            ConnectionSettings settings,
            CommitInstants globalCommits,
            NodeConnector catalogConnector,
            NodeConnector syncConnector,
            Function<ClusterTopology, TopologyMonitor> monitorFor) {
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(),
                settings.backend().dialect(),
                settings.url().hosts(),
                globalCommits);
        topology.definitionsChangedElsewhere = () -> SharedMonitors.definitionsChanged(key);
        topology.catalogConnector = catalogConnector;
        topology.syncConnector = syncConnector;
        topology.published = true;
        if (settings.properties().get(dev.junction.driver.JunctionProperty.TOPOLOGY)
                == dev.junction.driver.Topology.MULTI_MASTER) {
            topology.multiMaster(settings.properties().get(dev.junction.driver.JunctionProperty.HOME_MASTER));
        }
        topology.attach(monitorFor.apply(topology));
        return topology;
    }

    /**
     * Makes this a multi-master topology whose home master is {@code home} ({@code host:port} of a seed; empty for the
     * first master up in the seeds' order). Before the first probe.
     */
    public void multiMaster(String home) {
        multiMaster = true;
        homeMaster = nodes.stream()
                .filter(node -> node.address().toString().equalsIgnoreCase(home))
                .findFirst()
                .orElse(null);
    }

    /** Whether several nodes take writes here ({@code topology=multi-master}). */
    public boolean isMultiMaster() {
        return multiMaster;
    }

    /** The routing policy every connection of this topology shares. */
    /** What {@code transactionRouting=learned} has learnt of this cluster's transactions, shared by its connections. */
    public TransactionShapes transactionShapes() {
        return transactionShapes;
    }

    /** Counts of this cluster's optimistic transactions: started on a replica, moved, replayed, conflicts. */
    /** The INFO line logged when this cluster's first connection is handed out. */
    public ClusterAnnouncement announcement() {
        return announcement;
    }

    public TransactionMoves transactionMoves() {
        return transactionMoves;
    }

    /**
     * This cluster's counters, shared by its connections with {@code metrics=on}; {@link ClusterMetrics#activate}
     * publishes them, this topology's release withdraws them.
     */
    public ClusterMetrics metrics() {
        return metrics;
    }

    /**
     * Whether this topology's metrics are published when a connection activates them: a registry entry's, which is
     * released with its last connection. A topology of its own (tests) counts without publishing: nothing would
     * unregister it.
     */
    public boolean published() {
        return published;
    }

    /** The shared classifier if a connection has made it yet, else null; never makes it (metrics read it). */
    public RouterStatementRouting sharedRouting() {
        return routing;
    }

    public RoutingPolicy policy() {
        return policy;
    }

    /**
     * The classifier every connection of this topology shares, with the function and view catalogs, made at first
     * use. They ask over the catalog connection of a keyed topology ({@link #keyed}); {@code connector} serves only a
     * topology made without one (tests).
     */
    public RouterStatementRouting routing(Backend backend, NodeConnector connector) {
        RouterStatementRouting current = routing;
        if (current == null) {
            probeLock.lock();
            try {
                if (routing == null) {
                    CatalogConnection catalog = catalogConnection(connector);
                    viewCatalog = new ViewCatalog(this, catalog, backend);
                    routing = RouterStatementRouting.create(
                            backend,
                            new JdbcFunctionCatalog(this, catalog, backend),
                            viewCatalog,
                            definitionsChangedElsewhere);
                }
                current = routing;
            } finally {
                probeLock.unlock();
            }
        }
        return current;
    }

    /**
     * The write sync modes {@code syncTimeoutAction=degrade} has degraded for this cluster's connections
     * ({@link dev.junction.driver.internal.sync.DegradedRules#describe}); empty before any commit waited.
     */
    public java.util.List<String> degradedSyncModes() {
        ReplicaAcknowledgements made = acknowledgements;
        return made == null ? java.util.List.of() : made.degradedRules().describe();
    }

    /**
     * The cluster's sync waits ({@code syncMode}), made at the first commit that waits, with this topology's
     * credentials ({@code connector}'s for a topology of its own); closed with the topology.
     */
    public ReplicaAcknowledgements acknowledgements(NodeConnector connector) {
        ReplicaAcknowledgements made = acknowledgements;
        if (made != null) {
            return made;
        }
        probeLock.lock();
        try {
            if (acknowledgements == null) {
                NodeConnector own = syncConnector;
                acknowledgements =
                        new ReplicaAcknowledgements(name, dialect, own != null ? own : connector, this::syncedNodes);
                if (released) {
                    acknowledgements.close(); // a straggler's wait finds no replica thread: not confirmed
                }
            }
            return acknowledgements;
        } finally {
            probeLock.unlock();
        }
    }

    /**
     * The cluster's commit outcome tracking, made by the first connection with {@code commitOutcome=track}, with this
     * topology's credentials; closed with the topology. Ids are kept ten minutes, or twice {@code failoverTimeout} if
     * longer, so that no resolution outlives its id.
     */
    public dev.junction.driver.internal.failover.CommitOutcomes commitOutcomes(
            NodeConnector connector, Duration failoverTimeout) {
        dev.junction.driver.internal.failover.CommitOutcomes made = commitOutcomes;
        if (made != null) {
            return made;
        }
        probeLock.lock();
        try {
            if (commitOutcomes == null) {
                NodeConnector own = syncConnector;
                Duration retention = Duration.ofMinutes(10).compareTo(failoverTimeout.multipliedBy(2)) >= 0
                        ? Duration.ofMinutes(10)
                        : failoverTimeout.multipliedBy(2);
                commitOutcomes = new dev.junction.driver.internal.failover.CommitOutcomes(
                        name, dialect, own != null ? own : connector, this, retention);
                if (released) {
                    commitOutcomes.close();
                }
            }
            return commitOutcomes;
        } finally {
            probeLock.unlock();
        }
    }

    /** The catalogs' connection, made with the first catalog; under {@link #probeLock}. */
    private CatalogConnection catalogConnection(NodeConnector connector) {
        if (catalogConnection == null) {
            NodeConnector own = catalogConnector;
            catalogConnection = new CatalogConnection(this, own != null ? own : connector);
            if (released) {
                catalogConnection.close(); // a straggler after the release asks nothing: unknown routes to the primary
            }
        }
        return catalogConnection;
    }

    /**
     * The nodes as the routing policy sees them, taken now: the monitor's last publication once it runs (where a
     * replica whose probe hangs is already down); before that, the roles probed at first use with staleness zero.
     */
    public TopologySnapshot snapshot() {
        TopologyMonitor current = monitor;
        if (current != null) {
            TopologySnapshot published = current.snapshot();
            if (published != lastSynced) {
                // Roles change only when the monitor publishes; routing a statement must not walk the nodes again.
                synchronized (nodes) {
                    if (published != lastSynced) {
                        syncRoles(published);
                        noticeNewPrimary();
                        lastSynced = published;
                    }
                }
            }
            return published;
        }
        List<NodeState> states = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            switch (node.role()) {
                case PRIMARY:
                    states.add(NodeState.primary(node.id()));
                    break;
                case REPLICA:
                    states.add(NodeState.replica(node.id(), Duration.ZERO));
                    break;
                default:
                    states.add(NodeState.of(node.id(), NodeRole.UNKNOWN, false, null, null));
                    break;
            }
        }
        return TopologySnapshot.of(states, System.nanoTime());
    }

    /** Node roles follow the monitor, so that messages, {@code toString()} and {@link #primary()} agree with routing. */
    private void syncRoles(TopologySnapshot published) {
        for (Node node : nodes) {
            NodeState state = published.node(node.id());
            ProbedRole role = state == null || !state.up()
                    ? ProbedRole.DOWN
                    : state.role() == NodeRole.PRIMARY
                            ? ProbedRole.PRIMARY
                            : state.role() == NodeRole.REPLICA ? ProbedRole.REPLICA : ProbedRole.DOWN;
            if (node.role() != role) {
                node.role(role, role == ProbedRole.DOWN ? "the monitor's probes fail" : null);
            }
        }
    }

    /**
     * Another node than before is the one primary: the connections still open to the former one are aborted
     * ({@link LiveConnections}), and the change is logged. Under the lock on {@link #nodes}.
     */
    private void noticeNewPrimary() {
        Node primary = solePrimaryOfRoles();
        if (primary == null) {
            abortIfPrimaryDeclaredDown();
            return;
        }
        Node former = lastPrimary;
        lastPrimary = primary;
        boolean alreadyAborted = lastPrimaryAborted;
        lastPrimaryAborted = false;
        if (former != null && former != primary && multiMaster) {
            // The former master still takes writes (or is down, and its connections fail by themselves): statements
            // running there are not lost, so nothing is aborted; new statements go to the new one.
            FAILOVER_LOG.log(
                    primary == homeMaster ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
                    "{0}: statements now go to master {1} (was {2})",
                    name,
                    primary.address(),
                    former.address());
            return;
        }
        if (former != null && former != primary && !alreadyAborted) {
            int aborted = live.abortAll(former);
            metrics.primaryChanged();
            FAILOVER_LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: the primary is now {1} (was {2}); {3} connection(s) to {2} aborted",
                    name,
                    primary.address(),
                    former.address(),
                    aborted);
        }
    }

    /**
     * No primary now, and the former one failed enough probes in a row to be declared down (a crash, or a hang past
     * {@code downAfterFailures} probe timeouts): statements still blocked on it are aborted once, so that a hung
     * primary costs each of them a bounded wait even if no standby is ever promoted.
     */
    private void abortIfPrimaryDeclaredDown() {
        Node former = lastPrimary;
        TopologyMonitor current = monitor;
        if (former == null || lastPrimaryAborted || current == null || !current.declaredDown(former.id())) {
            return;
        }
        lastPrimaryAborted = true;
        int aborted = live.abortAll(former);
        FAILOVER_LOG.log(
                System.Logger.Level.INFO,
                "{0}: the primary {1} failed its probes and is down; {2} connection(s) to it aborted",
                name,
                former.address(),
                aborted);
    }

    /**
     * The node last seen as the one primary, which stays so while no other node is: what a commit that returned from
     * another node is checked against ({@code StatementPipeline#acknowledgeCommit}). Null before any.
     */
    public Node knownPrimary() {
        return lastPrimary;
    }

    /** The physical connections of this topology's sessions, by node. */
    public LiveConnections liveConnections() {
        return live;
    }

    /** Makes {@code next} the source of roles and staleness: the monitor made for this topology (tests attach their own). */
    public void attach(TopologyMonitor next) {
        policy = RoutingPolicy.create(next::nanoTime, ThreadLocalRandom::current, loads);
        monitor = next;
        // A new primary must be noticed, and the connections to the former one aborted, even while every application
        // thread is blocked on the former one: the monitor's threads sync the roles too.
        next.onPublish(published -> snapshot());
    }

    /** The attached monitor, or null when roles come from one-off probes. */
    public TopologyMonitor monitor() {
        TopologyMonitor current = monitor;
        return current == null || current.isClosed() ? null : current;
    }

    /**
     * Which tables table-aware freshness may track apart, asked of the primary with this topology's credentials (as
     * {@link #routing}: {@code connector} serves only a topology made without a catalog connection, in tests).
     */
    public TableCatalog tableCatalog(Backend backend, NodeConnector connector) {
        TableCatalog current = tableCatalog;
        if (current == null) {
            probeLock.lock();
            try {
                if (tableCatalog == null) {
                    tableCatalog = new TableCatalog(this, catalogConnection(connector), backend);
                }
                current = tableCatalog;
            } finally {
                probeLock.unlock();
            }
        }
        return current;
    }

    /** The shapes of this cluster's conflict tables, read from the home master's catalog (multi-master stamping). */
    public ConflictTableShapes conflictTableShapes(Backend backend, NodeConnector connector) {
        ConflictTableShapes current = conflictTableShapes;
        if (current == null) {
            probeLock.lock();
            try {
                if (conflictTableShapes == null) {
                    conflictTableShapes = new ConflictTableShapes(catalogConnection(connector), backend);
                }
                current = conflictTableShapes;
            } finally {
                probeLock.unlock();
            }
        }
        return current;
    }

    /** DDL ran through Junction: a conflict table's key or columns may have changed. */
    public void forgetConflictTableShapes() {
        ConflictTableShapes shapes = conflictTableShapes;
        if (shapes != null) {
            shapes.forgetAll();
        }
    }

    /** The monitor made for this topology, as {@link SharedMonitors} starts and stops it. */
    @Override
    public TopologyMonitor sharedMonitor() {
        return monitor;
    }

    /**
     * DDL ran through a connection of another topology of this cluster (another user): any function, view or table
     * this topology's catalogs judged may have changed, as DDL through one of its own connections would have made it
     * forget. Cheap: clears caches, asks nothing.
     */
    @Override
    public void forgetDefinitions() {
        RouterStatementRouting classifier = routing;
        if (classifier != null) {
            classifier.forgetDefinitions();
        }
        TableCatalog tables = tableCatalog;
        if (tables != null) {
            tables.forgetAll();
        }
        ConflictTableShapes shapes = conflictTableShapes;
        if (shapes != null) {
            shapes.forgetAll();
        }
    }

    /**
     * The last connection of this topology's key is gone and its monitor has stopped: closes the catalog connection,
     * ends the table catalog's thread, forgets the function answers, unsafe views and table answers, and unregisters
     * the metrics (MBean, Micrometer meters). A topology
     * is not used after this (its key gets a new one); a straggler would find no catalog answer, which routes to the
     * primary.
     */
    @Override
    public void release() {
        metrics.close();
        CatalogConnection catalog;
        ReplicaAcknowledgements waits;
        dev.junction.driver.internal.failover.CommitOutcomes outcomes;
        probeLock.lock();
        try {
            released = true;
            catalog = catalogConnection;
            waits = acknowledgements;
            outcomes = commitOutcomes;
        } finally {
            probeLock.unlock();
        }
        if (outcomes != null) {
            outcomes.close();
        }
        if (catalog != null) {
            catalog.close(); // first: a table lookup in flight on it ends, so its thread can
        }
        if (waits != null) {
            waits.close();
        }
        TableCatalog tables = tableCatalog;
        if (tables != null) {
            tables.close();
        }
        RouterStatementRouting classifier = routing;
        if (classifier != null) {
            classifier.classifier().forgetFunctionAnswers();
        }
        ViewCatalog views = viewCatalog;
        if (views != null) {
            views.close();
        }
    }

    /** When commits made through Junction in this JVM were acknowledged: the {@code global} consistency record. */
    public CommitInstants globalCommits() {
        return globalCommits;
    }

    /** The node the router calls {@code id}. */
    public Node node(NodeId id) {
        for (Node node : nodes) {
            if (node.id().equals(id)) {
                return node;
            }
        }
        throw new IllegalArgumentException(id + " is not a node of " + name);
    }

    /**
     * Marks {@code node} down after a session failed to reach it; the monitor, if one runs, publishes it down for
     * reads until a probe reaches it again, else it is probed again on a later use.
     */
    public void markDown(Node node, String reason) {
        node.role(ProbedRole.DOWN, CredentialMask.text(reason));
        TopologyMonitor current = monitor();
        if (current != null) {
            current.reportUnreachable(node.id());
        }
    }

    public BackendDialect dialect() {
        return dialect;
    }

    /** The cluster's URL without parameters, as messages name it. */
    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The nodes with the roles of the monitor's latest snapshot. */
    private List<Node> syncedNodes() {
        snapshot();
        return nodes;
    }

    /**
     * Fails unless some node is known. With a monitor (always, outside unit tests) that is one read of its snapshot;
     * when the monitor knows no node the error says why from each node's last probe, without probing again here.
     * Without one, probes every node if that has not happened yet, or was invalidated, or a down node is due for a
     * retry.
     */
    public void ensureProbed(NodeConnector connector) throws SQLException {
        TopologyMonitor current = monitor();
        if (current != null) {
            if (snapshot().anyNodeKnown()) {
                return;
            }
            throw noNodeAccepted(node -> current.lastFailure(node.id()));
        }
        if (probed && !downRetryDue()) {
            return;
        }
        probeLock.lock();
        try {
            if (!probed || downRetryDue()) {
                probe(connector);
            }
        } finally {
            probeLock.unlock();
        }
        if (nodes.stream().allMatch(n -> n.role() == ProbedRole.DOWN)) {
            throw noNodeAccepted(node -> node.lastException() == null ? null : new NodeFailure(node.lastException()));
        }
    }

    /**
     * The error for a cluster none of whose nodes gave a connection, from each node's failure: "could not be reached"
     * when none answered ({@code 08001}); "refused" when some answered no, with the SQLState the refusing nodes
     * agreed on (a wrong password is {@code 28P01} everywhere, a missing database {@code 3D000}), else {@code 08004}.
     * The cause is the first refusal's exception (else the first node's), the other nodes' are suppressed.
     */
    public SQLException noNodeAccepted(Function<Node, NodeFailure> failureOf) {
        List<String> reasons = new ArrayList<>();
        List<Exception> exceptions = new ArrayList<>();
        NodeFailure firstRefusal = null;
        String agreed = null;
        boolean disagree = false;
        for (Node node : nodes) {
            NodeFailure failure = failureOf.apply(node);
            if (failure == null) {
                reasons.add(node.address() + " has not answered yet");
                continue;
            }
            reasons.add(node.address() + " " + CredentialMask.text(failure.describe()));
            exceptions.add(failure.exception());
            if (failure.refused()) {
                if (firstRefusal == null) {
                    firstRefusal = failure;
                    agreed = failure.sqlState();
                } else if (!java.util.Objects.equals(agreed, failure.sqlState())) {
                    disagree = true;
                }
            }
        }
        SQLException propertyError = samePropertyRejection(exceptions);
        if (propertyError != null) {
            return propertyError;
        }
        Exception cause =
                firstRefusal != null ? firstRefusal.exception() : exceptions.isEmpty() ? null : exceptions.get(0);
        String reasonText = String.join("; ", reasons);
        SQLException error = firstRefusal == null
                ? JunctionErrorCode.NO_NODE_REACHABLE.exception(cause, name, reasonText)
                : JunctionErrorCode.NO_NODE_ACCEPTED.exceptionWithState(
                        disagree || agreed == null ? JunctionErrorCode.NO_NODE_ACCEPTED.sqlState() : agreed,
                        cause,
                        name,
                        reasonText);
        for (Exception other : exceptions) {
            if (other != cause) {
                error.addSuppressed(other);
            }
        }
        return error;
    }

    /**
     * When every node failed with the same {@link JunctionErrorCode#BACKEND_PROPERTY_REJECTED} (the backend driver
     * refused a property before it opened a socket), that error and not "no node reached": the nodes may all be up.
     * A fresh exception each time, with the first as its cause, so that callers' suppressed lists never pile up on a
     * failure the monitor keeps.
     */
    private SQLException samePropertyRejection(List<Exception> failures) {
        if (failures.size() != nodes.size() || failures.isEmpty()) {
            return null;
        }
        String message = null;
        for (Exception failure : failures) {
            if (!(failure instanceof SQLException sql)
                    || sql.getErrorCode() != JunctionErrorCode.BACKEND_PROPERTY_REJECTED.vendorCode()
                    || (message != null && !message.equals(sql.getMessage()))) {
                return null;
            }
            message = sql.getMessage();
        }
        SQLException first = (SQLException) failures.get(0);
        return new java.sql.SQLNonTransientException(
                CredentialMask.text(message), first.getSQLState(), first.getErrorCode(), first.getCause());
    }

    private boolean downRetryDue() {
        return System.nanoTime() - probedAt > DOWN_RETRY_NANOS
                && nodes.stream().anyMatch(n -> n.role() == ProbedRole.DOWN);
    }

    /** Marks the roles as unknown: the next use probes again. */
    public void invalidate() {
        probed = false;
    }

    private void probe(NodeConnector connector) {
        List<Thread> probes = new ArrayList<>();
        for (Node node : nodes) {
            Thread probe = new Thread(() -> probeOne(node, connector), "junction-probe-" + node.address());
            probe.setDaemon(true);
            probe.start();
            probes.add(probe);
        }
        long deadline = System.currentTimeMillis() + PROBE_WAIT_MILLIS;
        for (int i = 0; i < probes.size(); i++) {
            try {
                probes.get(i).join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (probes.get(i).isAlive()) {
                NodeFailure timeout = NodeFailure.noAnswerWithin(PROBE_WAIT_MILLIS);
                nodes.get(i).role(ProbedRole.DOWN, timeout.describe(), timeout.exception());
            }
        }
        probedAt = System.nanoTime();
        probed = true;
    }

    private void probeOne(Node node, NodeConnector connector) {
        try (Connection connection = connector.open(node.address())) {
            node.role(dialect.probeRole(connection), null);
        } catch (SQLException | RuntimeException e) {
            node.role(ProbedRole.DOWN, CredentialMask.text(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * The one node that reports itself primary, now.
     *
     * @throws SQLException {@link JunctionErrorCode#NO_PRIMARY} or {@link JunctionErrorCode#SEVERAL_PRIMARIES}
     */
    public Node primary() throws SQLException {
        Node primary = solePrimary();
        if (primary != null) {
            return primary;
        }
        throw noSolePrimary();
    }

    /**
     * The one node that reports itself primary, waiting up to {@code failoverTimeout} while there is none (design §7):
     * a primary being lost, or a promotion under way. The monitor hunts for it meanwhile (every node probed every
     * 100 ms), and the wait ends at the first publication with exactly one primary. Two nodes answering as primary to
     * probes sent after the hunt began (a split brain) are refused at once: waiting would not tell which one the
     * cluster manager meant. Two primaries of which one answered only before the hunt are not one: a primary lost a
     * moment ago still shows its last answer while the promoted node already answers, and the hunt's next probes
     * settle which.
     *
     * @throws SQLException {@link JunctionErrorCode#FAILOVER_TIMEOUT} when none answered in time,
     *     {@link JunctionErrorCode#SEVERAL_PRIMARIES} for a split brain, {@link JunctionErrorCode#NO_PRIMARY} without a
     *     monitor or with a zero timeout
     */
    public Node primary(Duration failoverTimeout) throws SQLException {
        Node primary = solePrimary();
        if (primary != null) {
            return primary;
        }
        TopologyMonitor current = monitor();
        if (current == null || failoverTimeout.isZero()) {
            throw noSolePrimary();
        }
        return awaitPrimary(current, null, failoverTimeout);
    }

    /**
     * As {@link #primary(Duration)} for a read: during a split brain, the node last seen as the one primary
     * ({@link #knownPrimary()}) serves reads if it still claims primary, since every write of this JVM went there.
     */
    public Node primaryForReads(Duration failoverTimeout) throws SQLException {
        Node primary = solePrimary();
        if (primary != null) {
            return primary;
        }
        Node known = lastPrimary;
        if (known != null && primaryCount() > 1 && known.role() == ProbedRole.PRIMARY) {
            return known;
        }
        return primary(failoverTimeout);
    }

    /**
     * Waits for a primary other than {@code lost}, or for {@code lost} to answer a probe again: a connection to it
     * could not be opened, so it is suspected and the monitor hunts (see {@link #primary(Duration)}).
     */
    public Node primaryOtherThan(Node lost, Duration failoverTimeout) throws SQLException {
        TopologyMonitor current = monitor();
        if (current == null || failoverTimeout.isZero()) {
            throw noSolePrimary();
        }
        return awaitPrimary(current, lost, failoverTimeout);
    }

    /**
     * The hunt's wait, woken by each publication: until exactly one node answers as primary (not {@code lost}, unless
     * it answered again after the hunt began), a split brain (refused at once), or {@code failoverTimeout}.
     */
    private Node awaitPrimary(TopologyMonitor current, Node lost, Duration failoverTimeout) throws SQLException {
        current.suspectPrimary();
        TopologySnapshot seen = current.snapshot();
        long deadline = System.nanoTime() + failoverTimeout.toNanos();
        while (true) {
            Node primary = solePrimary();
            if (primary != null && (primary != lost || !current.hunting())) {
                return primary;
            }
            if (primary == null && currentPrimaries(current) > 1) {
                throw noSolePrimary();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || current.isClosed()) {
                throw failoverTimedOut(failoverTimeout);
            }
            seen = awaitNewer(current, seen, remaining);
        }
    }

    private static TopologySnapshot awaitNewer(TopologyMonitor monitor, TopologySnapshot seen, long remainingNanos)
            throws SQLException {
        try {
            return monitor.awaitNewerThan(seen, Duration.ofNanos(remainingNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw JunctionErrorCode.NO_PRIMARY.exception(e, "(interrupted while waiting for a primary)", "");
        }
    }

    /** {@link JunctionErrorCode#FAILOVER_TIMEOUT} for a wait of {@code failoverTimeout}, naming every node's state. */
    public SQLException failoverTimedOut(Duration failoverTimeout) {
        return JunctionErrorCode.FAILOVER_TIMEOUT.exception(
                name, dev.junction.driver.JunctionProperty.FAILOVER_TIMEOUT.format(failoverTimeout), describe());
    }

    /** The one node the monitor's latest snapshot (or the one-off probes) say is primary and up, else null. */
    private Node solePrimary() {
        if (monitor() != null) {
            snapshot();
        }
        return solePrimaryOfRoles();
    }

    private Node solePrimaryOfRoles() {
        if (multiMaster) {
            return masterOfRoles();
        }
        // Every statement that goes to the primary asks: a plain loop, no stream or list per call.
        Node primary = null;
        int primaries = 0;
        for (Node node : nodes) {
            if (node.role() == ProbedRole.PRIMARY) {
                primary = node;
                primaries++;
            }
        }
        return primaries == 1 ? primary : null;
    }

    /** Multi-master: the home master while it answers as primary, else the first node in the seeds' order that does. */
    private Node masterOfRoles() {
        Node home = homeMaster;
        if (home != null && home.role() == ProbedRole.PRIMARY) {
            return home;
        }
        for (Node node : nodes) {
            if (node.role() == ProbedRole.PRIMARY) {
                return node;
            }
        }
        return null;
    }

    private int primaryCount() {
        int primaries = 0;
        for (Node node : nodes) {
            if (node.role() == ProbedRole.PRIMARY) {
                primaries++;
            }
        }
        return primaries;
    }

    /** Nodes that answer as primary to probes sent after the hunt began: more than one is a split brain. */
    private int currentPrimaries(TopologyMonitor current) {
        int primaries = 0;
        for (Node node : nodes) {
            if (node.role() == ProbedRole.PRIMARY && current.answeredSinceHuntBegan(node.id())) {
                primaries++;
            }
        }
        return primaries;
    }

    private SQLException noSolePrimary() {
        return primaryCount() == 0
                ? JunctionErrorCode.NO_PRIMARY.exception(name, describe())
                : JunctionErrorCode.SEVERAL_PRIMARIES.exception(name, describe());
    }

    /** {@code a:5432 primary, b:5432 replica, c:5432 down}. */
    public String describe() {
        return nodes.stream().map(Node::toString).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "ClusterTopology[" + describe() + "]";
    }
}
