package dev.junction.workloads;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** What a run of a mix did ({@link Tally}), how long it took and on how many threads. */
public record WorkloadResult(Tally tally, Duration elapsed, int threads) {
    /** Committed transactions per second. */
    public double throughput() {
        return tally.total().committed() / (elapsed.toNanos() / 1e9);
    }

    /** Several lines: per kind, outcomes; then reads per node and writes per node. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT, "%d threads, %.1f s, %.0f tx/s%n", threads, elapsed.toNanos() / 1e9, throughput()));
        for (Map.Entry<String, Tally.Outcomes> kind : tally.kinds().entrySet()) {
            Tally.Outcomes o = kind.getValue();
            out.append(String.format(
                    Locale.ROOT,
                    "  %-12s committed %6d (after retry %5d)  40001 %5d  40P01 %3d  lost races %5d  failed %d%n",
                    kind.getKey(),
                    o.committed(),
                    o.committedAfterRetry(),
                    o.serializationFailures(),
                    o.deadlocks(),
                    o.lostRaces(),
                    o.failed()));
        }
        out.append(String.format(
                Locale.ROOT,
                "  reads of read-only kinds: replica %d, primary %d, unknown %d (%.1f %% replica)%n",
                tally.reads(true, ServingNode.REPLICA),
                tally.reads(true, ServingNode.PRIMARY),
                tally.reads(true, ServingNode.UNKNOWN),
                100 * tally.replicaShare(true)));
        out.append(String.format(
                Locale.ROOT,
                "  reads of read-write kinds: replica %d, primary %d, unknown %d; all reads %.1f %% replica%n",
                tally.reads(false, ServingNode.REPLICA),
                tally.reads(false, ServingNode.PRIMARY),
                tally.reads(false, ServingNode.UNKNOWN),
                100 * tally.replicaShare(false)));
        out.append(String.format(
                Locale.ROOT,
                "  writes: primary %d, replica %d, unknown %d%n",
                tally.writes(ServingNode.PRIMARY),
                tally.writes(ServingNode.REPLICA),
                tally.writes(ServingNode.UNKNOWN)));
        tally.failureSamples().forEach(f -> out.append("  failure: ").append(f).append('\n'));
        return out.toString();
    }
}
