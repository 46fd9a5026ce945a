package dev.junction.router.replication;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommitPositionsTest {
    private final CommitPositions commits = new CommitPositions();

    private static LogSequenceNumber lsn(long value) {
        return new LogSequenceNumber(value);
    }

    @Test
    void readOfAnUntouchedTableNeedsNothing() {
        commits.recordCommit(lsn(100), List.of("orders"));
        assertThat(commits.requiredFor(List.of("customers"))).isEmpty();
    }

    @Test
    void readWaitsOnlyForCommitsToTheTablesItReads() {
        commits.recordCommit(lsn(100), List.of("orders"));
        commits.recordCommit(lsn(200), List.of("customers"));
        assertThat(commits.requiredFor(List.of("ORDERS"))).contains(lsn(100));
        assertThat(commits.requiredFor(List.of("orders", "customers"))).contains(lsn(200));
    }

    @Test
    void commitToUnknownTablesCountsForEveryRead() {
        commits.recordCommit(lsn(100), List.of("orders"));
        commits.recordCommit(lsn(150), List.of());
        assertThat(commits.requiredFor(List.of("customers"))).contains(lsn(150));
    }

    @Test
    void readOfUnknownTablesWaitsForEverything() {
        commits.recordCommit(lsn(100), List.of("orders"));
        commits.recordCommit(lsn(300), List.of("customers"));
        assertThat(commits.requiredFor(List.of())).contains(lsn(300));
        assertThat(commits.latest()).contains(lsn(300));
    }

    @Test
    void positionsNeverGoBackward() {
        commits.recordCommit(lsn(300), List.of("orders"));
        commits.recordCommit(lsn(200), List.of("orders"));
        assertThat(commits.requiredFor(List.of("orders"))).contains(lsn(300));
    }

    @Test
    void mariaDbCommitsInTwoDomainsMergePerDomain() {
        commits.recordCommit(MariaDbGtidPosition.parse("1-1-10"), List.of("t"));
        commits.recordCommit(MariaDbGtidPosition.parse("2-2-5"), List.of("t"));
        assertThat(commits.requiredFor(List.of("t")).orElseThrow().text()).isEqualTo("1-1-10,2-2-5");
    }

    @Test
    void mySqlCommitsMergeAsSetUnion() {
        commits.recordCommit(MySqlGtidSet.parse("u:1-3"), List.of("t"));
        commits.recordCommit(MySqlGtidSet.parse("u:5"), List.of("t"));
        assertThat(commits.requiredFor(List.of("t")).orElseThrow().text()).isEqualTo("u:1-3:5");
    }
}
