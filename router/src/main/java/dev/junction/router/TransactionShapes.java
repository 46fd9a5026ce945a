package dev.junction.router;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.junction.router.internal.StatementShape;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code transactionRouting=learned} knows: per transaction shape (the shape of its first statement: its text
 * with literal values replaced by {@code ?}, so that inlined values do not make new shapes), whether
 * transactions of that shape went on to write. A shape starts on a replica only once transactions of that shape have
 * been seen to stay read-only, and stops as soon as one writes: a transaction that starts on a replica and then writes
 * pays a rollback there and a replay on the primary, so a shape that writes even now and then is cheaper on the
 * primary. A shape not seen yet starts on the primary, where whether it writes is learnt at no cost.
 *
 * <p>Memory is bounded ({@code maximumShapes}, least recently used first out) and knowledge decays: a shape not seen
 * for {@code forgetAfter} is forgotten, and a shape that wrote is tried again on a replica only after {@code
 * readOnlyRunsToTrust} read-only transactions in a row, so that a changed application is relearned without flapping.
 * Thread-safe; time comes from the injected ticker (a fake one in tests).
 */
public final class TransactionShapes {
    /** How a shape has behaved: whether it ever wrote, and its read-only transactions since its last write. */
    private static final class Record {
        private long readOnlyRun;
        private boolean everWrote;
    }

    private final Cache<String, Record> shapes;
    /** The shape of each text seen lately: a transaction start asks by text, and tokenizing costs microseconds. */
    private final Cache<String, String> shapeOfText;

    private final Dialect dialect;
    private final int readOnlyRunsToTrust;

    /**
     * @param maximumShapes shapes remembered at most
     * @param forgetAfter a shape not seen for this long is forgotten
     * @param readOnlyRunsToTrust read-only transactions in a row after which a shape that once wrote starts on a
     *     replica again (a shape that never wrote needs one)
     * @param ticker nanoseconds, {@code System::nanoTime} outside tests
     */
    public TransactionShapes(
            Dialect dialect, long maximumShapes, Duration forgetAfter, int readOnlyRunsToTrust, Ticker ticker) {
        if (maximumShapes < 1 || readOnlyRunsToTrust < 1 || forgetAfter.isNegative() || forgetAfter.isZero()) {
            throw new IllegalArgumentException(
                    "maximumShapes and readOnlyRunsToTrust must be at least 1 and forgetAfter " + "positive, were "
                            + maximumShapes + ", " + readOnlyRunsToTrust + ", " + forgetAfter);
        }
        this.readOnlyRunsToTrust = readOnlyRunsToTrust;
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.shapeOfText = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .executor(Runnable::run)
                .build();
        this.shapes = Caffeine.newBuilder()
                .maximumSize(maximumShapes)
                .expireAfterAccess(forgetAfter)
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .executor(Runnable::run)
                .build();
    }

    /**
     * The defaults for {@code dialect}: 10,000 shapes, forgotten after 10 minutes unseen, 8 read-only runs to trust a
     * shape that wrote.
     */
    public static TransactionShapes create(Dialect dialect) {
        return new TransactionShapes(dialect, 10_000, Duration.ofMinutes(10), 8, Ticker.systemTicker());
    }

    /** Whether a transaction whose first statement is {@code text} may start on a replica. */
    public boolean startsOnReplica(String text) {
        Record record = shapes.getIfPresent(shapeOf(text));
        if (record == null) {
            return false;
        }
        synchronized (record) {
            return record.everWrote ? record.readOnlyRun >= readOnlyRunsToTrust : record.readOnlyRun >= 1;
        }
    }

    /** A transaction whose first statement was {@code text} ended; {@code wrote} if any statement of it wrote. */
    public void ended(String text, boolean wrote) {
        Record record = shapes.get(shapeOf(text), s -> new Record());
        synchronized (record) {
            if (wrote) {
                record.everWrote = true;
                record.readOnlyRun = 0;
            } else {
                record.readOnlyRun++;
            }
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
}
