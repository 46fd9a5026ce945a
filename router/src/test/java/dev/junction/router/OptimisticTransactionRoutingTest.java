package dev.junction.router;

import static dev.junction.router.RouteTarget.PRIMARY;
import static dev.junction.router.RouteTarget.REPLICA;
import static dev.junction.router.RoutingFixture.PRIMARY_NODE;
import static dev.junction.router.RoutingFixture.REPLICA_A;
import static dev.junction.router.RoutingFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Design §2 rule 2 for transactions not declared read-only that the driver lets start optimistically. */
class OptimisticTransactionRoutingTest {
    private static final SessionState OPTIMISTIC =
            SessionState.builder().autoCommit(false).optimisticStart(true).build();

    @Test
    void startsATransactionWhoseFirstStatementIsAPlainReadOnAReplica() {
        sql("select * from t where id = 1").in(OPTIMISTIC).routesTo(REPLICA, RouteReason.OPTIMISTIC_TRANSACTION);
    }

    @Test
    void startsOnThePrimaryWhenTheFirstStatementIsNotAPlainRead() {
        sql("update t set a = 1").in(OPTIMISTIC).routesTo(PRIMARY, RouteReason.TRANSACTION);
        sql("select * from t for update").in(OPTIMISTIC).routesTo(PRIMARY, RouteReason.TRANSACTION);
        sql("select nextval('s')").in(OPTIMISTIC).routesTo(PRIMARY, RouteReason.TRANSACTION);
    }

    @Test
    void startsOnThePrimaryWithoutAnOptimisticStart() {
        sql("select * from t")
                .in(SessionState.builder().autoCommit(false).build())
                .routesTo(PRIMARY, RouteReason.TRANSACTION);
    }

    @Test
    void fallsBackToThePrimaryRatherThanWaitOrFailWhenNoReplicaQualifies() {
        RoutingOptions failing = RoutingOptions.DEFAULTS.withStaleReadFallback(StaleReadFallback.FAIL);
        RouteDecision d = sql("select * from t")
                .options(failing)
                .nodes(NodeState.primary(PRIMARY_NODE), NodeState.replica(REPLICA_A, Duration.ofMinutes(5)))
                .in(OPTIMISTIC)
                .routesTo(RouteTarget.NO_REPLICA, RouteReason.NO_REPLICA_STALE);
        assertThat(d.fallback()).isEqualTo(StaleReadFallback.PRIMARY);
        assertThat(d.runsOnPrimary()).isTrue();
    }

    @Test
    void keepsSerializableOnPostgresAndPinsOnThePrimary() {
        sql("select * from t")
                .in(SessionState.builder()
                        .autoCommit(false)
                        .optimisticStart(true)
                        .serializableOnPostgres(true)
                        .build())
                .routesTo(PRIMARY, RouteReason.SERIALIZABLE_ISOLATION);
        sql("select * from t")
                .in(SessionState.builder()
                        .autoCommit(false)
                        .optimisticStart(true)
                        .pinnedBecause(PinReason.TEMPORARY_TABLE)
                        .build())
                .routesTo(PRIMARY, RouteReason.PINNED);
    }

    @Test
    void sendsAStatementThatCannotFollowAnOptimisticTransactionToThePrimary() {
        SessionState onA = SessionState.builder()
                .autoCommit(false)
                .inTransactionOn(REPLICA_A)
                .build();
        assertThat(sql("select * from t").in(onA).routesTo(REPLICA).node()).isEqualTo(REPLICA_A);
        sql("update t set a = 1").in(onA).routesTo(PRIMARY, RouteReason.WRITE);
        sql("select * from t for update").in(onA).routesTo(PRIMARY, RouteReason.LOCKING_READ);
        assertThat(sql("commit").in(onA).routesTo(REPLICA).node()).isEqualTo(REPLICA_A);
    }
}
