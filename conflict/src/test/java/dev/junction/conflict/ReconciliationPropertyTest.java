package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Anti-entropy over generated divergence: three masters, a few keys, each master holding any version of any key or
 * none. Applying the plan leaves the masters identical, each key holding the winner of every version anyone held
 * (computed here from the versions, not by the code under test), and a second plan finds nothing to do.
 */
class ReconciliationPropertyTest {
    private static final List<String> MASTERS = List.of("m1", "m2", "m3");
    private static final long NOW = HlcTimestamp.of(1_796_000_000_000L, 0);
    private static final TombstoneHorizon HORIZON = new TombstoneHorizon(Duration.ofDays(7));

    @Provide
    Arbitrary<Map<String, Map<Integer, RowVersion<String>>>> lwwMasters() {
        Arbitrary<RowVersion<String>> version = Combinators.combine(
                        Arbitraries.longs().between(0, 20),
                        Arbitraries.of("m1", "m2", "m3"),
                        Arbitraries.of(true, false))
                .as((tick, origin, deleted) -> {
                    long hlc = NOW - 1_000 + tick;
                    return deleted
                            ? RowVersion.<String>tombstone(hlc, origin)
                            : RowVersion.written(origin + "@" + tick, hlc, origin);
                });
        Arbitrary<Map<Integer, RowVersion<String>>> rows =
                Arbitraries.maps(Arbitraries.integers().between(1, 6), version).ofMaxSize(6);
        return rows.list().ofSize(MASTERS.size()).map(ReconciliationPropertyTest::byMaster);
    }

    private static <T> Map<String, T> byMaster(List<T> contents) {
        Map<String, T> masters = new LinkedHashMap<>();
        for (int i = 0; i < MASTERS.size(); i++) {
            masters.put(MASTERS.get(i), contents.get(i));
        }
        return masters;
    }

    @Property(tries = 200)
    void lastWriterWinsConvergesOnTheLatestStampAndThenHasNothingToDo(
            @ForAll("lwwMasters") Map<String, Map<Integer, RowVersion<String>>> masters) {
        Map<Integer, RowVersion<String>> expected = new TreeMap<>();
        masters.values()
                .forEach(rows -> rows.forEach((key, version) -> expected.merge(
                        key,
                        version,
                        (a, b) -> a.hlc() != b.hlc() ? (a.hlc() > b.hlc() ? a : b) : independentTieBreak(a, b))));
        Reconciliation<Integer, String> reconciliation = Reconciliation.byStamp(ConflictPolicy.LWW, () -> NOW, HORIZON);

        Reconciliation.Plan<Integer, String> plan = reconciliation.plan(masters);
        Map<String, Map<Integer, RowVersion<String>>> after = copy(masters);
        plan.repairs().forEach(repair -> after.get(repair.master()).put(repair.key(), repair.version()));

        for (String master : MASTERS) {
            assertThat(after.get(master)).as(master).isEqualTo(expected);
        }
        assertThat(plan.refused()).isEmpty();
        assertThat(reconciliation.plan(after).nothingToDo()).as("a second run").isTrue();
        assertThat(reconciliation.plan(masters))
                .as("planning changes nothing (a dry run)")
                .isEqualTo(plan);
    }

    /** Same timestamp: the larger origin, then a tombstone, as the stamps' documented order says. */
    private static RowVersion<String> independentTieBreak(RowVersion<String> a, RowVersion<String> b) {
        int byOrigin = a.origin().compareTo(b.origin());
        if (byOrigin != 0) {
            return byOrigin > 0 ? a : b;
        }
        return b.deleted() && !a.deleted() ? b : a;
    }

    private static <T> Map<String, Map<Integer, T>> copy(Map<String, ? extends Map<Integer, T>> masters) {
        Map<String, Map<Integer, T>> copy = new HashMap<>();
        masters.forEach((master, rows) -> copy.put(master, new TreeMap<>(rows)));
        return copy;
    }

    // --- version vectors

