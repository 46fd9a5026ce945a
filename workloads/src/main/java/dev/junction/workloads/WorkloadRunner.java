package dev.junction.workloads;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a {@link TransactionMix} on N threads, each with one connection in auto-commit off, never read-only, as most
 * JDBC applications run their units of work. Each transaction is drawn once and run until it commits: after a
 * serialization failure ({@code 40001}), a deadlock ({@code 40P01}) or a lost race of the mix's own guarded updates
 * the thread rolls back and runs the same transaction again, counting why, up to {@value #MAX_ATTEMPTS} attempts; any
 * other error is an unexpected failure, counted with a sample of its message. Before each retry it waits as
 * {@link Retry} says: by default a random time up to 1, 2, 4 … 64 ms (full jitter), as an application's retry loop
 * would; {@link Retry#IMMEDIATELY} retries at once, which shows how a retry fares that starts where the failed attempt
 * did (under {@code transactionRouting=optimistic}, again on a replica that may still lag).
 *
 * <p>A run lasts a given time, or a given number of transactions per thread; with a fixed seed, one thread and a count,
 * it is the same sequence of transactions every time, whatever node served them (the mixes draw every value, instants
 * included, from the seed), so two routings can be compared by the data they leave.
 */
public final class WorkloadRunner {
    static final int MAX_ATTEMPTS = 200;

    /** When a transaction that failed with a retryable error runs again. */
    public enum Retry {
        /** At once. */
        IMMEDIATELY,
        /** After a random wait up to 2^(failures − 1) ms, at most 64 ms. */
        WITH_BACKOFF;

        void pause(int failures) {
            if (this == IMMEDIATELY) {
                return;
            }
            long bound = Math.min(64L, 1L << Math.min(failures - 1, 6));
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Opens a connection of the configuration under test. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final ServingNode.Probe probe;
    private final int threads;
    private final Retry retry;

    /** A runner that retries {@link Retry#WITH_BACKOFF}. */
    public WorkloadRunner(Connector connector, ServingNode.Probe probe, int threads) {
        this(connector, probe, threads, Retry.WITH_BACKOFF);
    }

    public WorkloadRunner(Connector connector, ServingNode.Probe probe, int threads, Retry retry) {
        this.connector = connector;
        this.probe = probe;
        this.threads = threads;
        this.retry = retry;
    }

    /** Runs {@code mix} for {@code duration} on every thread. */
    public WorkloadResult runFor(TransactionMix mix, Duration duration, long seed) throws Exception {
        return run(mix, duration.toNanos(), Long.MAX_VALUE, seed);
    }

    /** Runs {@code transactionsPerThread} transactions of {@code mix} on every thread. */
    public WorkloadResult runCount(TransactionMix mix, long transactionsPerThread, long seed) throws Exception {
        return run(mix, Long.MAX_VALUE, transactionsPerThread, seed);
    }

    private WorkloadResult run(TransactionMix mix, long nanos, long count, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Tally>> futures = new ArrayList<>();
            long start = System.nanoTime();
            long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + nanos;
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                futures.add(pool.submit(() -> work(mix, random, deadline, count)));
            }
            Tally tally = new Tally();
            for (Future<Tally> future : futures) {
                tally.add(future.get());
            }
            return new WorkloadResult(tally, Duration.ofNanos(System.nanoTime() - start), threads);
        } finally {
            pool.shutdownNow();
        }
    }

    private Tally work(TransactionMix mix, SplittableRandom random, long deadline, long count) throws SQLException {
        Tally tally = new Tally();
        Connection connection = connector.open();
        connection.setAutoCommit(false);
        try (TransactionSession session = new TransactionSession(connection, probe, tally)) {
            for (long done = 0; done < count && (deadline == Long.MAX_VALUE || System.nanoTime() < deadline); done++) {
                runUntilCommitted(mix.next(random), session, tally);
            }
        }
        return tally;
    }

    void runUntilCommitted(Operation operation, TransactionSession session, Tally tally) {
        session.begin(operation);
        long start = System.nanoTime();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                operation.run(session);
                session.connection().commit();
                operation.committed();
                tally.committed(operation.name(), operation.readOnly(), attempt, System.nanoTime() - start);
                return;
            } catch (Operation.LostRace e) {
                tally.lostRace(operation.name());
            } catch (SQLException e) {
                String state = e.getSQLState();
                if ("40001".equals(state)) {
                    tally.serializationFailure(operation.name());
                } else if ("40P01".equals(state)) {
                    tally.deadlock(operation.name());
                } else {
                    tally.failed(operation.name(), state + " " + e.getMessage());
                    rollBack(session, operation, tally);
                    return;
                }
            }
            if (!rollBack(session, operation, tally)) {
                return;
            }
            retry.pause(attempt);
        }
        tally.failed(operation.name(), "gave up after " + MAX_ATTEMPTS + " attempts");
    }

    private static boolean rollBack(TransactionSession session, Operation operation, Tally tally) {
        try {
            session.connection().rollback();
            return true;
        } catch (SQLException e) {
            tally.failed(operation.name(), "rollback failed: " + e.getSQLState() + " " + e.getMessage());
            return false;
        }
    }
}
