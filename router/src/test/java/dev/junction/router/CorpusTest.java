package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs both corpora through the classifier and the routing policy, checks the targets and
 * writes a report to stdout and {@code target/corpus-report.txt}.
 */
class CorpusTest {

    private static final long NOW = 0L;
    private static final TopologySnapshot HEALTHY = TopologySnapshot.of(
            List.of(
                    NodeState.primary(NodeId.of("db1", 5432)),
                    NodeState.replica(NodeId.of("db2", 5432), Duration.ZERO),
                    NodeState.replica(NodeId.of("db3", 5432), Duration.ofMillis(20))),
            NOW);

    private static final java.util.regex.Pattern LEADING_NOISE = java.util.regex.Pattern.compile(
            "^(\\s|/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n|\\()*", java.util.regex.Pattern.DOTALL);

    /** A statement the pipeline hands to Calcite: a query or DML, not TRUNCATE, COPY, EXPLAIN... */
    static boolean calciteShaped(Corpus.Entry e) {
        String rest = LEADING_NOISE.matcher(e.sql()).replaceFirst("").toLowerCase(Locale.ROOT);
        return rest.matches("(?s)(select|with|values|table|insert|update|delete|merge|replace)\\b.*");
    }

    /** A plain read the corpus expects on a replica (BEGIN READ ONLY also may go there, but is no read). */
    static boolean plainRead(Corpus.Entry e) {
        return e.route() == Corpus.Route.REPLICA
                && (e.kind() == StatementKind.READ || e.kind() == StatementKind.UTILITY_READ);
    }

    /** Outcome of one corpus statement. */
    record Result(Corpus.Entry entry, Classification classification, RouteDecision decision) {
        boolean routedToReplica() {
            return decision.target() == RouteTarget.REPLICA;
        }

        boolean violation() {
            return entry.route() == Corpus.Route.PRIMARY
                    && decision.target() != RouteTarget.PRIMARY
                    && !(decision.target() == RouteTarget.NO_REPLICA && !classification.replicaEligible());
        }

        boolean tablesMatch() {
            return classification.tablesRead().equals(entry.tablesRead())
                    && classification.tablesWritten().equals(entry.tablesWritten());
        }
    }

    private static final Map<Dialect, List<Result>> RESULTS = new EnumMap<>(Dialect.class);

