package dev.junction.driver.internal.metrics;

import dev.junction.router.RouteReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One connection's statements by target and reason: plain counters that only the connection's thread writes, so that
 * counting a statement costs a load and a store, not the atomic add of a shared counter (about 10 ns a statement in
 * {@code WrapperOverheadBenchmark}). Opaque accesses keep each count whole for a reader on another thread, which sees
 * it perhaps a moment late. {@link ClusterMetrics} sums the live ones with what closed connections left.
 */
public final class RouteCounts {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    static final int REASONS = RouteReason.values().length;
    static final int SIZE = RoutedTo.values().length * REASONS;

    /** Counts nothing: what a connection with {@code metrics=off} holds. */
    public static final RouteCounts NONE = new RouteCounts(null);

    private final ClusterMetrics owner;
    private final long[] counts;

    RouteCounts(ClusterMetrics owner) {
        this.owner = owner;
        this.counts = owner == null ? null : new long[SIZE];
    }

    /** A statement was routed to {@code to} for {@code reason}; called by the connection's thread only. */
    public void routed(RoutedTo to, RouteReason reason) {
        if (counts != null) {
            int index = to.ordinal() * REASONS + reason.ordinal();
            COUNTS.setOpaque(counts, index, (long) COUNTS.getOpaque(counts, index) + 1);
        }
    }

    long get(int index) {
        return (long) COUNTS.getOpaque(counts, index);
    }

    /** The connection closed: its counts join the cluster's totals. */
    public void close() {
        if (owner != null) {
            owner.retire(this);
        }
    }
}
