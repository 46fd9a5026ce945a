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