    @BeforeAll
    static void runCorpus() throws IOException {
        RoutingPolicy policy = RoutingPolicy.create(() -> NOW, () -> new Random(1));
        for (Dialect dialect : Dialect.values()) {
            StatementClassifier classifier = StatementClassifier.create(dialect);
            List<Result> results = new ArrayList<>();
            for (Corpus.Entry e : Corpus.load(dialect)) {
                Classification c = classifier.classify(e.sql());
                RouteDecision d = policy.route(new RoutingRequest(
                        c,
                        SessionState.autoCommitSession(),
                        HEALTHY,
                        RoutingOptions.DEFAULTS,
                        ReplicaRequirement.NONE));
                results.add(new Result(e, c, d));
            }
            RESULTS.put(dialect, results);
        }
        String report = report();
        System.out.println(report);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("corpus-report.txt"), report);
    }

    @Test
    void corpusHoldsAtLeastFourHundredStatements() {
        assertThat(RESULTS.get(Dialect.POSTGRESQL).size()
                        + RESULTS.get(Dialect.MYSQL).size())
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    void neverRoutesAStatementThatNeedsThePrimaryToAReplica() {
        List<String> violations = new ArrayList<>();
        for (List<Result> results : RESULTS.values()) {
            for (Result r : results) {
                if (r.violation()) {
                    violations.add(r.entry() + " -> " + r.decision() + " " + r.classification());
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void classifiesEveryStatementAsTheExpectedKind() {
        List<String> wrong = new ArrayList<>();
        for (List<Result> results : RESULTS.values()) {
            for (Result r : results) {
                if (r.classification().kind() != r.entry().kind()) {
                    wrong.add(r.entry() + ": expected " + r.entry().kind() + ", got " + r.classification());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void sendsAtLeastNinetyFivePercentOfPlainReadsToReplicasInEachDialect() {
        for (Dialect d : Dialect.values()) {
            assertThat(eligibleShare(RESULTS.get(d)))
                    .as("eligible share of plain reads, %s", d)
                    .isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void extractsTablesForAtLeastNinetyPercentOfDmlInEachDialect() {
        for (Dialect d : Dialect.values()) {
            assertThat(tableShare(RESULTS.get(d)))
                    .as("table extraction share, %s", d)
                    .isGreaterThanOrEqualTo(0.90);
        }
    }

    private static double eligibleShare(List<Result> results) {
        long reads = results.stream().filter(r -> plainRead(r.entry())).count();
        long routed = results.stream()
                .filter(r -> plainRead(r.entry()) && r.routedToReplica())
                .count();
        return reads == 0 ? 1.0 : (double) routed / reads;
    }

    private static double tableShare(List<Result> results) {
        long dml = results.stream().filter(r -> r.entry().isDml()).count();
        long ok = results.stream()
                .filter(r -> r.entry().isDml() && r.tablesMatch())
                .count();
        return dml == 0 ? 1.0 : (double) ok / dml;
    }

    private static String report() {
        StringBuilder s = new StringBuilder("Junction classification corpus report\n");
        for (Dialect d : Dialect.values()) {
            List<Result> results = RESULTS.get(d);
            long queriesAndDml =
                    results.stream().filter(r -> calciteShaped(r.entry())).count();
            long parsed = results.stream()
                    .filter(r -> calciteShaped(r.entry()) && r.classification().parsedByCalcite())
                    .count();
            long reads = results.stream().filter(r -> plainRead(r.entry())).count();
            long readsParsed = results.stream()
                    .filter(r -> plainRead(r.entry()) && r.classification().parsedByCalcite())
                    .count();
            long primaryRequired = results.stream()
                    .filter(r -> r.entry().route() == Corpus.Route.PRIMARY)
                    .count();
            long violations = results.stream().filter(Result::violation).count();
            long dml = results.stream().filter(r -> r.entry().isDml()).count();
            long kindOk = results.stream()
                    .filter(r -> r.classification().kind() == r.entry().kind())
                    .count();
            s.append(String.format(
                    Locale.ROOT,
                    "%n== %s: %d statements (%d plain reads, %d primary-only)%n",
                    d,
                    results.size(),
                    reads,
                    primaryRequired));
            s.append(String.format(
                    Locale.ROOT,
                    "  Calcite parse rate (SELECT/WITH/VALUES/INSERT/UPDATE/DELETE/MERGE/REPLACE): %d/%d = %.1f%% (plain reads: %d/%d = %.1f%%)%n",
                    parsed,
                    queriesAndDml,
                    100.0 * parsed / queriesAndDml,
                    readsParsed,
                    reads,
                    100.0 * readsParsed / reads));
            s.append(String.format(
                    Locale.ROOT, "  plain reads routed to a replica: %.1f%%%n", 100 * eligibleShare(results)));
            s.append(String.format(Locale.ROOT, "  primary-only statements routed to a replica: %d%n", violations));
            s.append(String.format(
                    Locale.ROOT, "  tables extracted exactly for DML: %.1f%% of %d%n", 100 * tableShare(results), dml));
            s.append(String.format(Locale.ROOT, "  kind as expected: %d/%d%n", kindOk, results.size()));
            s.append("  plain reads that fell back to the primary:\n");
            results.stream()
                    .filter(r -> r.entry().route() == Corpus.Route.REPLICA && !r.routedToReplica())
                    .filter(r -> plainRead(r.entry()))
                    .forEach(r -> s.append("    ")
                            .append(r.entry())
                            .append("  [")
                            .append(r.decision().reason())
                            .append(' ')
                            .append(r.classification())
                            .append("]\n"));
            s.append("  queries/DML Calcite could not parse (classified from tokens):\n");
            results.stream()
                    .filter(r -> calciteShaped(r.entry()) && !r.classification().parsedByCalcite())
                    .forEach(r -> s.append("    ").append(r.entry()).append('\n'));
            s.append("  DML whose tables differ from the expectation:\n");
            results.stream()
                    .filter(r -> r.entry().isDml() && !r.tablesMatch())
                    .forEach(r -> s.append("    ")
                            .append(r.entry())
                            .append("  expected read=")
                            .append(r.entry().tablesRead())
                            .append(" written=")
                            .append(r.entry().tablesWritten())
                            .append(", got ")
                            .append(r.classification())
                            .append('\n'));
        }
        return s.toString();
    }
}
