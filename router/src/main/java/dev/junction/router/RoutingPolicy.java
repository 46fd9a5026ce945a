package dev.junction.router;

import dev.junction.router.internal.LeastBusyBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Decides where a statement runs: design §2, first matching rule wins.
 *
 * <ol>
 *   <li>A pinned session runs on the node that holds its state: the primary, or, for state created
 *       inside a read-only transaction on a replica, that replica for whatever may run on a replica
 *       (anything else goes to the primary). A SERIALIZABLE session on PostgreSQL runs on the primary.
 *   <li>A transaction in progress stays on its node. {@code autoCommit=false} without read-only
 *       means the primary from the first statement, unless the session allows an optimistic start
 *       ({@link SessionState#optimisticStart()}) and that statement is a plain read: then it picks a
 *       replica as rule 5 does, or the primary when none qualifies (never a wait or a failure); at
 *       its first statement that cannot follow it there, the answer is the primary and the driver
 *       moves the transaction. A read-only transaction's first plain read (or a {@code BEGIN READ
 *       ONLY} sent as SQL) picks one replica (rule 5) that the driver then keeps until the
 *       transaction ends.
 *   <li>A {@code junction:primary} hint sends the statement to the primary.
 *   <li>Anything but a plain read ({@link Classification#replicaEligible()}) runs on the primary.
 *   <li>A plain read runs on a replica that is up, within the lag budget and satisfies
 *       read-your-writes, chosen by the {@code loadBalance} strategy; when none qualifies the
 *       decision is {@link RouteTarget#NO_REPLICA} with the {@code staleReadFallback}.
 * </ol>
 *
 * <p>Invariant: a statement that is not replica-eligible never gets a {@link RouteTarget#REPLICA}
 * or {@link RouteTarget#NO_REPLICA} decision, whatever the hints and session say. The only
 * statements other than plain reads that may follow a read-only transaction to its replica are
 * transaction control and session statements that create no pin ({@code COMMIT}, {@code SET
 * LOCAL ...}), which change no data; two-phase commit statements ({@code XA ...}, {@code COMMIT
 * PREPARED}) are not among them.
 *
 * <p>The staleness of a replica is its snapshot bound plus the age of the snapshot, measured with
 * the injected monotonic ticker the snapshot was stamped with ({@link System#nanoTime()} outside
 * tests): a wall clock can jump, and reading one ({@code Instant.now()}) was a quarter of Junction's
 * time per replica read in an end-to-end profile, against one intrinsic read of the ticker. Pure
 * apart from the load balancers' counters; thread-safe.
 */
public final class RoutingPolicy {

    private final LongSupplier ticker;
    private final Map<LoadBalance, LoadBalancer> balancers;
    private final NodeLoads loads;

    private RoutingPolicy(LongSupplier ticker, Map<LoadBalance, LoadBalancer> balancers, NodeLoads loads) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.balancers = balancers;
        this.loads = loads;
    }

    /** A policy on {@link System#nanoTime()} with thread-local randomness. */
    public static RoutingPolicy create() {
        return create(System::nanoTime, ThreadLocalRandom::current);
    }

    /**
     * A policy with an injected ticker and randomness.
     *
     * @param ticker nanoseconds on the monotonic scale of {@link TopologySnapshot#takenAtNanos()}; values may wrap,
     *     only differences count
     */
    public static RoutingPolicy create(LongSupplier ticker, Supplier<? extends RandomGenerator> random) {
        return create(ticker, random, new NodeLoads());
    }

    /**
     * A policy whose {@code least-busy} balancing and {@code primaryReads} read {@code loads}, which the caller keeps
     * up to date on the same {@code ticker}.
     */
    public static RoutingPolicy create(
            LongSupplier ticker, Supplier<? extends RandomGenerator> random, NodeLoads loads) {
        Objects.requireNonNull(loads, "loads");
        Map<LoadBalance, LoadBalancer> m = new EnumMap<>(LoadBalance.class);
        for (LoadBalance b : LoadBalance.values()) {
            m.put(b, LoadBalancer.of(b, random, 0, loads, ticker));
        }
        return new RoutingPolicy(ticker, m, loads);
    }

    /** A policy that uses the given balancer whatever {@code loadBalance} says, for tests. */
    public static RoutingPolicy withBalancer(LongSupplier ticker, LoadBalancer balancer) {
        Objects.requireNonNull(balancer, "balancer");
        Map<LoadBalance, LoadBalancer> m = new EnumMap<>(LoadBalance.class);
        for (LoadBalance b : LoadBalance.values()) {
            m.put(b, balancer);
        }
        return new RoutingPolicy(ticker, m, new NodeLoads());
    }

    /**
     * {@code primaryReads}: whether the primary takes an auto-commit read the balancer gave to {@code chosen}, because
     * it has room. {@code when-idle}: the primary has nothing in flight from this JVM and {@code chosen} has.
     * {@code weighted}: the primary ranks before {@code chosen} by {@code least-busy}'s rule (fewer statements in flight
     * from this JVM, its writes included, then a shorter service time; an unknown one counting as the other's).
     */
    public boolean primaryTakes(NodeState chosen, TopologySnapshot topology, RoutingOptions options) {
        PrimaryReads mode = options.primaryReads();
        if (mode == PrimaryReads.NEVER) {
            return false;
        }
        NodeState primary = topology.primary();
        if (primary == null || !primary.up()) {
            return false;
        }
        NodeLoad onPrimary = loads.of(primary.id());
        NodeLoad onReplica = loads.of(chosen.id());
        if (mode == PrimaryReads.WHEN_IDLE) {
            return onPrimary.inFlight() == 0 && onReplica.inFlight() > 0;
        }
        long now = ticker.getAsLong();
        long primaryService = onPrimary.serviceNanos(now);
        long replicaService = onReplica.serviceNanos(now);
        return LeastBusyBalancer.compare(
                        onPrimary.inFlight(),
                        LeastBusyBalancer.serviceOr(onPrimary, now, replicaService),
                        onReplica.inFlight(),
                        LeastBusyBalancer.serviceOr(onReplica, now, primaryService))
                < 0;
    }

    /**
     * One of {@code candidates} (up replicas, sorted by id) by the {@code strategy}'s balancer, as {@link #route} picks
     * among qualifying replicas: for a caller that already knows they all qualify.
     */
    public NodeState balance(LoadBalance strategy, List<NodeState> candidates) {
        return balancers.get(strategy).choose(candidates);
    }

    /** The staleness a read of {@code statement} accepts: its {@code maxReplicaLag} hint, else the option. */
    public static Duration lagBudget(Classification statement, RoutingOptions options) {
        Duration hinted = statement.hints().maxReplicaLag();
        return hinted != null ? hinted : options.maxReplicaLag();
    }

    /** Decides where the request's statement runs. */
    public RouteDecision route(RoutingRequest request) {
        RouteDecision decided = decideWithoutTopology(request.classification(), request.session(), request.options());
        if (decided != null) {
            return decided;
        }
        RouteReason reason = replicaReason(request.classification(), request.session());
        RouteDecision chosen = chooseReplica(request, reason);
        if (reason == RouteReason.OPTIMISTIC_TRANSACTION && chosen.target() == RouteTarget.NO_REPLICA) {
            // The transaction was headed for the primary anyway: no replica is no reason to wait or fail. The closest
            // replica may still be asked whether it has caught up, as for any read whose fallback is the primary.
            return RouteDecision.noReplica(chosen.reason(), StaleReadFallback.PRIMARY, chosen.waitCandidate());
        }
        return chosen;
    }

    /**
     * Rules 1 to 4, and {@code strong} consistency: the decision when it needs no topology snapshot,
     * else {@code null}, meaning a replica may take the statement and {@link #route} must choose one
     * (rule 5). Callers on a hot path ask this first, so that a write or a statement held by its
     * transaction builds no request; for a decision {@link #route} would also give, it allocates
     * nothing except when the answer is a held replica.
     */
    public RouteDecision decideWithoutTopology(Classification statement, SessionState session, RoutingOptions options) {
        // Rule 1: pins.
        if (session.pinReason() != null) {
            NodeId pinned = session.pinnedReplica();
            if (pinned == null) {
                return RouteDecision.primary(RouteReason.PINNED);
            }
            // State held by a replica (created inside a read-only transaction there): what may run on a replica follows
            // it outside transactions; anything else needs the primary, which has no use for that state. A transaction
            // keeps its own node (rule 2).
            if (!mayRunInReplicaTransaction(statement)) {
                return RouteDecision.primary(primaryReason(statement));
            }
            if (!session.inTransaction() && (session.autoCommit() || session.readOnly())) {
                return RouteDecision.replica(pinned, RouteReason.PINNED);
            }
        }
        if (session.serializableOnPostgres()) {
            return RouteDecision.primary(RouteReason.SERIALIZABLE_ISOLATION);
        }

        // Rule 2: transactions.
        if (session.inTransaction()) {
            NodeId replica = session.transactionReplica();
            if (replica == null) {
                return RouteDecision.primary(RouteReason.TRANSACTION);
            }
            if (mayRunInReplicaTransaction(statement)) {
                return RouteDecision.replica(replica, RouteReason.READ_ONLY_TRANSACTION);
            }
            return RouteDecision.primary(primaryReason(statement));
        }
        boolean explicitTransaction = !session.autoCommit();
        if (explicitTransaction
                && !session.readOnly()
                && !(session.optimisticStart()
                        && statement.replicaEligible()
                        && !statement.hints().primary())) {
            return RouteDecision.primary(RouteReason.TRANSACTION);
        }

        // Rule 3: a primary hint; the other hints shape rule 5.
        Hints hints = statement.hints();
        if (hints.primary()) {
            return RouteDecision.primary(RouteReason.HINT_PRIMARY);
        }

        // Rule 4: only plain reads may leave the primary, and BEGIN READ ONLY, which opens a transaction that holds
        // plain reads only.
        if (!statement.replicaEligible() && (explicitTransaction || !startsReadOnlyTransaction(statement))) {
            return RouteDecision.primary(primaryReason(statement));
        }
        if (consistency(statement, options) == ReadConsistency.STRONG) {
            return RouteDecision.primary(RouteReason.STRONG_CONSISTENCY); // design §5: every read on the primary
        }
        return null;
    }

    /** Why rule 5 sends {@code statement} to a replica: a read-only transaction's, a hint's, or a plain read's. */
    private static RouteReason replicaReason(Classification statement, SessionState session) {
        if (!session.autoCommit() && !session.readOnly()) {
            return RouteReason.OPTIMISTIC_TRANSACTION;
        }
        if (!session.autoCommit() || !statement.replicaEligible()) {
            return RouteReason.READ_ONLY_TRANSACTION;
        }
        return statement.hints().replica() ? RouteReason.HINT_REPLICA : RouteReason.REPLICA_READ;
    }

    /** The consistency a read of {@code statement} asks for: its hint, else eventual for a replica hint, else the option. */
    public static ReadConsistency consistency(Classification statement, RoutingOptions options) {
        Hints hints = statement.hints();
        return hints.consistency() != null
                ? hints.consistency()
                : hints.replica() ? ReadConsistency.EVENTUAL : options.readConsistency();
    }

    private RouteDecision chooseReplica(RoutingRequest request, RouteReason reason) {
        Classification statement = request.classification();
        RoutingOptions options = request.options();
        ReadConsistency consistency = consistency(statement, options);
        Duration lag = lagBudget(statement, options);

        TopologySnapshot topology = request.topology();
        List<NodeState> replicas = topology.replicas();
        if (replicas.isEmpty()) {
            return RouteDecision.primary(RouteReason.NO_REPLICAS_CONFIGURED);
        }
        long budgetNanos = lag.toNanos();
        // A difference, never a comparison of raw values: the ticker may wrap.
        long ageNanos = Math.max(0, ticker.getAsLong() - topology.takenAtNanos());
        List<NodeState> up = topology.upReplicas();
        if (!up.isEmpty()
                && (consistency == ReadConsistency.EVENTUAL || request.requirement() == ReplicaRequirement.NONE)
                && saturatedAdd(topology.maxUpReplicaBoundNanos(), ageNanos) <= budgetNanos) {
            // Every replica that is up qualifies: the list the loop below would build is the snapshot's own.
            return replicaOrPrimary(balancers.get(options.loadBalance()).choose(up), topology, options, reason);
        }

        List<NodeState> qualifying = new ArrayList<>(replicas.size());
        NodeState closest = null;
        long closestStaleness = Long.MAX_VALUE;
        boolean anyUp = false;
        boolean anyBehind = false;
        for (NodeState replica : replicas) {
            if (!replica.up()) {
                continue;
            }
            anyUp = true;
            long staleness = replica.stalenessBound() == null
                    ? Long.MAX_VALUE
                    : saturatedAdd(replica.stalenessBound().toNanos(), ageNanos);
            if (closest == null || staleness < closestStaleness) {
                closest = replica;
                closestStaleness = staleness;
            }
            if (staleness > budgetNanos) {
                continue;
            }
            if (consistency != ReadConsistency.EVENTUAL
                    && !request.requirement().isSatisfiedBy(replica, consistency, statement)) {
                anyBehind = true;
                continue;
            }
            qualifying.add(replica);
        }
        StaleReadFallback fallback = options.staleReadFallback();
        if (!anyUp) {
            return RouteDecision.noReplica(RouteReason.NO_REPLICA_DOWN, fallback, null);
        }
        if (qualifying.isEmpty()) {
            RouteReason why = anyBehind ? RouteReason.NO_REPLICA_BEHIND : RouteReason.NO_REPLICA_STALE;
            return RouteDecision.noReplica(why, fallback, closest.id());
        }
        NodeState chosen = balancers.get(options.loadBalance()).choose(qualifying);
        return replicaOrPrimary(chosen, topology, options, reason);
    }

    /**
     * {@code chosen}, or the primary when {@code primaryReads} lets it take an auto-commit read: never a read a hint
     * sent to a replica, nor a transaction's, whose node the driver keeps until it ends.
     */
    private RouteDecision replicaOrPrimary(
            NodeState chosen, TopologySnapshot topology, RoutingOptions options, RouteReason reason) {
        if (reason == RouteReason.REPLICA_READ && primaryTakes(chosen, topology, options)) {
            return RouteDecision.primary(RouteReason.PRIMARY_HAS_ROOM);
        }
        return RouteDecision.replica(chosen.id(), reason);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * Whether {@code c} may run inside a transaction on a replica: a plain read, or transaction control and session
     * statements that change no data and create no pin. Anything else makes a transaction one that needs the primary.
     */
    public static boolean mayRunInReplicaTransaction(Classification c) {
        if (c.replicaEligible()) {
            return true;
        }
        StatementKind k = c.kind();
        return (k == StatementKind.TRANSACTION || k == StatementKind.SESSION)
                && c.pinReason() == null
                && !c.primaryOnly()
                && !isTwoPhase(c.sessionEffect())
                && !c.multiStatement()
                && c.tablesWritten().isEmpty()
                && c.sideEffectFunctions().isEmpty()
                && c.unverifiedFunctions().isEmpty()
                && !c.lockingRead()
                && !c.nodeSpecific();
    }

    /**
     * Two-phase commit statements act on prepared transactions, which a MariaDB replica also holds
     * (they replicate): {@code XA COMMIT} there would make it diverge. They never follow a replica.
     */
    private static boolean isTwoPhase(SessionEffect effect) {
        if (effect == null) {
            return false;
        }
        switch (effect.kind()) {
            case TWO_PHASE:
            case XA_START:
            case XA_END:
            case XA_PREPARE:
            case XA_COMMIT:
            case XA_ROLLBACK:
            case XA_RECOVER:
                return true;
            default:
                return false;
        }
    }

    private static boolean startsReadOnlyTransaction(Classification c) {
        return c.kind() == StatementKind.TRANSACTION
                && c.sessionEffect() != null
                && c.sessionEffect().kind() == SessionEffect.Kind.BEGIN_READ_ONLY
                && !c.multiStatement()
                && c.pinReason() == null;
    }

    /** The most telling reason a statement that is not a plain read must run on the primary. */
    static RouteReason primaryReason(Classification c) {
        if (c.multiStatement()) {
            return RouteReason.MULTI_STATEMENT;
        }
        switch (c.kind()) {
            case WRITE:
                return RouteReason.WRITE;
            case DDL:
                return RouteReason.DDL;
            case UTILITY_WRITE:
                return RouteReason.UTILITY_WRITE;
            case UNKNOWN:
                return RouteReason.UNKNOWN_STATEMENT;
            case TRANSACTION:
                return RouteReason.TRANSACTION_CONTROL;
            case SESSION:
                return RouteReason.SESSION_STATEMENT;
            default:
                break;
        }
        if (!c.tablesWritten().isEmpty()) {
            return RouteReason.WRITE;
        }
        if (c.lockingRead()) {
            return RouteReason.LOCKING_READ;
        }
        if (!c.sideEffectFunctions().isEmpty()) {
            return RouteReason.SIDE_EFFECT_FUNCTION;
        }
        if (!c.unverifiedFunctions().isEmpty()) {
            return RouteReason.UNVERIFIED_FUNCTION;
        }
        if (c.nodeSpecific()) {
            return RouteReason.NODE_SPECIFIC;
        }
        if (c.pinReason() != null) {
            return RouteReason.PINNING_STATEMENT;
        }
        // Defensive: an eligible statement never reaches here.
        return RouteReason.UNKNOWN_STATEMENT;
    }

    @Override
    public String toString() {
        return "RoutingPolicy[balancers=" + balancers.keySet() + "]";
    }
}
