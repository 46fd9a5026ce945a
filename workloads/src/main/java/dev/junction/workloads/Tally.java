package dev.junction.workloads;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the transactions of a run did: per kind, how they ended and how often they were run again; per statement, which
 * node served it. One per worker thread while it runs (no sharing, no atomics on the path), merged afterwards.
 */
public final class Tally {
    private static final int SAMPLES = 5;

    /** How the transactions of one kind ended. */
    public static final class Outcomes {
        private long committed;
        private long committedAfterRetry;
        private long serializationFailures;
        private long deadlocks;
        private long lostRaces;
        private long failed;
        private long latencyNanos;

        /** Transactions that committed, at their first attempt or after retries. */
        public long committed() {
            return committed;
        }

        /** Of the committed, those that needed at least one retry. */
        public long committedAfterRetry() {
            return committedAfterRetry;
        }

        /** Attempts ended by SQLState {@code 40001} and run again. */
        public long serializationFailures() {
            return serializationFailures;
        }

        /** Attempts ended by SQLState {@code 40P01} (a PostgreSQL deadlock; MariaDB reports its deadlocks as 40001). */
        public long deadlocks() {
            return deadlocks;
        }

        /** Attempts whose guarded update found the row changed ({@link Operation.LostRace}) and run again. */
        public long lostRaces() {
            return lostRaces;
        }

        /** Transactions that ended with an error the application does not expect, or gave up retrying. */
        public long failed() {
            return failed;
        }

        /** Mean latency of the committed ones, first attempt's start to commit, in microseconds; NaN without any. */
        public double meanLatencyMicros() {
            return committed == 0 ? Double.NaN : latencyNanos / 1e3 / committed;
        }

        public void add(Outcomes other) {
            latencyNanos += other.latencyNanos;
            committed += other.committed;
            committedAfterRetry += other.committedAfterRetry;
            serializationFailures += other.serializationFailures;
            deadlocks += other.deadlocks;
            lostRaces += other.lostRaces;
            failed += other.failed;
        }
    }

    private final Map<String, Outcomes> kinds = new TreeMap<>();
    /** [read-only kind ? 1 : 0][node]. */
    private final long[][] reads = new long[2][ServingNode.values().length];

    private final long[] writes = new long[ServingNode.values().length];
    /** Committed transactions and their summed latency (first attempt's start to commit), [read-only kind ? 1 : 0]. */
    private final long[] latencyCount = new long[2];

    private final long[] latencyNanos = new long[2];
    private final List<String> failures = new ArrayList<>();

    void read(boolean readOnlyKind, ServingNode node) {
        reads[readOnlyKind ? 1 : 0][node.ordinal()]++;
    }

    void write(ServingNode node) {
        writes[node.ordinal()]++;
    }

    Outcomes kind(String name) {
        return kinds.computeIfAbsent(name, n -> new Outcomes());
    }

    void committed(String kind, boolean readOnlyKind, int attempts, long nanos) {
        latencyCount[readOnlyKind ? 1 : 0]++;
        latencyNanos[readOnlyKind ? 1 : 0] += nanos;
        Outcomes outcomes = kind(kind);
        outcomes.committed++;
        outcomes.latencyNanos += nanos;
        if (attempts > 1) {
            outcomes.committedAfterRetry++;
        }
    }

    void serializationFailure(String kind) {
        kind(kind).serializationFailures++;
    }

    void deadlock(String kind) {
        kind(kind).deadlocks++;
    }

    void lostRace(String kind) {
        kind(kind).lostRaces++;
    }

    void failed(String kind, String why) {
        kind(kind).failed++;
        if (failures.size() < SAMPLES) {
            failures.add(kind + ": " + why);
        }
    }

    public void add(Tally other) {
        other.kinds.forEach((name, outcomes) -> kind(name).add(outcomes));
        for (int kind = 0; kind < 2; kind++) {
            for (int node = 0; node < writes.length; node++) {
                reads[kind][node] += other.reads[kind][node];
            }
        }
        for (int node = 0; node < writes.length; node++) {
            writes[node] += other.writes[node];
        }
        for (int kind = 0; kind < 2; kind++) {
            latencyCount[kind] += other.latencyCount[kind];
            latencyNanos[kind] += other.latencyNanos[kind];
        }
        for (String failure : other.failures) {
            if (failures.size() < SAMPLES) {
                failures.add(failure);
            }
        }
    }

    /** Outcomes per transaction kind, by name. */
    public Map<String, Outcomes> kinds() {
        return Collections.unmodifiableMap(kinds);
    }

    /** Outcomes of all kinds together. */
    public Outcomes total() {
        Outcomes total = new Outcomes();
        kinds.values().forEach(total::add);
        return total;
    }

    /** Reads (queries) served by {@code node}, of the read-only kinds or of the others. */
    public long reads(boolean readOnlyKinds, ServingNode node) {
        return reads[readOnlyKinds ? 1 : 0][node.ordinal()];
    }

    /** Writes that ran on {@code node}: every one on the primary, or something is wrong. */
    public long writes(ServingNode node) {
        return writes[node.ordinal()];
    }

    /** Share of the reads served by a replica, of the read-only kinds only or of all kinds; NaN without reads. */
    public double replicaShare(boolean readOnlyKindsOnly) {
        long replica = reads(true, ServingNode.REPLICA) + (readOnlyKindsOnly ? 0 : reads(false, ServingNode.REPLICA));
        long all = 0;
        for (ServingNode node : ServingNode.values()) {
            all += reads(true, node) + (readOnlyKindsOnly ? 0 : reads(false, node));
        }
        return all == 0 ? Double.NaN : (double) replica / all;
    }

    /** Committed transactions of the read-only kinds or of the others whose latency is summed. */
    public long latencyCount(boolean readOnlyKinds) {
        return latencyCount[readOnlyKinds ? 1 : 0];
    }

    /** Their summed latency, nanoseconds. */
    public long latencyNanos(boolean readOnlyKinds) {
        return latencyNanos[readOnlyKinds ? 1 : 0];
    }

    /**
     * Mean latency in microseconds of the committed transactions of the read-only kinds or of the others, from the
     * start of the first attempt to the commit (retries and their waits included: what the application waited);
     * NaN without any.
     */
    public double meanLatencyMicros(boolean readOnlyKinds) {
        int kind = readOnlyKinds ? 1 : 0;
        return latencyCount[kind] == 0 ? Double.NaN : latencyNanos[kind] / 1e3 / latencyCount[kind];
    }

    /** The first few unexpected failures, with their kind. */
    public List<String> failureSamples() {
        return Collections.unmodifiableList(failures);
    }
}
