package dev.junction.router;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this JVM currently asks of one server: the statements in flight there and a moving average of their service
 * time, as the client sees it (sent to answered: the network, the server's queue and any CPU throttling included).
 * The driver counts around every execution on the node while a strategy that reads the load is in use ({@code
 * loadBalance=least-busy}, {@code primaryReads}); the balancers read it.
 *
 * <p>Lock-free. The average is updated without a compare-and-set: two samples that race may lose one, which is noise
 * for an average of many. A node that has not answered for {@link #FORGET_AFTER_NANOS} has no known service time
 * (zero), and a balancer then tries it: an average is only as good as its last samples, and a node the balancers avoid
 * gets none, so one slow statement (the first on a new backend, whose caches are cold; a checkpoint; a throttled
 * period) would otherwise keep it out of rotation for good. At any load worth balancing, every node answers far more
 * often than that; a node that really is slow costs one statement per period to measure again.
 */
public final class NodeLoad {
    /** How long a service-time average stays meaningful without a new sample: 100 ms. */
    public static final long FORGET_AFTER_NANOS = 100_000_000L;

    /** Weight of a new sample in the average: 1/8, about the last dozen statements. */
    private static final int SMOOTHING_SHIFT = 3;
    /** A sample counts for at most this many times the average. */
    private static final long OUTLIER_BOUND = 4;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long serviceNanos;
    private volatile long sampledAtNanos;

    /** Marks a statement sent to the node. */
    public void begin() {
        inFlight.incrementAndGet();
    }

    /**
     * Marks a statement the node answered (or failed), sent {@code serviceNanos} before {@code nowNanos}.
     *
     * @param nowNanos on the routing policy's ticker
     */
    public void end(long serviceNanos, long nowNanos) {
        inFlight.decrementAndGet();
        long average = this.serviceNanos;
        long sample = Math.max(1, serviceNanos);
        boolean known = average != 0 && nowNanos - sampledAtNanos < FORGET_AFTER_NANOS;
        // One long query (a report) would otherwise make the node look slow for many statements after it; while it
        // runs it counts as in flight already. A node that really slows down still shows it within a few samples.
        long bounded = known ? Math.min(sample, average * OUTLIER_BOUND) : sample;
        this.serviceNanos = known ? average + ((bounded - average) >> SMOOTHING_SHIFT) : bounded;
        this.sampledAtNanos = nowNanos;
    }

    /** Marks a statement that ended without a measure of the node's service time (not timed, or failed). */
    public void end() {
        inFlight.decrementAndGet();
    }

    /** Statements in flight from this JVM. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The average service time at {@code nowNanos}, zero when unknown or forgotten. */
    public long serviceNanos(long nowNanos) {
        long average = serviceNanos;
        return average != 0 && nowNanos - sampledAtNanos < FORGET_AFTER_NANOS ? average : 0;
    }

    @Override
    public String toString() {
        return "inFlight=" + inFlight.get() + " service=" + serviceNanos / 1000 + "us";
    }
}
