package dev.junction.router;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.router.internal.StatementShape;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What {@code transactionRouting=learned} knows: per transaction shape (the shape of its first statement: its text
 * with literal values replaced by {@code ?}, so that inlined values do not make new shapes), the share of its recent
 * transactions that wrote. A shape starts on a replica while that share is below the caller's threshold ({@code
 * learnedWriteShare}). The threshold is a trade: a transaction that starts on a replica and then writes pays a
 * rollback there and a replay of everything it ran on the primary (and {@code 40001} when a concurrent write changed
 * what it read), while every read-only transaction started on a replica takes load off the primary. A shape shared by
 * read-only and writing transactions (YCSB's read and read-modify-write begin with the same {@code SELECT}; about a
 * quarter of them write) therefore stays on the primary under a low threshold and goes to the replicas under a higher
 * one, instead of flapping between the two as a rule of "read-only runs in a row" did. A shape not seen yet starts on
 * the primary, where whether it writes is learnt at no cost.
 *
 * <p>The share is an exponentially weighted average: each transaction that ends moves it by {@code weight} towards 1
 * (it wrote) or 0 (it did not), so it follows the last {@code 1 / weight} or so transactions and a changed application
 * is relearned. The first transaction of a shape sets it outright, to 0 or 1, so that one transaction is enough to
 * trust a new shape; a shape whose transactions have all written needs {@code n} read-only ones in a row with {@code
 * (1 - weight)^n} below the threshold (36 at weight 1/16 and threshold 0.1), while a single write among read-only
 * transactions moves the share by {@code weight} only.
 *
 * <p>A shape that is mixed (between {@value #READ_ONLY_FLOOR} and {@value #WRITING_CEILING} of its recent
 * transactions wrote) is refined by its call site: the application frames that began the transaction, hashed by the
 * caller (the driver walks the stack). Applications rarely decide at random whether a transaction writes; they run a
 * different method for a read than for a read-modify-write (YCSB's {@code ReadRecord} and {@code
 * ReadModifyWriteRecord}, a service's {@code find} and {@code update}), and that method is on the stack when the first
 * statement runs. Each (shape, call site) pair has its own write share, learnt the same way; a pair not seen yet is
 * decided by its shape's share. Shapes that only read or only write, the common case, are decided by the shape alone and cost
 * no stack walk.
 *
 * <p>Memory is bounded ({@code maximumShapes} shapes and as many (shape, call site) pairs, least recently used first
 * out) and a shape or pair not seen for {@code forgetAfter} is forgotten. Thread-safe; time comes from the injected clock (a fake one in tests; a plain {@link LongSupplier}, so that no Caffeine type
 * is part of this API: the driver jar relocates Caffeine).
 */
public final class TransactionShapes {
    /** The weight of each new transaction in a shape's write share at the defaults: about its last 16 count. */
    public static final double DEFAULT_WEIGHT = 1.0 / 16;

    /** A shape whose write share is below this is read-only enough to decide without its call site. */
    public static final double READ_ONLY_FLOOR = 0.01;

    /** A shape whose write share is at or above this writes enough to decide without its call site. */
    public static final double WRITING_CEILING = 0.99;

    /** The call site of a transaction whose caller cannot tell it: its shape alone decides. */
    public static final long UNKNOWN_CALL_SITE = 0;

    private static final LongSupplier NO_CALL_SITE = () -> UNKNOWN_CALL_SITE;

    /**
     * Where a transaction starts and the call site it is learnt under ({@link #UNKNOWN_CALL_SITE} when its shape
     * alone decided): pass it back to {@link #ended(String, long, boolean)}.
     */
    public record Start(boolean onReplica, long callSite) {
        static final Start PRIMARY = new Start(false, UNKNOWN_CALL_SITE);
        static final Start REPLICA = new Start(true, UNKNOWN_CALL_SITE);
    }

    /** A shape as started from one call site. */
    private record ShapeAt(String shape, long callSite) {}

    /** The share of a shape's recent transactions that wrote. */
    private static final class WriteShare {
        /** NaN until the shape's first transaction ends: a shape not seen yet starts on the primary. */
        private volatile double value = Double.NaN;

        synchronized void observe(boolean wrote, double weight) {
            double observed = wrote ? 1 : 0;
            double current = value;
            value = Double.isNaN(current) ? observed : current + weight * (observed - current);
        }
    }

    private final Cache<String, WriteShare> shapes;
    /** Write shares of mixed shapes per call site. */
    private final Cache<ShapeAt, WriteShare> callSites;
    /** The shape of each text seen lately: a transaction start asks by text, and tokenizing costs microseconds. */
    private final Cache<String, String> shapeOfText;

    private final Dialect dialect;
    private final double weight;

    /**
     * @param maximumShapes shapes remembered at most
     * @param forgetAfter a shape not seen for this long is forgotten
     * @param weight the weight of each ended transaction in its shape's write share, in (0, 1]: 1 remembers only the
     *     last transaction
     * @param nanoTime nanoseconds, {@code System::nanoTime} outside tests
     */
    public TransactionShapes(
            Dialect dialect, long maximumShapes, Duration forgetAfter, double weight, LongSupplier nanoTime) {
        if (maximumShapes < 1 || !(weight > 0 && weight <= 1) || forgetAfter.isNegative() || forgetAfter.isZero()) {
            throw new IllegalArgumentException("maximumShapes must be at least 1, forgetAfter positive and weight in "
                    + "(0, 1], were " + maximumShapes + ", " + forgetAfter + ", " + weight);
        }
        this.weight = weight;
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.shapeOfText = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .executor(Runnable::run)
                .build();
        Objects.requireNonNull(nanoTime, "nanoTime");
        this.shapes = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .expireAfterAccess(forgetAfter)
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run)
                .build();
        this.callSites = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .expireAfterAccess(forgetAfter)
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /**
     * The defaults for {@code dialect}: 10,000 shapes, forgotten after 10 minutes unseen, each transaction weighing
     * {@link #DEFAULT_WEIGHT} in its shape's write share.
     */
    public static TransactionShapes create(Dialect dialect) {
        return new TransactionShapes(dialect, 10_000, Duration.ofMinutes(10), DEFAULT_WEIGHT, System::nanoTime);
    }

    /**
     * Whether a transaction whose first statement is {@code text} may start on a replica, by its shape alone: the
     * shape has been seen and fewer than {@code maxWriteShare} (in (0, 1]) of its recent transactions wrote.
     */
    public boolean startsOnReplica(String text, double maxWriteShare) {
        return start(text, maxWriteShare, NO_CALL_SITE).onReplica();
    }

    /**
     * Where a transaction whose first statement is {@code text} starts: on a replica when fewer than {@code
     * maxWriteShare} (in (0, 1]) of the recent transactions of its shape wrote, or, for a mixed shape, of those
     * begun from the same call site. {@code callSite} is asked only for a mixed shape (it costs a stack walk). A
     * shape not seen yet starts on the primary, where whether it writes is learnt free; a call site not seen yet of a
     * mixed shape is decided by the shape.
     *
     * @param callSite the call site of the transaction, {@link #UNKNOWN_CALL_SITE} when it cannot be told
     */
    public Start start(String text, double maxWriteShare, LongSupplier callSite) {
        String shape = shapeOf(text);
        WriteShare shapeShare = shapes.getIfPresent(shape);
        double share = shapeShare == null ? Double.NaN : shapeShare.value;
        if (Double.isNaN(share)) {
            return Start.PRIMARY;
        }
        if (share >= READ_ONLY_FLOOR && share < WRITING_CEILING) {
            long site = callSite.getAsLong();
            if (site != UNKNOWN_CALL_SITE) {
                WriteShare siteShare = callSites.getIfPresent(new ShapeAt(shape, site));
                double siteValue = siteShare == null ? Double.NaN : siteShare.value;
                // a call site not seen yet is decided by its shape, and learnt from this transaction on
                return new Start((Double.isNaN(siteValue) ? share : siteValue) < maxWriteShare, site);
            }
        }
        return share < maxWriteShare ? Start.REPLICA : Start.PRIMARY;
    }

    /** A transaction whose first statement was {@code text} ended; {@code wrote} if any statement of it wrote. */
    public void ended(String text, boolean wrote) {
        ended(text, UNKNOWN_CALL_SITE, wrote);
    }

    /**
     * A transaction whose first statement was {@code text}, started from {@code callSite} (as {@link #start} returned
     * it), ended; {@code wrote} if any statement of it wrote.
     */
    public void ended(String text, long callSite, boolean wrote) {
        String shape = shapeOf(text);
        shapes.get(shape, s -> new WriteShare()).observe(wrote, weight);
        if (callSite != UNKNOWN_CALL_SITE) {
            callSites.get(new ShapeAt(shape, callSite), s -> new WriteShare()).observe(wrote, weight);
        }
    }

    /** The shape of {@code text}: the same statement with other literal values has the same one. */
    private String shapeOf(String text) {
        return shapeOfText.get(text, t -> StatementShape.of(t, dialect));
    }

    /** The number of shapes remembered now (after pending evictions). */
    public long size() {
        shapes.cleanUp();
        return shapes.estimatedSize();
    }

    /** The number of (shape, call site) pairs remembered now (after pending evictions). */
    public long callSiteCount() {
        callSites.cleanUp();
        return callSites.estimatedSize();
    }
}
