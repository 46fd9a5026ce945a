package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code transactionRouting=learned}'s memory of transaction shapes, on a fake ticker. */
class TransactionShapesTest {
    private static final double WEIGHT = 1.0 / 16;
    private static final double DEFAULT_SHARE = 0.1;

    private final AtomicLong now = new AtomicLong();
    private final TransactionShapes shapes =
            new TransactionShapes(Dialect.POSTGRESQL, 3, Duration.ofMinutes(10), WEIGHT, now::get);

    @Test
    void startsAnUnseenShapeOnThePrimary() {
        assertThat(shapes.startsOnReplica("select * from customer where id = ?", 1.0))
                .as("even with the loosest threshold")
                .isFalse();
    }

    @Test
    void startsAShapeOnAReplicaOnceATransactionOfItStayedReadOnly() {
        shapes.ended("select * from customer where id = ?", false);
        assertThat(shapes.startsOnReplica("select * from customer where id = ?", DEFAULT_SHARE))
                .isTrue();
    }

    @Test
    void startsAShapeWhoseFirstTransactionWroteOnThePrimaryWhateverTheThreshold() {
        shapes.ended("select * from stock where id = ?", true);
        assertThat(shapes.startsOnReplica("select * from stock where id = ?", 1.0))
                .as("share 1 is not below 1")
                .isFalse();
    }

    /**
     * YCSB's read and read-modify-write begin with the same {@code SELECT}; here 23 of every 100 transactions of the
     * shape write, spread evenly. Its share settles between about 0.18 and 0.26: under 0.1 it never starts on a replica
     * (no writer pays a move), under 0.3 it always does; neither flaps.
     */
    @Test
    void keepsAShapeThatWritesAQuarterOfTheTimeOnOneSideOfTheThreshold() {
        String shape = "select * from usertable where ycsb_key = ?";
        int warmUp = 32;
        for (int i = 0; i < 1_000; i++) {
            boolean wrote = (i + 1) * 23 / 100 > i * 23 / 100;
            shapes.ended(shape, wrote);
            if (i >= warmUp) {
                assertThat(shapes.startsOnReplica(shape, 0.1))
                        .as("at 0.1 after transaction %d", i)
                        .isFalse();
                assertThat(shapes.startsOnReplica(shape, 0.3))
                        .as("at 0.3 after transaction %d", i)
                        .isTrue();
            }
        }
    }

    @Test
    void trustsAShapeThatWroteAgainAfterEnoughReadOnlyTransactions() {
        String shape = "select * from stock where id = ?";
        // after a write the share is 1, and each read-only transaction multiplies it by (1 - weight)
        int needed = (int) Math.ceil(Math.log(DEFAULT_SHARE) / Math.log(1 - WEIGHT));
        assertThat(needed).as("read-only runs to trust at weight 1/16 and 0.1").isEqualTo(36);
        shapes.ended(shape, true);
        for (int run = 1; run < needed; run++) {
            shapes.ended(shape, false);
            assertThat(shapes.startsOnReplica(shape, DEFAULT_SHARE))
                    .as("after %d read-only", run)
                    .isFalse();
        }
        shapes.ended(shape, false);
        assertThat(shapes.startsOnReplica(shape, DEFAULT_SHARE))
                .as("after %d read-only", needed)
                .isTrue();
        shapes.ended(shape, true);
        assertThat(shapes.startsOnReplica(shape, DEFAULT_SHARE))
                .as("one write just after it became trusted starts it on the primary again")
                .isFalse();
    }

    @Test
    void aLoneWriteAmongManyReadOnlyTransactionsMovesTheShareByTheWeight() {
        String shape = "select * from item where id = ?";
        shapes.ended(shape, false);
        shapes.ended(shape, true);
        assertThat(shapes.startsOnReplica(shape, DEFAULT_SHARE))
                .as("share 1/16 stays below 0.1")
                .isTrue();
        assertThat(shapes.startsOnReplica(shape, WEIGHT))
                .as("but not below 1/16 itself")
                .isFalse();
    }

    @Test
    void countsStatementsThatDifferOnlyInInlinedValuesSpacingOrCaseAsOneShape() {
        shapes.ended("select * from customer where id = 42 and name = 'ann'", false);
        assertThat(shapes.startsOnReplica("SELECT  * FROM customer WHERE id = 7 AND name = 'bob'", DEFAULT_SHARE))
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = 7 and name = 'bob'", DEFAULT_SHARE))
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = ? and name = ?", DEFAULT_SHARE))
                .as("its prepared form too")
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = 7 or name = 'bob'", DEFAULT_SHARE))
                .isFalse();
    }

    @Test
    void forgetsAShapeNotSeenForTheDecayPeriod() {
        shapes.ended("select 1", false);
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(shapes.startsOnReplica("select 1", DEFAULT_SHARE))
                .as("seen 9 minutes ago")
                .isTrue();
        now.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        assertThat(shapes.startsOnReplica("select 1", DEFAULT_SHARE))
                .as("relearned after 10 minutes unseen")
                .isFalse();
        assertThat(shapes.size()).isZero();
    }

    @Test
    void forgetsTheWritesOfAShapeNotSeenForTheDecayPeriod() {
        shapes.ended("select 2", true);
        now.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        shapes.ended("select 2", false);
        assertThat(shapes.startsOnReplica("select 2", DEFAULT_SHARE))
                .as("its first transaction after it was forgotten sets the share afresh")
                .isTrue();
    }

