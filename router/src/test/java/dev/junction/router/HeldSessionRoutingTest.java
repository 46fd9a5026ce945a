package dev.junction.router;

import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RouteTarget.REPLICA;
import static dev.junction.router.RoutingFixture.REPLICA_A;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Design §2 rules 1 and 2 as the policy applies them to a session the driver hands over whole: the node of the open
 * transaction, the node of a pin, and the answer {@link RoutingPolicy#decideWithoutTopology} gives before any
 * topology is read, which must be the one {@link RoutingPolicy#route} gives.
 */
class HeldSessionRoutingTest {

    @Nested
    class PinsOnAReplica {
        private final SessionState pinnedOnA = SessionState.builder()
                .pinnedOn(REPLICA_A, PinReason.HOLDABLE_CURSOR)
                .build();

        @Test
        void keepsPlainReadsOnTheReplicaThatHoldsTheState() {
            RouteDecision d = sql("select * from t").in(pinnedOnA).routesTo(REPLICA, RouteReason.PINNED);
            assertThat(d.node()).isEqualTo(REPLICA_A);
        }

        @Test
        void sendsWritesLocksAndSideEffectsToThePrimary() {
            sql("update t set a = 1").in(pinnedOnA).routesTo(PRIMARY, RouteReason.WRITE);
            sql("select * from t for update").in(pinnedOnA).routesTo(PRIMARY, RouteReason.LOCKING_READ);
            sql("select nextval('s')").in(pinnedOnA).routesTo(PRIMARY, RouteReason.SIDE_EFFECT_FUNCTION);
        }

        @Test
        void startsAReadWriteTransactionOnThePrimary() {
            SessionState s = SessionState.builder()
                    .autoCommit(false)
                    .pinnedOn(REPLICA_A, PinReason.HOLDABLE_CURSOR)
                    .build();
            sql("select * from t").in(s).routesTo(PRIMARY, RouteReason.TRANSACTION);
        }

        @Test
        void letsAReadOnlyTransactionStartOnTheReplicaThatHoldsTheState() {
            SessionState s = SessionState.builder()
                    .autoCommit(false)
                    .readOnly(true)
                    .pinnedOn(REPLICA_A, PinReason.HOLDABLE_CURSOR)
                    .build();
            assertThat(sql("select * from t")
                            .in(s)
                            .routesTo(REPLICA, RouteReason.PINNED)
                            .node())
                    .isEqualTo(REPLICA_A);
        }
    }

    @Nested
    class TopologyFreeAnswers {
        private final RoutingPolicy policy = RoutingPolicy.create(() -> 0L, () -> new Random(3));

        @Test
        void answersAWriteWithoutATopology() {
            Classification write =
                    StatementClassifier.create(Dialect.POSTGRESQL).classify("insert into t values (1)");
            assertThat(policy.decideWithoutTopology(write, SessionState.autoCommitSession(), RoutingOptions.DEFAULTS))
                    .isEqualTo(RouteDecision.primary(RouteReason.WRITE));
        }

        @Test
        void leavesAPlainReadInAutoCommitToTheReplicaChoice() {
            Classification read = StatementClassifier.create(Dialect.POSTGRESQL).classify("select * from t");
            assertThat(policy.decideWithoutTopology(read, SessionState.autoCommitSession(), RoutingOptions.DEFAULTS))
                    .isNull();
        }

        @Test
        void answersStrongReadsWithThePrimary() {
            Classification read = StatementClassifier.create(Dialect.POSTGRESQL).classify("select * from t");
            RoutingOptions strong = RoutingOptions.DEFAULTS.withReadConsistency(ReadConsistency.STRONG);
            assertThat(policy.decideWithoutTopology(read, SessionState.autoCommitSession(), strong))
                    .isEqualTo(RouteDecision.primary(RouteReason.STRONG_CONSISTENCY));
        }
    }

    private static final StatementClassifier POSTGRES = StatementClassifier.create(Dialect.POSTGRESQL);
    private static final NodeId PRIMARY_ID = NodeId.of("p", 5432);
    private static final NodeId OTHER_REPLICA = NodeId.of("r2", 5432);
    private static final TopologySnapshot HEALTHY = TopologySnapshot.of(
            List.of(
                    NodeState.primary(PRIMARY_ID),
                    NodeState.replica(REPLICA_A, Duration.ZERO),
                    NodeState.replica(OTHER_REPLICA, Duration.ZERO)),
            0L);

    /** Whenever the policy answers without a topology, that is its whole answer; when it does not, a replica may take it. */
    @Property(tries = 2000)
    void theTopologyFreeAnswerIsTheAnswer(
            @ForAll("statements") String text,
            @ForAll("sessions") SessionState session,
            @ForAll("options") RoutingOptions options) {
        Classification statement = POSTGRES.classify(text);
        RoutingPolicy policy = RoutingPolicy.create(() -> 0L, () -> new Random(7));
        RouteDecision early = policy.decideWithoutTopology(statement, session, options);
        RouteDecision full =
                policy.route(new RoutingRequest(statement, session, HEALTHY, options, ReplicaRequirement.NONE));
        if (early != null) {
            assertThat(full).isEqualTo(early);
        } else {
            assertThat(statement.replicaEligible() || statement.kind() == StatementKind.TRANSACTION)
                    .as("%s in %s left to the replica choice", text, session)
                    .isTrue();
            assertThat(full.target()).isIn(REPLICA, RouteTarget.NO_REPLICA);
        }
    }

    @Provide
    Arbitrary<String> statements() {
        return Arbitraries.of(
                "select * from t",
                "select * from t for update",
                "insert into t values (1)",
                "update t set a = 1",
                "select nextval('s')",
                "begin read only",
                "begin",
                "commit",
                "set local statement_timeout = 5",
                "set search_path = app",
                "create temp table x (a int)",
                "listen ch",
                "/* junction:primary */ select 1",
                "/* junction:replica */ select 1",
                "create table y (a int)",
                "select f(1)");
    }

    @Provide
    Arbitrary<SessionState> sessions() {
        return Arbitraries.of(
                SessionState.autoCommitSession(),
                SessionState.builder().autoCommit(false).build(),
                SessionState.builder().autoCommit(false).readOnly(true).build(),
                SessionState.builder()
                        .autoCommit(false)
                        .inTransactionOnPrimary()
                        .build(),
                SessionState.builder()
                        .autoCommit(false)
                        .readOnly(true)
                        .inTransactionOn(REPLICA_A)
                        .build(),
                SessionState.builder().pinnedBecause(PinReason.TEMPORARY_TABLE).build(),
                SessionState.builder()
                        .pinnedOn(REPLICA_A, PinReason.HOLDABLE_CURSOR)
                        .build(),
                SessionState.builder()
                        .autoCommit(false)
                        .readOnly(true)
                        .pinnedOn(REPLICA_A, PinReason.HOLDABLE_CURSOR)
                        .build(),
                SessionState.builder().serializableOnPostgres(true).build(),
                SessionState.builder().autoCommit(false).optimisticStart(true).build(),
                SessionState.builder()
                        .autoCommit(false)
                        .inTransactionOn(REPLICA_A)
                        .build());
    }

    @Provide
    Arbitrary<RoutingOptions> options() {
        return Arbitraries.of(ReadConsistency.values())
                .map(consistency -> RoutingOptions.DEFAULTS.withReadConsistency(consistency));
    }
}
