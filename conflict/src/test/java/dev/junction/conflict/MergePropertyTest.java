package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every policy's merge is commutative, associative and idempotent, so that masters exchanging versions in any order,
 * any number of times, end with the same row; and no policy loses what it must keep (a concurrent sibling, an
 * increment).
 */
class MergePropertyTest {
    private static final List<String> ORIGINS = List.of("a", "b", "c");

    // --- version vectors

    @Provide
    Arbitrary<VersionVector> vectors() {
        return Arbitraries.longs().between(0, 3).list().ofSize(ORIGINS.size()).map(counters -> {
            Map<String, Long> map = new HashMap<>();
            for (int i = 0; i < ORIGINS.size(); i++) {
                map.put(ORIGINS.get(i), counters.get(i));
            }
            return VersionVector.of(map);
        });
    }

    @Property
    void vectorMergeIsCommutativeAssociativeAndIdempotent(
            @ForAll("vectors") VersionVector a,
            @ForAll("vectors") VersionVector b,
            @ForAll("vectors") VersionVector c) {
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
        assertThat(a.merge(a)).isEqualTo(a);
    }

    @Property
    void vectorMergeIncludesBothAndCompareIsAntisymmetric(
            @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        assertThat(a.merge(b).compare(a)).isIn(VersionVector.Order.DOMINATES, VersionVector.Order.EQUAL);
        assertThat(a.merge(b).compare(b)).isIn(VersionVector.Order.DOMINATES, VersionVector.Order.EQUAL);
        VersionVector.Order ab = a.compare(b);
        VersionVector.Order ba = b.compare(a);
        switch (ab) {
            case DOMINATES -> assertThat(ba).isEqualTo(VersionVector.Order.DOMINATED);
            case DOMINATED -> assertThat(ba).isEqualTo(VersionVector.Order.DOMINATES);
            default -> assertThat(ba).isEqualTo(ab);
        }
        assertThat(a.increment("b").compare(a)).isEqualTo(VersionVector.Order.DOMINATES);
        assertThat(VersionVector.parse(a.format())).isEqualTo(a);
    }

    // --- last-writer-wins

    @Provide
    Arbitrary<RowVersion<String>> stamped() {
        return Combinators.combine(
                        Arbitraries.longs().between(1, 6), Arbitraries.of(ORIGINS), Arbitraries.of(true, false))
                .as((hlc, origin, deleted) -> deleted
                        ? RowVersion.<String>tombstone(hlc, origin)
                        : RowVersion.written(origin + "@" + hlc, hlc, origin));
    }

    @Property
    void lastWriterWinsIsCommutativeAssociativeAndIdempotent(
            @ForAll("stamped") RowVersion<String> a,
            @ForAll("stamped") RowVersion<String> b,
            @ForAll("stamped") RowVersion<String> c) {
        assertThat(LastWriterWins.winner(a, b)).isEqualTo(LastWriterWins.winner(b, a));
        assertThat(LastWriterWins.winner(LastWriterWins.winner(a, b), c))
                .isEqualTo(LastWriterWins.winner(a, LastWriterWins.winner(b, c)));
        assertThat(LastWriterWins.winner(a, a)).isEqualTo(a);
    }

    @Property
    void lastWriterWinsPicksTheLatestStampOfAnyHistory(@ForAll("histories") List<RowVersion<String>> history) {
        RowVersion<String> winner = history.get(0);
        for (RowVersion<String> version : history) {
            winner = LastWriterWins.winner(winner, version);
        }
        for (RowVersion<String> version : history) {
            assertThat(version.stampedAfter(winner))
                    .as("%s after the winner %s", version, winner)
                    .isFalse();
        }
    }

    @Provide
    Arbitrary<List<RowVersion<String>>> histories() {
        return stamped().list().ofMinSize(1).ofMaxSize(12);
    }

    // --- version vectors with siblings

    /** A version as one write makes it: everything a function of its vector, so one vector is one write. */
    @Provide
    Arbitrary<RowVersion<String>> versioned() {
        return vectors().filter(v -> !v.counters().isEmpty()).map(vector -> {
            String origin = vector.counters().keySet().iterator().next();
            long hlc = 1 + Math.floorMod(vector.format().hashCode(), 1_000);
            return new RowVersion<>(vector.format(), hlc, origin, vector, false);
        });
    }

