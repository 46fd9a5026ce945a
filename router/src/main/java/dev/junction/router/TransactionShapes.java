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
 * <p>Memory is bounded ({@code maximumShapes}, least recently used first out) and a shape not seen for {@code
 * forgetAfter} is forgotten. Thread-safe; time comes from the injected clock (a fake one in tests; a plain {@link LongSupplier}, so that no Caffeine type
 * is part of this API: the driver jar relocates Caffeine).
 */
public final class TransactionShapes {
    /** The weight of each new transaction in a shape's write share at the defaults: about its last 16 count. */
    public static final double DEFAULT_WEIGHT = 1.0 / 16;

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
        this.shapes = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .expireAfterAccess(forgetAfter)
                .ticker(Objects.requireNonNull(nanoTime, "nanoTime")::getAsLong)
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
     * Whether a transaction whose first statement is {@code text} may start on a replica: its shape has been seen and
     * fewer than {@code maxWriteShare} (in (0, 1]) of its recent transactions wrote.
     */
    public boolean startsOnReplica(String text, double maxWriteShare) {
        WriteShare share = shapes.getIfPresent(shapeOf(text));
        return share != null && share.value < maxWriteShare; // NaN, not seen yet, compares false
    }

    /** A transaction whose first statement was {@code text} ended; {@code wrote} if any statement of it wrote. */
    public void ended(String text, boolean wrote) {
        shapes.get(shapeOf(text), s -> new WriteShare()).observe(wrote, weight);
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
}
