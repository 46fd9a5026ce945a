package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The clock over generated histories: the wall clock jumps forwards and back, local events and received timestamps
 * (some beyond the skew bound) come in any order. Whatever happens, every timestamp issued is later than every one
 * issued or accepted before it (monotonic), a receive is later than what it received (causal), refused timestamps
 * change nothing, and the clock never runs further ahead of the wall clocks it saw than the received timestamps took it.
 */
class HybridLogicalClockPropertyTest {
    private static final long T0 = 1_796_000_000_000L;
    private static final long SKEW = 500;

    /** One step: move the wall clock by {@code wallStep} ms, then a local event or the receipt of {@code remoteLead}. */
    record Step(long wallStep, boolean receive, long remoteLead, int remoteLogical) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.longs().between(-2_000, 2_000).edgeCases(e -> e.add(0L)),
                        Arbitraries.of(true, false),
                        Arbitraries.longs().between(-3_000, 1_000),
                        Arbitraries.integers().between(0, HlcTimestamp.MAX_LOGICAL))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(200);
    }

    @Property
    void issuesEverLaterTimestampsAndReceivesCausally(@ForAll("histories") List<Step> history) {
        AtomicLong wall = new AtomicLong(T0);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get, Duration.ofMillis(SKEW));
        long latest = 0; // the latest timestamp issued or accepted
        long maxAllowed = 0; // the largest wall clock seen, or accepted remote
        List<Long> issued = new ArrayList<>();
        for (Step step : history) {
            wall.addAndGet(step.wallStep());
            maxAllowed = Math.max(maxAllowed, wall.get());
            if (step.receive()) {
                long remote = HlcTimestamp.of(wall.get() + step.remoteLead(), step.remoteLogical());
                if (step.remoteLead() > SKEW) {
                    long before = clock.last();
                    try {
                        clock.receive(remote);
                        throw new AssertionError("accepted a timestamp " + step.remoteLead() + " ms ahead");
                    } catch (ClockSkewException refused) {
                        assertThat(clock.last())
                                .as("a refused timestamp changes nothing")
                                .isEqualTo(before);
                    }
                    continue;
                }
                long received = clock.receive(remote);
                assertThat(received).as("later than what it received").isGreaterThan(remote);
                maxAllowed = Math.max(maxAllowed, HlcTimestamp.millis(remote));
                latest = check(received, latest, issued);
            } else {
                latest = check(clock.now(), latest, issued);
            }
            // the counter may carry at most (events so far / 65,536) ms beyond the largest millisecond seen
            assertThat(HlcTimestamp.millis(latest)).isLessThanOrEqualTo(maxAllowed + issued.size() / 65_536 + 1);
        }
    }

    private static long check(long timestamp, long latest, List<Long> issued) {
        assertThat(timestamp).as("after every earlier timestamp").isGreaterThan(latest);
        issued.add(timestamp);
        return timestamp;
    }
}
