package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.workloads.Dialect;
import dev.junction.workloads.ServingNode;
import dev.junction.workloads.Tally;
import dev.junction.workloads.TpccMix;
import dev.junction.workloads.TransactionMix;
import dev.junction.workloads.WorkloadResult;
import dev.junction.workloads.WorkloadRunner;
import dev.junction.workloads.YcsbMix;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transactions nobody declared read-only (issue 13) under load: the YCSB-like and TPC-C-like mixes of
 * {@code dev.junction.benchmarks.transactions}, every transaction with auto-commit off, never read-only, retried on
 * {@code 40001}, on a PostgreSQL primary with two standbys and a MariaDB primary and replica, through
 * {@link JunctionDataSource}. What must hold, not timings:
 *
 * <ul>
 *   <li>no unexpected error, and no transaction gives up retrying;
 *   <li>with {@code readConsistency=eventual} and {@code transactionRouting=optimistic}, and with the default
 *       {@code learned} once it has seen the application, at least 90 % of the reads of the read-only transactions
 *       are served by replicas; {@code learned} moves at most 2 % of the read-write transactions;
 *   <li>every write runs on the node Junction names the primary ({@code lastNode()} after each write; a PostgreSQL
 *       standby could not take it anyway, a MariaDB replica with Junction's session guard neither);
 *   <li>under concurrent writers some moves end in {@code 40001} (YCSB's zipfian read-modify-writes), and each such
 *       transaction commits on a retry;
 *   <li>the mix's invariants hold on the primary afterwards, as after a run with {@code transactionRouting=primary};
 *       and one thread running the same seeded transactions leaves exactly the same data (a digest of every table)
 *       with {@code optimistic} as with {@code primary}.
 * </ul>
 *
 * <p>The results are printed (shares, counts, moves) for the record.
 */
class TransactionWorkloadIT {
    private static final int THREADS = 3;
    private static final Duration RUN = Duration.ofSeconds(4);
    private static final int DETERMINISTIC_TRANSACTIONS = 300;

    private static PostgresCluster postgres;
    private static MariaDbCluster mariadb;

    @BeforeAll
    static void startClusters() {
        postgres = PostgresCluster.builder().standbys(2).start();
        mariadb = MariaDbCluster.primaryReplica().start();
    }

    @AfterAll
    static void stopClusters() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    /** One replicated database as the tests use it: Junction data sources over it and a raw connection to its primary. */
    private record Database(
            String name,
            Dialect dialect,
            String url,
            String user,
            String password,
            PrimaryConnector primary,
            Runnable awaitReplication) {
        JunctionDataSource dataSource(String readConsistency, String transactionRouting) {
            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
            dataSource.setReadConsistency(readConsistency);
            dataSource.setTransactionRouting(transactionRouting);
            return dataSource;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface PrimaryConnector {
        Connection open() throws SQLException;
    }

    private static Database postgres() {
        List<String> seeds = new ArrayList<>();
        postgres.standbys().forEach(n -> seeds.add(n.address()));
        seeds.add(postgres.primary().address());
        return new Database(
                "PostgreSQL",
                Dialect.POSTGRESQL,
                "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres",
                "postgres",
                "",
                () -> postgres.primary().connect(),
                postgres::awaitReplication);
    }

    private static Database mariadb() {
        return new Database(
                "MariaDB",
                Dialect.MARIADB,
                "jdbc:junction:mariadb://" + mariadb.replicas().get(0).address() + ","
                        + mariadb.primary().address() + "/" + MariaDbNode.DATABASE
                        + "?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                MariaDbNode.APPLICATION_USER,
                MariaDbNode.APPLICATION_PASSWORD,
                () -> mariadb.primary().connect(),
                mariadb::awaitReplication);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Supplier<Database> database :
                List.<Supplier<Database>>of(TransactionWorkloadIT::postgres, TransactionWorkloadIT::mariadb)) {
            for (Supplier<TransactionMix> mix : List.<Supplier<TransactionMix>>of(YcsbMix::new, TpccMix::new)) {
                cases.add(Arguments.of(database, mix));
            }
        }
        return cases.stream();
    }

    private static void load(Database database, TransactionMix mix) throws SQLException {
        try (Connection primary = database.primary().open()) {
            mix.load(primary, database.dialect());
        }
        database.awaitReplication().run();
    }

    private static TransactionMoves.Snapshot moves(JunctionDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return connection
                    .unwrap(RoutingConnection.class)
                    .pipeline()
                    .topology()
                    .transactionMoves()
                    .snapshot();
        }
    }

    private static List<String> violations(Database database, TransactionMix mix) throws SQLException {
        try (Connection primary = database.primary().open()) {
            return mix.violations(primary);
        }
    }

    private static void assertNoFailureAndEveryWriteOnThePrimary(WorkloadResult result) {
        Tally tally = result.tally();
        assertThat(tally.failureSamples()).as("unexpected failures").isEmpty();
        assertThat(tally.total().failed()).isZero();
        assertThat(tally.writes(ServingNode.REPLICA) + tally.writes(ServingNode.UNKNOWN))
                .as("writes not on the primary")
                .isZero();
        assertThat(tally.writes(ServingNode.PRIMARY)).as("writes").isPositive();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void concurrentOptimisticRunServesReadOnlyTransactionsFromReplicasAndKeepsTheInvariants(
            Supplier<Database> databases, Supplier<TransactionMix> mixes) throws Exception {
        Database database = databases.get();
        TransactionMix mix = mixes.get();
        load(database, mix);
        try (JunctionDataSource optimistic = database.dataSource("eventual", "optimistic");
                JunctionDataSource primary = database.dataSource("eventual", "primary")) {
            TransactionMoves.Snapshot before = moves(optimistic);
            WorkloadResult result = new WorkloadRunner(optimistic::getConnection, ServingNode.Probe.JUNCTION, THREADS)
                    .runFor(mix, RUN, 1);
            TransactionMoves.Snapshot after = moves(optimistic);
            System.out.printf(
                    "%s %s, eventual + optimistic: %s  moves: started on a replica %d, moved %d, replayed %d,"
                            + " conflicts (40001) %d%n",
                    database,
                    mix.name(),
                    result.summary(),
                    after.started() - before.started(),
                    after.moved() - before.moved(),
                    after.replayedStatements() - before.replayedStatements(),
                    after.conflicts() - before.conflicts());
            assertNoFailureAndEveryWriteOnThePrimary(result);
            assertThat(result.tally().replicaShare(true))
                    .as("share of the reads of read-only transactions served by replicas")
                    .isGreaterThanOrEqualTo(0.9);
            assertThat(violations(database, mix))
                    .as("invariants after optimistic")
                    .isEmpty();
            Tally.Outcomes total = result.tally().total();
            if (mix instanceof YcsbMix) {
                assertThat(total.serializationFailures())
                        .as("40001s under concurrent read-modify-writes of zipfian keys")
                        .isPositive();
                assertThat(total.committedAfterRetry())
                        .as("transactions that committed on a retry")
                        .isPositive();
                assertThat(after.conflicts() - before.conflicts())
                        .as("Junction's own conflicts")
                        .isPositive();
            }

            database.awaitReplication().run();
            try (Connection connection = database.primary().open()) {
                mix.prepare(connection);
            }
            WorkloadResult onPrimary =
                    new WorkloadRunner(primary::getConnection, ServingNode.Probe.JUNCTION, THREADS).runFor(mix, RUN, 2);
            System.out.printf("%s %s, eventual + primary: %s%n", database, mix.name(), onPrimary.summary());
            assertNoFailureAndEveryWriteOnThePrimary(onPrimary);
            assertThat(onPrimary.tally().replicaShare(false))
                    .as("transactionRouting=primary reads nothing from replicas")
                    .isZero();
            assertThat(violations(database, mix)).as("invariants after primary").isEmpty();
        }
    }

    /**
     * The default, {@code learned}, once it has seen the application: the read-only transactions on replicas (YCSB's
     * read shares its first statement with its read-modify-write; their call sites tell them apart) and the
     * read-write ones started on the primary, so that hardly any pays a move.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void concurrentLearnedRunServesReadOnlyTransactionsFromReplicasAndStartsWritersOnThePrimary(
            Supplier<Database> databases, Supplier<TransactionMix> mixes) throws Exception {
        Database database = databases.get();
        TransactionMix mix = mixes.get();
        load(database, mix);
        try (JunctionDataSource learned = database.dataSource("eventual", "learned")) {
            WorkloadRunner runner = new WorkloadRunner(learned::getConnection, ServingNode.Probe.JUNCTION, THREADS);
            WorkloadResult learning = runner.runCount(mix, 100, 3);
            assertNoFailureAndEveryWriteOnThePrimary(learning);
            TransactionMoves.Snapshot before = moves(learned);
            WorkloadResult result = runner.runFor(mix, RUN, 4);
            TransactionMoves.Snapshot after = moves(learned);
            long readWrite = result.tally().latencyCount(false);
            long moved = after.moved() - before.moved();
            System.out.printf(
                    "%s %s, eventual + learned: %s  read-write transactions %d, moved %d, conflicts (40001) %d%n",
                    database, mix.name(), result.summary(), readWrite, moved, after.conflicts() - before.conflicts());
            assertNoFailureAndEveryWriteOnThePrimary(result);
            assertThat(result.tally().replicaShare(true))
                    .as("share of the reads of read-only transactions served by replicas")
                    .isGreaterThanOrEqualTo(0.9);
            assertThat(readWrite).as("read-write transactions committed").isPositive();
            assertThat(moved)
                    .as("read-write transactions that started on a replica and moved, of %d", readWrite)
                    .isLessThanOrEqualTo(readWrite / 50);
            assertThat(violations(database, mix)).as("invariants after learned").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void oneThreadLeavesTheSameDataWithOptimisticRoutingAsOnThePrimary(
            Supplier<Database> databases, Supplier<TransactionMix> mixes) throws Exception {
        Database database = databases.get();
        List<String> digests = new ArrayList<>();
        for (String routing : List.of("primary", "optimistic", "learned")) {
            TransactionMix mix = mixes.get();
            load(database, mix);
            try (JunctionDataSource dataSource = database.dataSource("eventual", routing)) {
                WorkloadResult result = new WorkloadRunner(dataSource::getConnection, ServingNode.Probe.JUNCTION, 1)
                        .runCount(mix, DETERMINISTIC_TRANSACTIONS, 99);
                System.out.printf("%s %s, one thread, %s: %s", database, mix.name(), routing, result.summary());
                assertNoFailureAndEveryWriteOnThePrimary(result);
                assertThat(result.tally().total().committed()).isEqualTo(DETERMINISTIC_TRANSACTIONS);
            }
            try (Connection primary = database.primary().open()) {
                assertThat(mix.violations(primary))
                        .as("invariants after " + routing)
                        .isEmpty();
                digests.add(mix.digest(primary));
            }
        }
        assertThat(digests).as("data after primary, optimistic, learned").containsOnly(digests.get(0));
    }
}