    @Provide
    Arbitrary<Siblings<String>> states() {
        return versioned().list().ofMinSize(1).ofMaxSize(4).map(Siblings::of);
    }

    @Property
    void siblingMergeIsCommutativeAssociativeAndIdempotent(
            @ForAll("states") Siblings<String> a,
            @ForAll("states") Siblings<String> b,
            @ForAll("states") Siblings<String> c) {
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
        assertThat(a.merge(a)).isEqualTo(a);
    }

    @Property
    void siblingMergeNeverDropsAVersionThatNoOtherIncludes(
            @ForAll("states") Siblings<String> a, @ForAll("states") Siblings<String> b) {
        Siblings<String> merged = a.merge(b);
        List<RowVersion<String>> all = new ArrayList<>(a.versions());
        all.addAll(b.versions());
        for (RowVersion<String> version : all) {
            boolean kept = merged.versions().contains(version);
            boolean superseded = merged.versions().stream()
                    .anyMatch(v -> v.vector().compare(version.vector()) == VersionVector.Order.DOMINATES);
            assertThat(kept || superseded)
                    .as("%s kept or superseded in %s", version, merged)
                    .isTrue();
        }
        for (RowVersion<String> x : merged.versions()) {
            for (RowVersion<String> y : merged.versions()) {
                if (x != y) {
                    assertThat(x.vector().compare(y.vector()))
                            .as("siblings are concurrent")
                            .isEqualTo(VersionVector.Order.CONCURRENT);
                }
            }
        }
    }

    @Property
    void resolvingSiblingsMakesAVersionThatIncludesThemAll(@ForAll("states") Siblings<String> state) {
        RowVersion<String> resolved = state.resolve(
                siblings -> String.join(
                        "+", siblings.stream().map(RowVersion::value).toList()),
                "c",
                () -> 5_000L);
        for (RowVersion<String> sibling : state.versions()) {
            assertThat(resolved.vector().compare(sibling.vector()))
                    .isIn(VersionVector.Order.DOMINATES, VersionVector.Order.EQUAL);
        }
        assertThat(state.merge(Siblings.of(resolved)).versions()).containsExactly(resolved);
    }

    // --- PN-counters

    /** An increment or decrement by one origin. */
    record Change(String origin, long delta) {}

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(Arbitraries.of(ORIGINS), Arbitraries.longs().between(-5, 5))
                .as(Change::new)
                .list()
                .ofMaxSize(40);
    }

    @Property
    void counterMergeIsCommutativeAssociativeAndIdempotent(
            @ForAll("changes") List<Change> x, @ForAll("changes") List<Change> y, @ForAll("changes") List<Change> z) {
        PnCounter a = apply(PnCounter.ZERO, x);
        PnCounter b = apply(PnCounter.ZERO, y);
        PnCounter c = apply(PnCounter.ZERO, z);
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
        assertThat(a.merge(a)).isEqualTo(a);
    }

    /**
     * Each origin is a master that applies its own changes, exchanging its counter with the others now and then; after
     * a last full exchange, every master's value is the sum of every change, none lost or counted twice.
     */
    @Property
    void mastersThatExchangeCountersAgreeOnTheSumOfEveryChange(
            @ForAll("changes") List<Change> changes, @ForAll("exchanges") List<Integer> exchanges) {
        Map<String, PnCounter> masters = new HashMap<>();
        ORIGINS.forEach(origin -> masters.put(origin, PnCounter.ZERO));
        long sum = 0;
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            masters.put(change.origin(), masters.get(change.origin()).add(change.origin(), change.delta()));
            sum += change.delta();
            int exchange = exchanges.get(i % exchanges.size());
            String from = ORIGINS.get(exchange % 3);
            String to = ORIGINS.get((exchange / 3) % 3);
            masters.put(to, masters.get(to).merge(masters.get(from)));
        }
        PnCounter all = PnCounter.ZERO;
        for (PnCounter counter : masters.values()) {
            all = all.merge(counter);
        }
        for (String origin : ORIGINS) {
            assertThat(masters.get(origin).merge(all).value()).isEqualTo(sum);
        }
    }

    @Provide
    Arbitrary<List<Integer>> exchanges() {
        return Arbitraries.integers().between(0, 8).list().ofMinSize(1).ofMaxSize(10);
    }

    private static PnCounter apply(PnCounter counter, List<Change> changes) {
        for (Change change : changes) {
            counter = counter.add(change.origin(), change.delta());
        }
        return counter;
    }
}
