package dev.junction.router;

/**
 * Read-your-writes check for one replica: has it replayed every commit this read must see? The
 * driver implements it from recorded commit instants, located by probes of the primary (per session
 * for {@code session} consistency, per JVM and per table for {@code global}); the routing policy
 * asks it once per candidate replica of one decision, only about
 * replicas that are up and within the lag budget, and never under {@code eventual} consistency.
 *
 * <p>Implementations must be fast and must not block: they compare positions already known.
 */
@FunctionalInterface
public interface ReplicaRequirement {

    /** Accepts every replica; what {@code eventual} consistency amounts to. */
    ReplicaRequirement NONE = (replica, consistency, statement) -> true;

    /**
     * @param replica an up replica within the lag budget
     * @param consistency the consistency the read asks for, after hints ({@code SESSION} or {@code
     *     GLOBAL})
     * @param statement the read, for table-aware freshness ({@link Classification#tablesRead()})
     */
    boolean isSatisfiedBy(NodeState replica, ReadConsistency consistency, Classification statement);
}
