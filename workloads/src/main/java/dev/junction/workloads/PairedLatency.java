package dev.junction.workloads;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The latency of a mix's transactions under two configurations, compared by the pairs method at a fine grain: one
 * thread holds a connection of each, and runs blocks of transactions on them in turn (A then B, then B then A, …),
 * so that whatever else slows the machine down for a while slows both sides of a pair alike. Per pair of blocks the
 * ratio of B's mean latency to A's, per kind group (the read-write kinds, the read-only kinds); the result is the
 * geometric mean of those ratios with its 95 % interval ({@link RoundRatios}). Transactions that fail unexpectedly
 * are counted, not timed. One block on each side runs first, unmeasured, but counted in the tallies.
 */
public final class PairedLatency {
    /** The outcome: ratios B/A per kind group, the mean latencies, and all that both sides did. */
    public record Result(RoundRatios readWrite, RoundRatios readOnly, Tally a, Tally b) {}

    /** Where one side of a pair runs each transaction. */
    public interface Side {
        /** The side's sessions, open; closed by the caller. */
        Sessions open(ServingNode.Probe probe, Tally tally) throws SQLException;

        /** One connection runs every transaction: Junction, or a raw driver connected to the primary. */
        static Side single(WorkloadRunner.Connector connector) {
            return (probe, tally) -> {
                TransactionSession session = session(connector, probe, tally);
                return new Sessions(operation -> session, List.of(session));
            };
        }

        /**
         * A raw driver split by hand, as an application that knows each transaction's kind could: the read-only
         * kinds on the replicas in turn, the others on the primary, each on a connection of its own. What read/write
         * splitting costs on this machine before any driver decides anything.
         */
        static Side splitByHand(WorkloadRunner.Connector primary, List<WorkloadRunner.Connector> replicas) {
            return (probe, tally) -> {
                List<TransactionSession> all = new ArrayList<>();
                TransactionSession writer = session(primary, ServingNode.Probe.RAW_PRIMARY, tally);
                all.add(writer);
                List<TransactionSession> readers = new ArrayList<>();
                for (WorkloadRunner.Connector replica : replicas) {
                    readers.add(session(replica, connection -> ServingNode.REPLICA, tally));
                }
                all.addAll(readers);
                int[] turn = {0};
                return new Sessions(
                        operation -> operation.readOnly() ? readers.get(turn[0]++ % readers.size()) : writer, all);
            };
        }
    }

    /** A side's open sessions and which one runs a transaction. */
    public static final class Sessions implements AutoCloseable {
        private final Function<Operation, TransactionSession> choice;
        private final List<TransactionSession> all;

        Sessions(Function<Operation, TransactionSession> choice, List<TransactionSession> all) {
            this.choice = choice;
            this.all = all;
        }

        TransactionSession of(Operation operation) {
            return choice.apply(operation);
        }

        @Override
        public void close() throws SQLException {
            for (TransactionSession session : all) {
                session.close();
            }
        }
    }

    private PairedLatency() {}

    /** Transactions each side runs, unmeasured, before the first measured block. */
    static final int WARM_UP_TRANSACTIONS = 20_000;

    /**
     * @param a the baseline side
     * @param b the side compared with it
     * @param probe how a Junction side tells where a statement ran
     * @param blocks pairs of blocks
     * @param perBlock transactions per block
     */
    public static Result run(
            TransactionMix mix, Side a, Side b, ServingNode.Probe probe, int blocks, int perBlock, long seed)
            throws SQLException {
        WorkloadRunner runner = new WorkloadRunner(
                () -> {
                    throw new SQLException("paired runs open their connections through their sides");
                },
                probe,
                1);
        Tally tallyA = new Tally();
        Tally tallyB = new Tally();
        List<Double> rwA = new ArrayList<>();
        List<Double> rwB = new ArrayList<>();
        List<Double> roA = new ArrayList<>();
        List<Double> roB = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        try (Sessions sessionA = a.open(probe, tallyA);
                Sessions sessionB = b.open(probe, tallyB)) {
            // Unmeasured: physical connections, prepared statements, the JIT, and learned routing's shapes. At least
            // WARM_UP_TRANSACTIONS a side: a CPU profile (perf, JIT symbols from -XX:+DumpPerfMapAtExit) of a run with
            // 3,000 still caught Junction's first comparison spending 15-18 µs a transaction in the interpreter and as
            // much again in the JIT's runtime stubs, which its later comparison no longer did.
            for (int done = 0; done < Math.max(perBlock, WARM_UP_TRANSACTIONS); done += perBlock) {
                block(runner, mix, random, sessionA, tallyA, perBlock);
                block(runner, mix, random, sessionB, tallyB, perBlock);
            }
            for (int block = 0; block < blocks; block++) {
                boolean aFirst = block % 2 == 0;
                double[] first =
                        block(runner, mix, random, aFirst ? sessionA : sessionB, aFirst ? tallyA : tallyB, perBlock);
                double[] second =
                        block(runner, mix, random, aFirst ? sessionB : sessionA, aFirst ? tallyB : tallyA, perBlock);
                double[] ofA = aFirst ? first : second;
                double[] ofB = aFirst ? second : first;
                if (ofA[0] > 0 && ofB[0] > 0) {
                    rwA.add(ofA[0]);
                    rwB.add(ofB[0]);
                }
                if (ofA[1] > 0 && ofB[1] > 0) {
                    roA.add(ofA[1]);
                    roB.add(ofB[1]);
                }
            }
        }
        return new Result(RoundRatios.of(rwB, rwA), RoundRatios.of(roB, roA), tallyA, tallyB);
    }

    private static TransactionSession session(WorkloadRunner.Connector connector, ServingNode.Probe probe, Tally tally)
            throws SQLException {
        Connection connection = connector.open();
        connection.setAutoCommit(false);
        return new TransactionSession(connection, probe, tally);
    }

    /** Runs {@code count} transactions; returns the block's mean latency of the read-write and read-only kinds. */
    private static double[] block(
            WorkloadRunner runner,
            TransactionMix mix,
            SplittableRandom random,
            Sessions sessions,
            Tally tally,
            int count) {
        long rwCount = tally.latencyCount(false);
        long rwNanos = tally.latencyNanos(false);
        long roCount = tally.latencyCount(true);
        long roNanos = tally.latencyNanos(true);
        for (int i = 0; i < count; i++) {
            Operation operation = mix.next(random);
            runner.runUntilCommitted(operation, sessions.of(operation), tally);
        }
        return new double[] {
            mean(tally.latencyNanos(false) - rwNanos, tally.latencyCount(false) - rwCount),
            mean(tally.latencyNanos(true) - roNanos, tally.latencyCount(true) - roCount)
        };
    }

    private static double mean(long nanos, long count) {
        return count == 0 ? 0 : nanos / 1e3 / count;
    }
}