    @Provide
    Arbitrary<Map<String, Map<Integer, Siblings<String>>>> vectorMasters() {
        Arbitrary<RowVersion<String>> version = Arbitraries.longs()
                .between(0, 2)
                .list()
                .ofSize(3)
                .filter(c -> c.stream().anyMatch(x -> x > 0))
                .map(counters -> {
                    VersionVector vector = VersionVector.of(
                            Map.of("m1", counters.get(0), "m2", counters.get(1), "m3", counters.get(2)));
                    String origin = vector.counters().keySet().iterator().next();
                    return new RowVersion<>(
                            vector.format(),
                            NOW - 500 + Math.floorMod(vector.format().hashCode(), 100),
                            origin,
                            vector,
                            false);
                });
        Arbitrary<Siblings<String>> state =
                version.list().ofMinSize(1).ofMaxSize(3).map(Siblings::of);
        Arbitrary<Map<Integer, Siblings<String>>> rows =
                Arbitraries.maps(Arbitraries.integers().between(1, 4), state).ofMaxSize(4);
        return rows.list().ofSize(MASTERS.size()).map(ReconciliationPropertyTest::byMaster);
    }

    @Property(tries = 200)
    void versionVectorsKeepEveryConcurrentVersionOnEveryMasterWithoutAMerge(
            @ForAll("vectorMasters") Map<String, Map<Integer, Siblings<String>>> masters) {
        Reconciliation<Integer, String> reconciliation =
                Reconciliation.byVector(null, "reconciler", () -> NOW, HORIZON);
        Map<String, Map<Integer, Siblings<String>>> after = apply(masters, reconciliation.planSiblings(masters));
        for (Map.Entry<Integer, Siblings<String>> key : union(masters).entrySet()) {
            for (String master : MASTERS) {
                assertThat(after.get(master).get(key.getKey())).isEqualTo(key.getValue());
            }
        }
        assertThat(reconciliation.planSiblings(after).nothingToDo()).isTrue();
    }

    @Property(tries = 200)
    void versionVectorsMergedByTheApplicationConvergeOnOneVersionThatIncludesAll(
            @ForAll("vectorMasters") Map<String, Map<Integer, Siblings<String>>> masters) {
        MergeFunction<String> merge = siblings ->
                String.join("|", siblings.stream().map(RowVersion::value).toList());
        Reconciliation<Integer, String> reconciliation =
                Reconciliation.byVector(merge, "reconciler", () -> NOW, HORIZON);
        Map<String, Map<Integer, Siblings<String>>> after = apply(masters, reconciliation.planSiblings(masters));
        for (Map.Entry<Integer, Siblings<String>> key : union(masters).entrySet()) {
            Siblings<String> first = after.get(MASTERS.get(0)).get(key.getKey());
            assertThat(first.inConflict()).isFalse();
            for (RowVersion<String> sibling : key.getValue().versions()) {
                assertThat(first.versions().get(0).vector().compare(sibling.vector()))
                        .isIn(VersionVector.Order.DOMINATES, VersionVector.Order.EQUAL);
            }
            for (String master : MASTERS) {
                assertThat(after.get(master).get(key.getKey())).isEqualTo(first);
            }
        }
        assertThat(reconciliation.planSiblings(after).nothingToDo()).isTrue();
    }

    private static Map<Integer, Siblings<String>> union(Map<String, Map<Integer, Siblings<String>>> masters) {
        Map<Integer, Siblings<String>> union = new TreeMap<>();
        masters.values().forEach(rows -> rows.forEach((key, state) -> union.merge(key, state, Siblings::merge)));
        return union;
    }

    private static Map<String, Map<Integer, Siblings<String>>> apply(
            Map<String, Map<Integer, Siblings<String>>> masters, Reconciliation.Plan<Integer, String> plan) {
        Map<String, Map<Integer, Siblings<String>>> after = copy(masters);
        Map<String, Map<Integer, List<RowVersion<String>>>> written = new HashMap<>();
        plan.repairs()
                .forEach(repair -> written.computeIfAbsent(repair.master(), m -> new TreeMap<>())
                        .computeIfAbsent(repair.key(), k -> new ArrayList<>())
                        .add(repair.version()));
        written.forEach((master, rows) ->
                rows.forEach((key, versions) -> after.get(master).put(key, Siblings.of(versions))));
        return after;
    }
}
