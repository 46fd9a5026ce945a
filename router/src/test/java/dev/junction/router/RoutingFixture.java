package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads like the rule it checks: {@code sql("select * from t for update").routesTo(PRIMARY)}.
 * Defaults: PostgreSQL, an auto-commit session, a primary and two fresh replicas, the documented
 * routing options, a ticker standing at the snapshot's instant. Instants are turned into ticker
 * nanoseconds counted from {@link #T0}.
 */
final class RoutingFixture {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final NodeId PRIMARY_NODE = NodeId.of("pg1", 5432);
    static final NodeId REPLICA_A = NodeId.of("pg2", 5432);
    static final NodeId REPLICA_B = NodeId.of("pg3", 5432);

    private static final StatementClassifier POSTGRES = StatementClassifier.create(Dialect.POSTGRESQL);
    private static final StatementClassifier MYSQL = StatementClassifier.create(Dialect.MYSQL);

    private Classification classification;
    private final String sql;
    private SessionState session = SessionState.autoCommitSession();
    private List<NodeState> nodes = new ArrayList<>(List.of(
            NodeState.primary(PRIMARY_NODE),
            NodeState.replica(REPLICA_A, Duration.ZERO),
            NodeState.replica(REPLICA_B, Duration.ZERO)));
    private Instant snapshotAt = T0;
    private RoutingOptions options = RoutingOptions.DEFAULTS;
    private ReplicaRequirement requirement = ReplicaRequirement.NONE;
    private Instant now = T0;
    private LoadBalancer balancer;

    private RoutingFixture(String sql, Classification classification) {
        this.sql = sql;
        this.classification = classification;
    }

    static RoutingFixture sql(String sql) {
        return new RoutingFixture(sql, POSTGRES.classify(sql));
    }

    static RoutingFixture mysql(String sql) {
        return new RoutingFixture(sql, MYSQL.classify(sql));
    }

    static RoutingFixture statement(Classification c) {
        return new RoutingFixture(c.toString(), c);
    }

    RoutingFixture in(SessionState s) {
        session = s;
        return this;
    }

    RoutingFixture nodes(NodeState... n) {
        nodes = new ArrayList<>(List.of(n));
        return this;
    }

    RoutingFixture snapshotTakenAt(Instant at) {
        snapshotAt = at;
        return this;
    }

    RoutingFixture clockAt(Instant at) {
        now = at;
        return this;
    }

    RoutingFixture options(RoutingOptions o) {
        options = o;
        return this;
    }

    RoutingFixture requirement(ReplicaRequirement r) {
        requirement = r;
        return this;
    }

    RoutingFixture balancer(LoadBalancer b) {
        balancer = b;
        return this;
    }

    Classification classification() {
        return classification;
    }

    RouteDecision decision() {
        RoutingPolicy policy = balancer == null
                ? RoutingPolicy.create(() -> ticks(now), () -> new java.util.Random(7))
                : RoutingPolicy.withBalancer(() -> ticks(now), balancer);
        return policy.route(new RoutingRequest(
                classification, session, TopologySnapshot.of(nodes, ticks(snapshotAt)), options, requirement));
    }

    /** {@code at} on the policy's ticker. */
    static long ticks(Instant at) {
        return Duration.between(T0, at).toNanos();
    }

    /** Asserts the target and returns the decision for further checks. */
    RouteDecision routesTo(RouteTarget target) {
        RouteDecision d = decision();
        assertThat(d.target()).as("%s -> %s (%s)", sql, d, classification).isEqualTo(target);
        return d;
    }

    RouteDecision routesTo(RouteTarget target, RouteReason reason) {
        RouteDecision d = routesTo(target);
        assertThat(d.reason()).as("%s -> %s (%s)", sql, d, classification).isEqualTo(reason);
        return d;
    }
}
