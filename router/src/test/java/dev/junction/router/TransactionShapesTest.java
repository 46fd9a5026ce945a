package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code transactionRouting=learned}'s memory of transaction shapes, on a fake ticker. */
class TransactionShapesTest {
    private final AtomicLong now = new AtomicLong();
    private final TransactionShapes shapes =
            new TransactionShapes(Dialect.POSTGRESQL, 3, Duration.ofMinutes(10), 4, now::get);

    @Test
    void startsAnUnseenShapeOnThePrimary() {
        assertThat(shapes.startsOnReplica("select * from customer where id = ?"))
                .isFalse();
    }

    @Test
    void startsAShapeOnAReplicaOnceATransactionOfItStayedReadOnly() {
        shapes.ended("select * from customer where id = ?", false);
        assertThat(shapes.startsOnReplica("select * from customer where id = ?"))
                .isTrue();
    }

    @Test
    void startsAShapeThatWroteOnThePrimaryUntilItHasStayedReadOnlyEnoughTimesInARow() {
        String shape = "select * from stock where id = ?";
        shapes.ended(shape, false);
        shapes.ended(shape, true);
        assertThat(shapes.startsOnReplica(shape)).isFalse();
        for (int run = 1; run < 4; run++) {
            shapes.ended(shape, false);
            assertThat(shapes.startsOnReplica(shape))
                    .as("after %d read-only", run)
                    .isFalse();
        }
        shapes.ended(shape, false);
        assertThat(shapes.startsOnReplica(shape)).isTrue();
        shapes.ended(shape, true);
        assertThat(shapes.startsOnReplica(shape))
                .as("one write starts it on the primary again")
                .isFalse();
    }

    @Test
    void countsStatementsThatDifferOnlyInInlinedValuesSpacingOrCaseAsOneShape() {
        shapes.ended("select * from customer where id = 42 and name = 'ann'", false);
        assertThat(shapes.startsOnReplica("SELECT  * FROM customer WHERE id = 7 AND name = 'bob'"))
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = 7 and name = 'bob'"))
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = ? and name = ?"))
                .as("its prepared form too")
                .isTrue();
        assertThat(shapes.startsOnReplica("select * from customer where id = 7 or name = 'bob'"))
                .isFalse();
    }

    @Test
    void forgetsAShapeNotSeenForTheDecayPeriod() {
        shapes.ended("select 1", false);
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(shapes.startsOnReplica("select 1")).as("seen 9 minutes ago").isTrue();
        now.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        assertThat(shapes.startsOnReplica("select 1"))
                .as("relearned after 10 minutes unseen")
                .isFalse();
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
        assertThatThrownBy(() -> new TransactionShapes(Dialect.POSTGRESQL, 0, Duration.ofMinutes(1), 1, now::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new TransactionShapes(Dialect.POSTGRESQL, 10, Duration.ZERO, 1, now::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }
}
