package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Design §7 against a real cluster: the primary is crashed under load and a standby promoted ({@link FailoverDrill}).
 * Writers are held, not failed, while no primary answers, and resume on the promoted node; the only failures are the
 * operations that were in flight on the lost primary, each with a documented SQLState ({@code 08007} for a commit
 * whose outcome is unknown, the primary lost during it or during its sync wait; {@code 08S02} for a transaction to
 * retry); readers see none; with {@code syncMode=sync}
 * no acknowledged row is missing on the new primary; every operation ends within the configured bounds; no
 * connection is left pointing at the dead node and no thread outlives the connections. Measurements go to stdout and
 * {@code target/failover.txt}; {@code scripts/failover-drills} runs the long series.
 */
abstract class FailoverContract {
    static final long FAILOVER_TIMEOUT_MILLIS = 20_000;
    static final long SYNC_TIMEOUT_MILLIS = 5_000;
    static final String PARAMETERS = "?failoverTimeout=" + FAILOVER_TIMEOUT_MILLIS + "ms&syncMode=sync&syncTimeout="
            + SYNC_TIMEOUT_MILLIS + "ms";

    abstract String database();

    abstract FailoverDrill.Bed start();

    @Test
    void writersResumeOnThePromotedNodeReadersSeeNoErrorAndNoAcknowledgedWriteIsLost() throws Exception {
        Set<String> threadsBefore = LiveThreads.named("junction");
        FailoverDrill.Result result;
        try (FailoverDrill.Bed bed = start()) {
            result = new FailoverDrill(bed, PARAMETERS).run();
        }
        report(result);

        assertThat(result.resumedAfterPromotionMillis())
                .as("writes resumed after the promotion (%s)", result.summary())
                .isNotNegative();
        assertThat(result.lost())
                .as("acknowledged rows missing on the new primary")
                .isZero();
        assertThat(result.writeFailures().keySet())
                .as("what failed writes were told")
                .isSubsetOf("08007", "08S02");
        assertThat(result.trackedWriteFailures().keySet())
                .as("what failed writes with commitOutcome=track were told: never 08007")
                .isSubsetOf("40000", "08S02");
        assertThat(result.toldNotCommittedButPresent())
                .as("rows of writes told nothing of them committed (08S02, 40000) present on the new primary")
                .isZero();
        assertThat(result.readFailures()).as("failed reads").isEmpty();
        assertThat(result.longestOperationMillis())
                .as("the longest operation is bounded by failoverTimeout and syncTimeout")
                .isLessThan(FAILOVER_TIMEOUT_MILLIS + SYNC_TIMEOUT_MILLIS);
        assertThat(result.connectionsAfter())
                .as(
                        "connections after the failover name no physical connection to the crashed node %s",
                        result.crashedAddress())
                .noneMatch(text -> !text.contains("[no open connection;") && text.contains(result.crashedAddress()));
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction");
    }

    @Test
    void aFrozenPrimaryTakesNoWriteOnceItThawsAndIsRebuiltAsAReplica() throws Exception {
        Set<String> threadsBefore = LiveThreads.named("junction");
        FailoverDrill.Result result;
        boolean generations;
        try (FailoverDrill.Bed bed = start()) {
            generations = bed.generationsTellPrimariesApart();
            result = new FailoverDrill(bed, PARAMETERS).runFrozen();
        }
        report(result, "frozen (SIGSTOP)");
        FailoverDrill.FrozenOutcome frozen = result.frozen();
        System.out.println("  after the thaw: " + frozen);

        assertThat(result.resumedAfterPromotionMillis())
                .as("writes resumed after the promotion (%s)", result.summary())
                .isNotNegative();
        assertThat(frozen.rowsWrittenToFormerAfterThaw())
                .as("rows written to the thawed former primary")
                .isZero();
        assertThat(result.lost())
                .as("acknowledged rows missing on the new primary")
                .isZero();
        // 08004: the split brain, where nothing tells the two primaries apart, refused until one steps down. 01J01:
        // the former primary is then rebuilt by a fresh copy (MariaDB), which replays the promoted node's binary log
        // from its start while the load goes on: a syncMode=sync commit waits for it up to syncTimeout, and is
        // reported committed but not replicated, as sync modes document.
        assertThat(result.writeFailures().keySet())
                .as("what failed writes were told")
                .isSubsetOf(generations ? Set.of("08007", "08S02") : Set.of("08007", "08S02", "08004", "01J01"));
        assertThat(result.trackedWriteFailures().keySet())
                .as("what failed writes with commitOutcome=track were told: never 08007")
                .isSubsetOf(generations ? Set.of("40000", "08S02") : Set.of("40000", "08S02", "08004", "01J01"));
        assertThat(result.toldNotCommittedButPresent())
                .as("rows of writes told nothing of them committed (08S02, 40000) present on the new primary")
                .isZero();
        assertThat(result.readFailures()).as("failed reads").isEmpty();
        assertThat(result.longestOperationMillis())
                .as("the longest operation is bounded by failoverTimeout and syncTimeout")
                .isLessThan(FAILOVER_TIMEOUT_MILLIS + SYNC_TIMEOUT_MILLIS);
        if (frozen.rebuilt()) {
            assertThat(frozen.readsServedByRebuiltNode())
                    .as("reads served by the former primary once rebuilt as a replica")
                    .isPositive();
        }
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction");
    }

    private void report(FailoverDrill.Result result) throws IOException {
        report(result, "crashed");
    }

    private void report(FailoverDrill.Result result, String how) throws IOException {
        String line = "[" + getClass().getSimpleName() + "] " + database() + " primary " + result.crashedAddress() + " "
                + how + ": " + result.summary();
        System.out.println(line);
        result.firstMessages().forEach((state, message) -> System.out.println("  " + state + ": " + message));
        Files.writeString(
                Path.of("target", "failover.txt"),
                line + System.lineSeparator(),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
