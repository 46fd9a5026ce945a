package dev.junction.router;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where one statement goes, and why. Immutable. Decisions for the primary are shared constants, so
 * routing a write allocates nothing.
 *
 * <ul>
 *   <li>{@link RouteTarget#PRIMARY}: run on the primary.
 *   <li>{@link RouteTarget#REPLICA}: run on {@link #node()}.
 *   <li>{@link RouteTarget#NO_REPLICA}: the statement may use a replica but none qualifies; apply
 *       {@link #fallback()}. For {@link StaleReadFallback#WAIT}, {@link #waitCandidate()} names the
 *       up replica closest to qualifying (or {@code null}). Only plain reads get this target, so
 *       waiting and routing again can never send a write to a replica.
 * </ul>
 */
public final class RouteDecision {

    private static final Map<RouteReason, RouteDecision> PRIMARY_DECISIONS = new EnumMap<>(RouteReason.class);

    static {
        for (RouteReason r : RouteReason.values()) {
            PRIMARY_DECISIONS.put(r, new RouteDecision(RouteTarget.PRIMARY, null, r, null, null));
        }
    }

    private final RouteTarget target;
    private final NodeId node;
    private final RouteReason reason;
    private final StaleReadFallback fallback;
    private final NodeId waitCandidate;

    private RouteDecision(
            RouteTarget target, NodeId node, RouteReason reason, StaleReadFallback fallback, NodeId waitCandidate) {
        this.target = target;
        this.node = node;
        this.reason = reason;
        this.fallback = fallback;
        this.waitCandidate = waitCandidate;
    }

    /** Run on the primary. */
    public static RouteDecision primary(RouteReason reason) {
        return PRIMARY_DECISIONS.get(Objects.requireNonNull(reason, "reason"));
    }

    /** Run on the given replica. */
    public static RouteDecision replica(NodeId node, RouteReason reason) {
        return new RouteDecision(
                RouteTarget.REPLICA,
                Objects.requireNonNull(node, "node"),
                Objects.requireNonNull(reason, "reason"),
                null,
                null);
    }

    /**
     * No replica qualifies.
     *
     * @param waitCandidate the up replica closest to qualifying, or {@code null}
     */
    public static RouteDecision noReplica(RouteReason reason, StaleReadFallback fallback, NodeId waitCandidate) {
        return new RouteDecision(
                RouteTarget.NO_REPLICA,
                null,
                Objects.requireNonNull(reason, "reason"),
                Objects.requireNonNull(fallback, "fallback"),
                waitCandidate);
    }

    public RouteTarget target() {
        return target;
    }

    /** The replica for {@link RouteTarget#REPLICA}, otherwise {@code null}. */
    public NodeId node() {
        return node;
    }

    public RouteReason reason() {
        return reason;
    }

    /** What to do for {@link RouteTarget#NO_REPLICA}, otherwise {@code null}. */
    public StaleReadFallback fallback() {
        return fallback;
    }

    /** For {@link RouteTarget#NO_REPLICA}: the replica to wait for, or {@code null}. */
    public NodeId waitCandidate() {
        return waitCandidate;
    }

    /** The statement runs on the primary now: target PRIMARY, or NO_REPLICA with fallback PRIMARY. */
    public boolean runsOnPrimary() {
        return target == RouteTarget.PRIMARY
                || (target == RouteTarget.NO_REPLICA && fallback == StaleReadFallback.PRIMARY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteDecision d
                && target == d.target
                && Objects.equals(node, d.node)
                && reason == d.reason
                && fallback == d.fallback
                && Objects.equals(waitCandidate, d.waitCandidate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, node, reason, fallback, waitCandidate);
    }

    @Override
    public String toString() {
        switch (target) {
            case PRIMARY:
                return "primary (" + reason + ")";
            case REPLICA:
                return "replica " + node + " (" + reason + ")";
            default:
                return "no replica (" + reason + "), fallback " + fallback.propertyValue()
                        + (waitCandidate == null ? "" : ", wait for " + waitCandidate);
        }
    }
}
