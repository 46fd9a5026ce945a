package dev.junction.router;

import static dev.junction.router.RouteTarget.NO_REPLICA;
import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RouteTarget.REPLICA;
import static dev.junction.router.RoutingFixture.PRIMARY_NODE;
import static dev.junction.router.RoutingFixture.REPLICA_A;
import static dev.junction.router.RoutingFixture.REPLICA_B;
import static dev.junction.router.RoutingFixture.T0;
import static dev.junction.router.RoutingFixture.mysql;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingPolicyTest {

    @Test
    void measuresTheSnapshotAgeAcrossAWrapOfTheTicker() {
        // System.nanoTime() may start anywhere, near Long.MAX_VALUE too: only differences are meaningful.
        long takenAt = Long.MAX_VALUE - 100_000_000L; // 100 ms before the wrap
        TopologySnapshot topology = TopologySnapshot.of(
                List.of(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, Duration.ofMillis(600))),
                takenAt);
        Classification read = StatementClassifier.create(Dialect.POSTGRESQL).classify("select 1");
        RoutingRequest request = new RoutingRequest(
                read, SessionState.autoCommitSession(), topology, RoutingOptions.DEFAULTS, ReplicaRequirement.NONE);
        // 300 ms later, past the wrap: 600 ms bound + 300 ms age is inside the default 1 s budget
        assertThat(RoutingPolicy.create(() -> takenAt + 300_000_000L, () -> new java.util.Random(1))
                        .route(request)
                        .target())
                .isEqualTo(REPLICA);
        // 500 ms later: 1.1 s, beyond it
        assertThat(RoutingPolicy.create(() -> takenAt + 500_000_000L, () -> new java.util.Random(1))
                        .route(request)
                        .reason())
                .isEqualTo(RouteReason.NO_REPLICA_STALE);
    }

    private static final LoadBalancer FIRST = candidates -> candidates.get(0);

    @Nested
    class Pins {
        @Test
        void routesPlainReadToPrimaryWhenSessionIsPinned() {
            sql("select * from t")
                    .in(SessionState.builder()
                            .pinnedBecause(PinReason.TEMPORARY_TABLE)
                            .build())
                    .routesTo(PRIMARY, RouteReason.PINNED);
        }

        @Test
        void routesPlainReadToPrimaryWhenSessionIsSerializableOnPostgres() {
            sql("select * from t")
                    .in(SessionState.builder().serializableOnPostgres(true).build())
                    .routesTo(PRIMARY, RouteReason.SERIALIZABLE_ISOLATION);
        }

        @Test
        void pinBeatsReadOnlyTransactionOnAReplica() {
            sql("select * from t")
                    .in(SessionState.builder()
                            .autoCommit(false)
                            .readOnly(true)
                            .inTransactionOn(REPLICA_A)
                            .pinnedBecause(PinReason.LISTEN)
                            .build())
                    .routesTo(PRIMARY, RouteReason.PINNED);
        }
    }

    @Nested
    class Transactions {
        @Test
        void keepsReadsOfAPrimaryTransactionOnThePrimary() {
            sql("select * from t")
                    .in(SessionState.builder()
                            .autoCommit(false)
                            .inTransactionOnPrimary()
                            .build())
                    .routesTo(PRIMARY, RouteReason.TRANSACTION);
        }

        @Test
        void sendsFirstStatementOfReadWriteTransactionToPrimary() {
            sql("select * from t")
                    .in(SessionState.builder().autoCommit(false).build())
                    .routesTo(PRIMARY, RouteReason.TRANSACTION);
        }

        @Test
        void choosesAReplicaForTheFirstReadOfAReadOnlyTransaction() {
            sql("select * from t")
                    .in(SessionState.builder().autoCommit(false).readOnly(true).build())
                    .routesTo(REPLICA, RouteReason.READ_ONLY_TRANSACTION);
        }

        @Test
        void keepsAReadOnlyTransactionOnItsReplicaEvenWhenItFallsBehind() {
            RouteDecision d = sql("select * from t")
                    .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, Duration.ofMinutes(5)))
                    .in(SessionState.builder()
                            .autoCommit(false)
                            .readOnly(true)
                            .inTransactionOn(REPLICA_A)
                            .build())
                    .routesTo(REPLICA, RouteReason.READ_ONLY_TRANSACTION);
            assertThat(d.node()).isEqualTo(REPLICA_A);
        }

        @Test
        void letsCommitAndSetLocalFollowAReadOnlyTransactionToItsReplica() {
            SessionState s = SessionState.builder()
                    .autoCommit(false)
                    .readOnly(true)
                    .inTransactionOn(REPLICA_B)
                    .build();
            assertThat(sql("commit").in(s).routesTo(REPLICA).node()).isEqualTo(REPLICA_B);
            assertThat(sql("set local statement_timeout = 1000")
                            .in(s)
                            .routesTo(REPLICA)
                            .node())
                    .isEqualTo(REPLICA_B);
        }

        @Test
        void neverSendsAWriteOrLockingReadToTheReplicaOfAReadOnlyTransaction() {
            SessionState s = SessionState.builder()
                    .autoCommit(false)
                    .readOnly(true)
                    .inTransactionOn(REPLICA_B)
                    .build();
            sql("update t set a = 1").in(s).routesTo(PRIMARY, RouteReason.WRITE);
            sql("select * from t for update").in(s).routesTo(PRIMARY, RouteReason.LOCKING_READ);
            sql("select nextval('s')").in(s).routesTo(PRIMARY, RouteReason.SIDE_EFFECT_FUNCTION);
            sql("listen ch").in(s).routesTo(PRIMARY, RouteReason.SESSION_STATEMENT);
        }

        @Test
        void startsAReadOnlyTransactionOnThePrimaryWhenItsFirstStatementIsNotAPlainRead() {
            sql("select * from t for share")
                    .in(SessionState.builder().autoCommit(false).readOnly(true).build())
                    .routesTo(PRIMARY, RouteReason.LOCKING_READ);
        }

        @Test
        void routesBeginReadOnlyToAReplicaAndBeginToThePrimary() {
            sql("begin read only").routesTo(REPLICA, RouteReason.READ_ONLY_TRANSACTION);
            mysql("start transaction read only").routesTo(REPLICA, RouteReason.READ_ONLY_TRANSACTION);
            sql("begin").routesTo(PRIMARY, RouteReason.TRANSACTION_CONTROL);
            sql("begin isolation level serializable read only").routesTo(PRIMARY, RouteReason.TRANSACTION_CONTROL);
        }

        @Test
        void startsReadOnlyTransactionOnPrimaryWhenNoReplicaQualifies() {
            sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, Duration.ofMinutes(1)))
                    .in(SessionState.builder().autoCommit(false).readOnly(true).build())
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        }
    }

    @Nested
    class HintRules {
        @Test
        void primaryHintSendsAPlainReadToThePrimary() {
            sql("/* junction:primary */ select * from t").routesTo(PRIMARY, RouteReason.HINT_PRIMARY);
        }

        @Test
        void replicaHintNeverSendsAWriteToAReplica() {
            sql("/* junction:replica */ update t set a = 1").routesTo(PRIMARY, RouteReason.WRITE);
            sql("/* junction:replica */ select * from t for update").routesTo(PRIMARY, RouteReason.LOCKING_READ);
            sql("/* junction:replica consistency=eventual */ select nextval('s')")
                    .routesTo(PRIMARY, RouteReason.SIDE_EFFECT_FUNCTION);
        }

        @Test
        void replicaHintRelaxesStrongConsistency() {
            RoutingOptions strong = RoutingOptions.DEFAULTS.withReadConsistency(ReadConsistency.STRONG);
            sql("select * from t").options(strong).routesTo(PRIMARY, RouteReason.STRONG_CONSISTENCY);
            sql("/* junction:replica */ select * from t").options(strong).routesTo(REPLICA, RouteReason.HINT_REPLICA);
        }

        @Test
        void replicaHintWaivesReadYourWrites() {
            ReplicaRequirement nobodyCaughtUp = (replica, consistency, statement) -> false;
            sql("select * from t").requirement(nobodyCaughtUp).routesTo(NO_REPLICA, RouteReason.NO_REPLICA_BEHIND);
            sql("/* junction:replica */ select * from t")
                    .requirement(nobodyCaughtUp)
                    .routesTo(REPLICA, RouteReason.HINT_REPLICA);
        }

        @Test
        void replicaHintStillRespectsTheLagBudget() {
            sql("/* junction:replica */ select * from t")
                    .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, Duration.ofSeconds(3)))
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        }

        @Test
        void maxReplicaLagHintRelaxesAndTightensTheBudget() {
            NodeState twoSecondsBehind = NodeState.replica(REPLICA_A, Duration.ofSeconds(2));
            sql("select * from t")
                    .nodes(NodeState.primary(PRIMARY_NODE), twoSecondsBehind)
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
            sql("/* junction:maxReplicaLag=5s */ select * from t")
                    .nodes(NodeState.primary(PRIMARY_NODE), twoSecondsBehind)
                    .routesTo(REPLICA, RouteReason.REPLICA_READ);
            NodeState slightlyBehind = NodeState.replica(REPLICA_A, Duration.ofMillis(300));
            sql("/* junction:maxReplicaLag=100ms */ select * from t")
                    .nodes(NodeState.primary(PRIMARY_NODE), slightlyBehind)
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        }

        @Test
        void consistencyHintOverridesTheDataSourceSetting() {
            sql("/* junction:consistency=strong */ select * from t").routesTo(PRIMARY, RouteReason.STRONG_CONSISTENCY);
            ReplicaRequirement nobodyCaughtUp = (replica, consistency, statement) -> false;
            sql("/* junction:consistency=eventual */ select * from t")
                    .requirement(nobodyCaughtUp)
                    .routesTo(REPLICA, RouteReason.REPLICA_READ);
        }

        @Test
        void hintsDoNotOverrideTransactionsOrPins() {
            sql("/* junction:replica */ select * from t")
                    .in(SessionState.builder().autoCommit(false).build())
                    .routesTo(PRIMARY, RouteReason.TRANSACTION);
            sql("/* junction:primary */ select * from t")
                    .in(SessionState.builder()
                            .autoCommit(false)
                            .readOnly(true)
                            .inTransactionOn(REPLICA_A)
                            .build())
                    .routesTo(REPLICA, RouteReason.READ_ONLY_TRANSACTION);
        }
    }

    @Nested
    class Classifications {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "insert into t values (1)|WRITE",
                    "update t set a = 1|WRITE",
                    "delete from t|WRITE",
                    "with d as (delete from t returning *) select * from d|WRITE",
                    "select * into t2 from t|WRITE",
                    "create table t (a int)|DDL",
                    "vacuum t|UTILITY_WRITE",
                    "call p()|UTILITY_WRITE",
                    "frobnicate|UNKNOWN_STATEMENT",
                    "select 1; select 2|MULTI_STATEMENT",
                    "select * from t for update|LOCKING_READ",
                    "select nextval('s')|SIDE_EFFECT_FUNCTION",
                    "select my_function(1)|UNVERIFIED_FUNCTION",
                    "select pg_is_in_recovery()|NODE_SPECIFIC",
                    "set search_path = app|SESSION_STATEMENT",
                    "commit|TRANSACTION_CONTROL",
                    "explain update t set a = 1|WRITE"
                })
        void sendsEverythingButPlainReadsToThePrimaryWithAReason(String statement, RouteReason reason) {
            sql(statement).routesTo(PRIMARY, reason);
        }

        @Test
        void neverGivesANonEligibleStatementANoReplicaDecisionThatCouldLaterWaitForAReplica() {
            RoutingOptions waiting = RoutingOptions.DEFAULTS.withStaleReadFallback(StaleReadFallback.WAIT);
            for (String s : List.of("update t set a = 1", "select * from t for update", "select nextval('s')")) {
                sql(s).options(waiting)
                        .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, null))
                        .routesTo(PRIMARY);
            }
        }
    }

    @Nested
    class ReplicaChoice {
        @Test
        void routesAPlainReadToAFreshReplica() {
            assertThat(sql("select * from t")
                            .routesTo(REPLICA, RouteReason.REPLICA_READ)
                            .node())
                    .isIn(REPLICA_A, REPLICA_B);
        }

        @Test
        void skipsAReplicaBeyondTheLagBudget() {
            RouteDecision d = sql("select * from t")
                    .nodes(
                            NodeState.primary(PRIMARY_NODE),
                            NodeState.replica(REPLICA_A, Duration.ofSeconds(5)),
                            NodeState.replica(REPLICA_B, Duration.ofMillis(200)))
                    .routesTo(REPLICA);
            assertThat(d.node()).isEqualTo(REPLICA_B);
        }

        @Test
        void addsTheSnapshotAgeToTheStalenessBound() {
            NodeState replica = NodeState.replica(REPLICA_A, Duration.ofMillis(600));
            sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), replica)
                    .clockAt(T0.plusMillis(300))
                    .routesTo(REPLICA);
            sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), replica)
                    .clockAt(T0.plusMillis(500))
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        }

        @Test
        void treatsAnUnknownStalenessAsStale() {
            sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, null))
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        }

        @Test
        void skipsReplicasThatAreDown() {
            RouteDecision d = sql("select 1")
                    .nodes(
                            NodeState.primary(PRIMARY_NODE),
                            NodeState.replica(REPLICA_A, Duration.ZERO).withUp(false),
                            NodeState.replica(REPLICA_B, Duration.ZERO))
                    .routesTo(REPLICA);
            assertThat(d.node()).isEqualTo(REPLICA_B);
        }

        @Test
        void reportsWhenEveryReplicaIsDown() {
            sql("select 1")
                    .nodes(
                            NodeState.primary(PRIMARY_NODE),
                            NodeState.replica(REPLICA_A, Duration.ZERO).withUp(false))
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_DOWN);
        }

        @Test
        void neverChoosesANodeOfUnknownRole() {
            sql("select 1")
                    .nodes(
                            NodeState.primary(PRIMARY_NODE),
                            NodeState.of(REPLICA_A, NodeRole.UNKNOWN, true, Duration.ZERO, null))
                    .routesTo(PRIMARY, RouteReason.NO_REPLICAS_CONFIGURED);
        }

        @Test
        void sendsReadsToThePrimaryWhenTheClusterHasNoReplica() {
            sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE))
                    .routesTo(PRIMARY, RouteReason.NO_REPLICAS_CONFIGURED);
        }

        @Test
        void skipsReplicasThatHaveNotReplayedTheReadersWrites() {
            ReplicaRequirement onlyB =
                    (replica, consistency, statement) -> replica.id().equals(REPLICA_B);
            assertThat(sql("select 1").requirement(onlyB).routesTo(REPLICA).node())
                    .isEqualTo(REPLICA_B);
        }

        @Test
        void asksTheRequirementWithTheEffectiveConsistencyAndTheStatement() {
            List<String> calls = new ArrayList<>();
            ReplicaRequirement recording = (replica, consistency, statement) -> {
                calls.add(replica.id() + " " + consistency + " " + statement.tablesRead());
                return true;
            };
            sql("select * from orders").requirement(recording).balancer(FIRST).routesTo(REPLICA);
            assertThat(calls).containsExactly("pg2:5432 GLOBAL [orders]", "pg3:5432 GLOBAL [orders]");
            calls.clear();
            sql("/* junction:consistency=session */ select * from orders")
                    .requirement(recording)
                    .routesTo(REPLICA);
            assertThat(calls).allMatch(c -> c.contains("SESSION"));
        }

        @Test
        void neverAsksTheRequirementUnderEventualConsistency() {
            ReplicaRequirement exploding = (replica, consistency, statement) -> {
                throw new AssertionError("asked under eventual consistency");
            };
            sql("select 1")
                    .options(RoutingOptions.DEFAULTS.withReadConsistency(ReadConsistency.EVENTUAL))
                    .requirement(exploding)
                    .routesTo(REPLICA);
        }

        @Test
        void sendsReadsToThePrimaryUnderStrongConsistency() {
            sql("select 1")
                    .options(RoutingOptions.DEFAULTS.withReadConsistency(ReadConsistency.STRONG))
                    .routesTo(PRIMARY, RouteReason.STRONG_CONSISTENCY);
        }
    }

    @Nested
    class Fallback {
        private final NodeState lagging = NodeState.replica(REPLICA_A, Duration.ofSeconds(4));
        private final NodeState laggingMore = NodeState.replica(REPLICA_B, Duration.ofSeconds(9));

        @ParameterizedTest
        @CsvSource({"PRIMARY", "WAIT", "FAIL"})
        void appliesTheConfiguredStaleReadFallback(StaleReadFallback fallback) {
            RouteDecision d = sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), lagging, laggingMore)
                    .options(RoutingOptions.DEFAULTS.withStaleReadFallback(fallback))
                    .routesTo(NO_REPLICA, RouteReason.NO_REPLICA_STALE);
            assertThat(d.fallback()).isEqualTo(fallback);
            assertThat(d.runsOnPrimary()).isEqualTo(fallback == StaleReadFallback.PRIMARY);
        }

        @Test
        void namesTheLeastStaleReplicaAsTheOneToWaitFor() {
            RouteDecision d = sql("select 1")
                    .nodes(NodeState.primary(PRIMARY_NODE), laggingMore, lagging)
                    .options(RoutingOptions.DEFAULTS.withStaleReadFallback(StaleReadFallback.WAIT))
                    .routesTo(NO_REPLICA);
            assertThat(d.waitCandidate()).isEqualTo(REPLICA_A);
        }
    }

    @Nested
    class Balancing {
        private final TopologySnapshot threeNodes = TopologySnapshot.of(
                List.of(
                        NodeState.primary(PRIMARY_NODE),
                        NodeState.replica(REPLICA_A, Duration.ZERO),
                        NodeState.replica(REPLICA_B, Duration.ZERO)),
                0L);
        private final NodeLoads loads = new NodeLoads();
        private final RoutingPolicy policy = RoutingPolicy.create(() -> 1L, () -> new java.util.Random(5), loads);

        /** {@code statements} in flight on {@code node}, after one answered in {@code serviceMicros}. */
        private void busy(NodeId node, int statements, long serviceMicros) {
            NodeLoad load = loads.of(node);
            load.begin();
            load.end(serviceMicros * 1000, 0);
            for (int i = 0; i < statements; i++) {
                load.begin();
            }
        }

        private RouteDecision route(String sql, SessionState session, RoutingOptions options) {
            Classification c = StatementClassifier.create(Dialect.POSTGRESQL).classify(sql);
            return policy.route(new RoutingRequest(c, session, threeNodes, options, ReplicaRequirement.NONE));
        }

        @Test
        void usesTheStrategyNamedInTheOptions() {
            busy(REPLICA_A, 9, 100);
            busy(REPLICA_B, 1, 100);
            RoutingOptions leastBusy = RoutingOptions.DEFAULTS.withLoadBalance(LoadBalance.LEAST_BUSY);
            for (int i = 0; i < 5; i++) {
                assertThat(route("select 1", SessionState.autoCommitSession(), leastBusy)
                                .node())
                        .isEqualTo(REPLICA_B);
            }
        }

        @Test
        void primaryReadsNeverLeavesReadsOnTheReplicasHoweverBusy() {
            busy(REPLICA_A, 9, 100);
            busy(REPLICA_B, 9, 100);
            RouteDecision d = route(
                    "select 1",
                    SessionState.autoCommitSession(),
                    RoutingOptions.DEFAULTS.withLoadBalance(LoadBalance.LEAST_BUSY));
            assertThat(d.target()).isEqualTo(REPLICA);
        }

        @Test
        void primaryReadsWhenIdleTakesAReadOnlyWhileThePrimaryHasNothingInFlightAndTheReplicasHave() {
            RoutingOptions whenIdle = RoutingOptions.DEFAULTS.withPrimaryReads(PrimaryReads.WHEN_IDLE);
            assertThat(route("select 1", SessionState.autoCommitSession(), whenIdle)
                            .target())
                    .as("idle replicas keep the read")
                    .isEqualTo(REPLICA);
            busy(REPLICA_A, 1, 100);
            busy(REPLICA_B, 1, 100);
            RouteDecision spilled = route("select 1", SessionState.autoCommitSession(), whenIdle);
            assertThat(spilled.target()).isEqualTo(RouteTarget.PRIMARY);
            assertThat(spilled.reason()).isEqualTo(RouteReason.PRIMARY_HAS_ROOM);
            loads.of(PRIMARY_NODE).begin(); // a write in flight there
            assertThat(route("select 1", SessionState.autoCommitSession(), whenIdle)
                            .target())
                    .isEqualTo(REPLICA);
        }

        @Test
        void primaryReadsWeightedRanksThePrimaryWithItsWritesInFlight() {
            RoutingOptions weighted = RoutingOptions.DEFAULTS
                    .withLoadBalance(LoadBalance.LEAST_BUSY)
                    .withPrimaryReads(PrimaryReads.WEIGHTED);
            busy(REPLICA_A, 2, 100);
            busy(REPLICA_B, 2, 100);
            busy(PRIMARY_NODE, 0, 100);
            assertThat(route("select 1", SessionState.autoCommitSession(), weighted)
                            .target())
                    .isEqualTo(RouteTarget.PRIMARY);
            busy(PRIMARY_NODE, 3, 100); // writes: 4 x 100 us against 3 x 100 us on a replica
            assertThat(route("select 1", SessionState.autoCommitSession(), weighted)
                            .target())
                    .isEqualTo(REPLICA);
        }

        @Test
        void primaryReadsLeaveHintedAndTransactionReadsOnTheirReplica() {
            busy(REPLICA_A, 3, 100);
            busy(REPLICA_B, 3, 100);
            RoutingOptions whenIdle = RoutingOptions.DEFAULTS.withPrimaryReads(PrimaryReads.WHEN_IDLE);
            assertThat(route("/* junction:replica */ select 1", SessionState.autoCommitSession(), whenIdle)
                            .target())
                    .isEqualTo(REPLICA);
            assertThat(route(
                                    "select 1",
                                    SessionState.builder()
                                            .autoCommit(false)
                                            .readOnly(true)
                                            .build(),
                                    whenIdle)
                            .target())
                    .isEqualTo(REPLICA);
        }

        @Test
        void decidesTheSameWayForTheSameInputs() {
            TopologySnapshot topology = TopologySnapshot.of(
                    List.of(
                            NodeState.primary(PRIMARY_NODE),
                            NodeState.replica(REPLICA_A, Duration.ZERO),
                            NodeState.replica(REPLICA_B, Duration.ZERO)),
                    0L);
            Classification read = StatementClassifier.create(Dialect.POSTGRESQL).classify("select 1");
            RoutingRequest request = new RoutingRequest(
                    read,
                    SessionState.autoCommitSession(),
                    topology,
                    RoutingOptions.DEFAULTS.withLoadBalance(LoadBalance.ROUND_ROBIN),
                    ReplicaRequirement.NONE);
            List<NodeId> first = new ArrayList<>();
            List<NodeId> second = new ArrayList<>();
            RoutingPolicy p1 = RoutingPolicy.create(() -> 0L, () -> new java.util.Random(3));
            RoutingPolicy p2 = RoutingPolicy.create(() -> 0L, () -> new java.util.Random(3));
            for (int i = 0; i < 6; i++) {
                first.add(p1.route(request).node());
                second.add(p2.route(request).node());
            }
            assertThat(first)
                    .isEqualTo(second)
                    .containsExactly(REPLICA_A, REPLICA_B, REPLICA_A, REPLICA_B, REPLICA_A, REPLICA_B);
        }
    }
}
