package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The long series behind {@code scripts/failover-drills}: {@code junction.failover.drills} drills (10 by default) per
 * database, each on a fresh cluster, and a Markdown table of the write-unavailability gap (from the promotion and from
 * the crash: median and max), the failures and the reads, written to {@code junction.failover.out}
 * ({@code target/failover-drills.md} by default). Not part of {@code ./run-tests}, whose {@code *FailoverIT} run one
 * drill per database: its name does not end in {@code IT}, and the script names it.
 */
class FailoverSeries {
    @Test
    void drills() throws Exception {
        int drills = Integer.getInteger("junction.failover.drills", 10);
        Path out = Path.of(System.getProperty("junction.failover.out", "target/failover-drills.md"));
        List<String> rows = new ArrayList<>();
        rows.add(row(
                "PostgreSQL 15 (primary + 2 standbys)",
                series(
                        drills,
                        () -> PostgresFailoverIT.bed(
                                PostgresCluster.builder().standbys(2).start()))));
        rows.add(row(
                "MariaDB 10.11 (primary + 2 replicas)",
                series(
                        drills,
                        () -> MariaDbFailoverIT.bed(
                                MariaDbCluster.primaryReplica().replicas(2).start()))));
        String table = String.join(
                "\n",
                "| Database | Drills | Writes resumed after the promotion: median / max | After the crash: median / max "
                        + "| Failed writes (SQLState: count, all drills) | Failed writes with `commitOutcome=track` "
                        + "| Told not committed, yet present | Failed reads / reads | Reads served while no "
                        + "primary answered | Acknowledged rows lost (`syncMode=sync`) |",
                "|---|---|---|---|---|---|---|---|---|---|",
                String.join("\n", rows));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table + "\n");
        System.out.println(table);
    }

    private static List<FailoverDrill.Result> series(int drills, Supplier<FailoverDrill.Bed> start) throws Exception {
        List<FailoverDrill.Result> results = new ArrayList<>();
        for (int i = 0; i < drills; i++) {
            try (FailoverDrill.Bed bed = start.get()) {
                FailoverDrill.Result result = new FailoverDrill(bed, FailoverContract.PARAMETERS).run();
                System.out.println("[FailoverSeries] drill " + (i + 1) + ": " + result.summary());
                assertThat(result.resumedAfterPromotionMillis())
                        .as(result.summary())
                        .isNotNegative();
                assertThat(result.toldNotCommittedButPresent())
                        .as("rows of writes told nothing of them committed, present on the new primary: "
                                + result.summary())
                        .isZero();
                results.add(result);
            }
        }
        return results;
    }

    private static String row(String database, List<FailoverDrill.Result> results) {
        List<Long> afterPromotion = new ArrayList<>();
        List<Long> afterCrash = new ArrayList<>();
        Map<String, Integer> writeFailures = new TreeMap<>();
        Map<String, Integer> trackedWriteFailures = new TreeMap<>();
        long falseAnswers = 0;
        long failedReads = 0;
        long reads = 0;
        long readsWithoutPrimary = 0;
        long lost = 0;
        for (FailoverDrill.Result result : results) {
            afterPromotion.add(result.resumedAfterPromotionMillis());
            afterCrash.add(result.resumedAfterCrashMillis());
            result.writeFailures().forEach((state, count) -> writeFailures.merge(state, count, Integer::sum));
            result.trackedWriteFailures()
                    .forEach((state, count) -> trackedWriteFailures.merge(state, count, Integer::sum));
            falseAnswers += result.toldNotCommittedButPresent();
            failedReads += result.readFailures().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            reads += result.reads();
            readsWithoutPrimary += result.readsWhileNoPrimary();
            lost += result.lost();
        }
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d ms / %d ms | %d ms / %d ms | %s | %s | %d | %d / %d | %d | %d |",
                database,
                results.size(),
                median(afterPromotion),
                max(afterPromotion),
                median(afterCrash),
                max(afterCrash),
                writeFailures.isEmpty() ? "none" : writeFailures.toString().replaceAll("[{}]", ""),
                trackedWriteFailures.isEmpty()
                        ? "none"
                        : trackedWriteFailures.toString().replaceAll("[{}]", ""),
                falseAnswers,
                failedReads,
                reads,
                readsWithoutPrimary,
                lost);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(-1);
    }
}
