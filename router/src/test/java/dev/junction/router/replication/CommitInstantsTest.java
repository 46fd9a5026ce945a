package dev.junction.router.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommitInstantsTest {
    private final CommitInstants commits = new CommitInstants();

    @Test
    void nothingIsRequiredBeforeAnyCommit() {
        assertThat(commits.requiredFor(List.of("orders"))).isEmpty();
        assertThat(commits.requiredFor(List.of())).isEmpty();
        assertThat(commits.latest()).isEmpty();
    }

    @Test
    void readOfAnUntouchedTableNeedsNothing() {
        commits.recordCommit(100, List.of("orders"));
        assertThat(commits.requiredFor(List.of("customers"))).isEmpty();
    }

    @Test
    void readWaitsOnlyForCommitsToTheTablesItReads() {
        commits.recordCommit(100, List.of("orders"));
        commits.recordCommit(200, List.of("customers"));
        assertThat(commits.requiredFor(List.of("ORDERS"))).hasValue(100);
        assertThat(commits.requiredFor(List.of("orders", "customers"))).hasValue(200);
    }

    @Test
    void commitToUnknownTablesCountsForEveryRead() {
        commits.recordCommit(100, List.of("orders"));
        commits.recordCommit(150, List.of());
        assertThat(commits.requiredFor(List.of("customers"))).hasValue(150);
        assertThat(commits.requiredFor(List.of("orders"))).hasValue(150);
    }

    @Test
    void readOfUnknownTablesWaitsForEverything() {
        commits.recordCommit(100, List.of("orders"));
        commits.recordCommit(300, List.of("customers"));
        assertThat(commits.requiredFor(List.of())).hasValue(300);
        assertThat(commits.latest()).hasValue(300);
    }

    @Test
    void instantsNeverGoBackward() {
        commits.recordCommit(300, List.of("orders"));
        commits.recordCommit(200, List.of("orders"));
        assertThat(commits.requiredFor(List.of("orders"))).hasValue(300);
        assertThat(commits.latest()).hasValue(300);
    }

    @Test
    void instantsCompareAcrossTheTickersWrapAround() {
        long beforeWrap = Long.MAX_VALUE - 10;
        long afterWrap = beforeWrap + 20; // wraps to a negative value, yet is later
        commits.recordCommit(beforeWrap, List.of("orders"));
        commits.recordCommit(afterWrap, List.of("orders"));
        commits.recordCommit(beforeWrap, List.of("orders"));
        assertThat(commits.requiredFor(List.of("orders"))).hasValue(afterWrap);
        assertThat(commits.latest()).hasValue(afterWrap);
    }

    @Test
    void countsEveryCommitRecorded() {
        CommitInstants commits = new CommitInstants();
        assertThat(commits.commitCount()).isZero();
        commits.recordCommit(10, List.of("t"));
        commits.recordCommit(10, List.of());
        assertThat(commits.commitCount()).as("two commits, even at one instant").isEqualTo(2);
    }

    @Test
    void recordingThroughCellsIsRecordingByTable() {
        CommitInstants byName = new CommitInstants();
        CommitInstants byCells = new CommitInstants();
        byName.recordCommit(10, List.of("T"));
        byCells.recordCommit(10, byCells.cellsFor(List.of("T")));
        byName.recordCommit(20, List.of());
        byCells.recordCommit(20, byCells.cellsFor(List.of()));
        byName.recordCommit(30, List.of("u"));
        byCells.recordCommit(30, byCells.cellsFor(List.of("u")));
        for (List<String> read : List.of(List.of("t"), List.of("u"), List.of("v"), List.<String>of())) {
            assertThat(byCells.requiredFor(read)).as("read of %s", read).isEqualTo(byName.requiredFor(read));
        }
        assertThat(byCells.latest()).isEqualTo(byName.latest());
        assertThat(byCells.commitCount()).isEqualTo(3);
    }
}