    @Test
    void remembersABoundedNumberOfShapes() {
        for (int i = 0; i < 50; i++) {
            shapes.ended("select " + i, false);
        }
        assertThat(shapes.size()).isLessThanOrEqualTo(3);
    }

    private static final String RECORD = "select * from usertable where ycsb_key = ?";
    private static final long READ_SITE = 11;
    private static final long READ_MODIFY_WRITE_SITE = 22;

    /** YCSB's read and read-modify-write: one first statement, two methods of the application. */
    private void runReadsAndReadModifyWrites(int transactions) {
        for (int i = 0; i < transactions; i++) {
            boolean writes = i % 4 == 3;
            long site = writes ? READ_MODIFY_WRITE_SITE : READ_SITE;
            TransactionShapes.Start start = shapes.start(RECORD, DEFAULT_SHARE, () -> site);
            shapes.ended(RECORD, start.callSite(), writes);
        }
    }

    @Test
    void startsAMixedShapeOnAReplicaFromTheCallSitesThatOnlyRead() {
        runReadsAndReadModifyWrites(40);
        assertThat(shapes.startsOnReplica(RECORD, DEFAULT_SHARE))
                .as("a quarter of the shape's transactions write: by the shape alone, the primary")
                .isFalse();
        assertThat(shapes.start(RECORD, DEFAULT_SHARE, () -> READ_SITE))
                .isEqualTo(new TransactionShapes.Start(true, READ_SITE));
        assertThat(shapes.start(RECORD, DEFAULT_SHARE, () -> READ_MODIFY_WRITE_SITE))
                .isEqualTo(new TransactionShapes.Start(false, READ_MODIFY_WRITE_SITE));
    }

    @Test
    void decidesANewCallSiteOfAMixedShapeByTheShape() {
        runReadsAndReadModifyWrites(40);
        assertThat(shapes.start(RECORD, DEFAULT_SHARE, () -> 33))
                .as("a quarter of the shape's transactions write, above 0.1")
                .isEqualTo(new TransactionShapes.Start(false, 33));
        assertThat(shapes.start(RECORD, 0.3, () -> 33))
                .as("below 0.3")
                .isEqualTo(new TransactionShapes.Start(true, 33));
    }

    @Test
    void learnsACallSiteThatStartedWritingAndOneThatStopped() {
        runReadsAndReadModifyWrites(40);
        shapes.ended(RECORD, READ_SITE, true);
        shapes.ended(RECORD, READ_SITE, true);
        assertThat(shapes.start(RECORD, DEFAULT_SHARE, () -> READ_SITE).onReplica())
                .as("two writes in the reads' recent transactions: 1 - (15/16)^2, above 0.1")
                .isFalse();
        for (int i = 0; i < 36; i++) {
            shapes.ended(RECORD, READ_MODIFY_WRITE_SITE, false);
        }
        assertThat(shapes.start(RECORD, DEFAULT_SHARE, () -> READ_MODIFY_WRITE_SITE)
                        .onReplica())
                .as("36 read-only transactions in a row")
                .isTrue();
    }

    @Test
    void asksNoCallSiteOfAShapeThatOnlyReadsOrOnlyWrites() {
        shapes.ended("select * from item", false);
        shapes.ended("select * from stock", true);
        assertThat(shapes.start("select * from item", DEFAULT_SHARE, TransactionShapesTest::noStackWalk))
                .isEqualTo(new TransactionShapes.Start(true, TransactionShapes.UNKNOWN_CALL_SITE));
        assertThat(shapes.start("select * from stock", DEFAULT_SHARE, TransactionShapesTest::noStackWalk))
                .isEqualTo(new TransactionShapes.Start(false, TransactionShapes.UNKNOWN_CALL_SITE));
        assertThat(shapes.start("select * from district", DEFAULT_SHARE, TransactionShapesTest::noStackWalk))
                .as("not seen yet")
                .isEqualTo(new TransactionShapes.Start(false, TransactionShapes.UNKNOWN_CALL_SITE));
    }

    private static long noStackWalk() {
        throw new AssertionError("the call site was asked for a shape that decides alone");
    }

    @Test
    void decidesAMixedShapeByItselfWhenTheCallSiteIsUnknown() {
        runReadsAndReadModifyWrites(40);
        assertThat(shapes.start(RECORD, 0.3, () -> TransactionShapes.UNKNOWN_CALL_SITE))
                .as("share about 0.25, below 0.3")
                .isEqualTo(new TransactionShapes.Start(true, TransactionShapes.UNKNOWN_CALL_SITE));
    }

    @Test
    void forgetsCallSitesNotSeenForTheDecayPeriodAndBoundsThem() {
        runReadsAndReadModifyWrites(40);
        assertThat(shapes.callSiteCount()).isEqualTo(2);
        now.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        assertThat(shapes.callSiteCount()).isZero();
        runReadsAndReadModifyWrites(8);
        for (long site = 100; site < 150; site++) {
            shapes.ended(RECORD, site, false);
        }
        assertThat(shapes.callSiteCount()).isLessThanOrEqualTo(3);
    }

    @Test
    void refusesBoundsThatCannotWork() {
        assertThatThrownBy(() -> new TransactionShapes(Dialect.POSTGRESQL, 0, Duration.ofMinutes(1), WEIGHT, now::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new TransactionShapes(Dialect.POSTGRESQL, 10, Duration.ZERO, WEIGHT, now::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        for (double weight : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() ->
                            new TransactionShapes(Dialect.POSTGRESQL, 10, Duration.ofMinutes(1), weight, now::get))
                    .as("weight %s", weight)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(weight));
        }
    }
}
