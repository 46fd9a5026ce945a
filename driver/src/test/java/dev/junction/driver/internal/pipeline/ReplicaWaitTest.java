package dev.junction.driver.internal.pipeline;

import static dev.junction.router.StaleReadFallback.FAIL;
import static dev.junction.router.StaleReadFallback.PRIMARY;
import static dev.junction.router.StaleReadFallback.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.Classification;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReadConsistency;
import dev.junction.router.RoutingOptions;
import dev.junction.router.StaleReadFallback;
import dev.junction.router.StatementKind;
import dev.junction.router.TopologySnapshot;
import dev.junction.router.replication.CommitInstants;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a read does when no replica qualifies, on a fake clock: the route step, the monitor and the replicas are a
 * script that logs every call and advances the clock only when the wait blocks.
 */
class ReplicaWaitTest {
    private static final long MS = 1_000_000L;
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final NodeId A = NodeId.of("a", 5432);
    private static final NodeId B = NodeId.of("b", 5432);

    private final Node primary = new Node(new HostAndPort("p", 5432), ProbedRole.PRIMARY);
    private final Node replicaA = new Node(new HostAndPort("a", 5432), ProbedRole.REPLICA);
    private final NoFreshReplicaError errors = new NoFreshReplicaError(
            "wait-test",
            RoutingOptions.DEFAULTS.withMaxReplicaLag(Duration.ofSeconds(1)),
            new SessionFreshness(new CommitInstants(), table -> true));
    private final Classification read =
            Classification.builder(StatementKind.READ).build();
    private long now = 1_000 * MS;
    private final Script script = new Script();
    private int clockReads;
    private final ReplicaWait wait = new ReplicaWait(TIMEOUT, () -> {
        clockReads++;
        return now;
    });

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static TopologySnapshot snapshot(long takenAtNanos, Duration boundOfA) {
        return TopologySnapshot.of(
                List.of(
                        NodeState.primary(NodeId.of("p", 5432)),
                        NodeState.replica(A, boundOfA),
                        NodeState.replica(B, Duration.ZERO).withUp(false)),
                takenAtNanos);
    }

    /** A replica too stale for the lag budget: only a newer snapshot can change that. */
    private ReplicaWait.Shortfall stale(StaleReadFallback fallback) {
        return new ReplicaWait.Shortfall(script.snapshot, Map.of(), fallback, false, A, OptionalLong.empty(), true);
    }

    /** A replica within the budget but behind on the session's commits. */
    private ReplicaWait.Shortfall behind(StaleReadFallback fallback) {
        return new ReplicaWait.Shortfall(script.snapshot, Map.of(), fallback, true, A, OptionalLong.empty(), true);
    }

    /** The session's last commit, at {@code committedAt}, is in no probe of the primary yet. */
    private ReplicaWait.Shortfall unlocated(StaleReadFallback fallback, long committedAt) {
        return new ReplicaWait.Shortfall(
                script.snapshot, Map.of(), fallback, true, A, OptionalLong.of(committedAt), true);
    }

    private Node after(ReplicaWait.Shortfall first) throws SQLException {
        return wait.after(first, script, script);
    }

    @Test
    void fallbackPrimaryReadsOnThePrimaryAtOnceWithoutReadingTheClock() throws SQLException {
        script.routes = () -> stale(PRIMARY);
        assertThat(after(stale(PRIMARY))).isSameAs(primary);
        assertThat(script.log).containsExactly("primary");
        assertThat(clockReads).isZero();
    }

    @Test
    void fallbackPrimaryAsksAReplicaBehindOnTheSessionsCommitsOnceBeforeReadingOnThePrimary() throws SQLException {
        script.routes = () -> behind(PRIMARY);
        assertThat(after(behind(PRIMARY))).isSameAs(primary);
        assertThat(script.log).containsExactly("ask a", "primary");
        assertThat(clockReads).isZero();
    }

    @Test
    void anAnswerFromTheClosestReplicaThatIsNewsRoutesAgainAtOnce() throws SQLException {
        script.askIsNews = true;
        script.routes = () -> new ReplicaWait.Routed(replicaA);
        assertThat(after(behind(FAIL))).isSameAs(replicaA);
        assertThat(script.log).containsExactly("ask a", "route");
        assertThat(clockReads).isZero();
    }

    @Test
    void waitReturnsTheReplicaAsSoonAsANewerSnapshotQualifiesIt() throws SQLException {
        script.publishAt = now + 30 * MS;
        script.routes = () ->
                script.snapshot.takenAtNanos() == script.publishAt ? new ReplicaWait.Routed(replicaA) : stale(WAIT);
        long start = now;
        assertThat(after(stale(WAIT))).isSameAs(replicaA);
        assertThat(script.log).containsExactly("await snapshot 200 ms", "route");
        assertThat(now - start).isEqualTo(30 * MS);
    }

    @Test
    void waitGivesUpAtExactlyReplicaWaitTimeoutAndReadsOnThePrimary() throws SQLException {
        script.routes = () -> stale(WAIT);
        long start = now;
        assertThat(after(stale(WAIT))).isSameAs(primary);
        assertThat(script.log).containsExactly("await snapshot 200 ms", "route", "primary");
        assertThat(now - start).isEqualTo(TIMEOUT.toNanos());
    }

    @Test
    void waitPollsAReplicaBehindOnTheSessionsCommitsEveryFiveMillisecondsUntilTheTimeout() throws SQLException {
        script.routes = () -> behind(WAIT);
        long start = now;
        assertThat(after(behind(WAIT))).isSameAs(primary);
        assertThat(script.log).filteredOn("await snapshot 5 ms"::equals).hasSize(40);
        assertThat(script.log).doesNotContain("await snapshot 200 ms");
        assertThat(now - start).isEqualTo(TIMEOUT.toNanos());
    }

    @Test
    void countsAReadYourWritesWaitWithItsDurationAndAStaleReplicaWaitApart() throws SQLException {
        ClusterMetrics metrics = new ClusterTopology("wait-test", BackendDialect.POSTGRESQL, List.of()).metrics();
        ReplicaWait counted = new ReplicaWait(TIMEOUT, () -> now, metrics);
        script.routes = () -> behind(WAIT);
        counted.after(behind(WAIT), script, script);
        script.routes = () -> stale(WAIT);
        counted.after(stale(WAIT), script, script);
        script.routes = () -> stale(PRIMARY);
        counted.after(stale(PRIMARY), script, script); // falls back at once: no wait

        assertThat(metrics.readYourWritesWaits()).isEqualTo(1);
        assertThat(metrics.readYourWritesWaitNanos()).isEqualTo(TIMEOUT.toNanos());
        assertThat(metrics.staleReplicaWaits()).isEqualTo(1);
        assertThat(metrics.staleReplicaWaitNanos()).isEqualTo(TIMEOUT.toNanos());
    }

    @Test
    void waitLetsTheReplicaWaitInsideTheServerWhereItCan() throws SQLException {
        script.insideWaitReaches = true;
        script.routes =
                () -> script.log.contains("await inside a 200 ms") ? new ReplicaWait.Routed(replicaA) : behind(WAIT);
        assertThat(after(behind(WAIT))).isSameAs(replicaA);
        assertThat(script.log).containsExactly("ask a", "await inside a 200 ms", "route");
    }

    @Test
    void theClosestReplicaIsAskedOnlyOncePerRoundOfWaiting() throws SQLException {
        script.askIsNews = true;
        script.routes = () -> behind(WAIT);
        Duration tenMs = Duration.ofMillis(10);
        Node node = new ReplicaWait(tenMs, () -> now).after(behind(WAIT), script, script);
        assertThat(node).isSameAs(primary);
        assertThat(script.log)
                .containsExactly(
                        "ask a",
                        "route",
                        "await inside a 10 ms",
                        "await snapshot 5 ms",
                        "route",
                        "ask a",
                        "route",
                        "await inside a 5 ms",
                        "await snapshot 5 ms",
                        "route",
                        "ask a",
                        "route",
                        "primary");
    }

    @Test
    void failThrowsNoFreshReplicaAtOnceForAStaleReplica() {
        script.routes = () -> stale(FAIL);
        SQLException e = catchThrowableOfType(() -> after(stale(FAIL)), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("08004");
        assertThat(e.getMessage()).contains("No replica of wait-test", "a:5432 staleness 3000 ms", "b:5432 down");
        assertThat(script.log).isEmpty();
        assertThat(clockReads).isZero();
    }

    @Test
    void failThrowsNoFreshReplicaAfterTheDeadlineForAnUnlocatedCommit() {
        long committedAt = now - 7 * MS;
        script.routes = () -> unlocated(FAIL, committedAt);
        long start = now;
        SQLException e = catchThrowableOfType(() -> after(unlocated(FAIL, committedAt)), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("08004");
        assertThat(e.getMessage()).contains("a:5432 staleness 3000 ms", "b:5432 down", "has not been located yet");
        assertThat(script.log).containsExactly("probe primary", "await snapshot 200 ms", "route", "probe primary");
        assertThat(now - start).isEqualTo(TIMEOUT.toNanos());
    }

    @Test
    void anUnlocatedCommitRequestsAPrimaryProbeAndReadsOnThePrimaryUnderFallbackPrimary() throws SQLException {
        script.routes = () -> unlocated(PRIMARY, now);
        assertThat(after(unlocated(PRIMARY, now))).isSameAs(primary);
        assertThat(script.log).containsExactly("probe primary", "primary");
        assertThat(clockReads).isZero();
    }

    @Test
    void anUnlocatedCommitUnderWaitRoutesAgainOnceTheProbedPrimaryLocatesIt() throws SQLException {
        script.publishAt = now + 2 * MS;
        script.routes = () -> script.snapshot.takenAtNanos() == script.publishAt
                ? new ReplicaWait.Routed(replicaA)
                : unlocated(WAIT, now);
        assertThat(after(unlocated(WAIT, now))).isSameAs(replicaA);
        assertThat(script.log).containsExactly("probe primary", "await snapshot 200 ms", "route");
    }

    @Test
    void anInterruptedWaitRestoresTheInterruptFlagAndReadsOnThePrimary() throws SQLException {
        script.interrupted = true;
        script.routes = () -> stale(WAIT);
        assertThat(after(stale(WAIT))).isSameAs(primary);
        assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        assertThat(script.log).containsExactly("await snapshot 200 ms", "primary");
    }

    @Test
    void anInterruptedWaitForAnUnlocatedCommitReadsOnThePrimaryEvenUnderFail() throws SQLException {
        script.interrupted = true;
        script.routes = () -> unlocated(FAIL, now);
        assertThat(after(unlocated(FAIL, now))).isSameAs(primary);
        assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
    }

    @Test
    void withoutAMonitorWaitReadsOnThePrimaryAtOnce() throws SQLException {
        ReplicaWait.Shortfall unmonitored =
                new ReplicaWait.Shortfall(script.snapshot, Map.of(), WAIT, true, A, OptionalLong.empty(), false);
        assertThat(after(unmonitored)).isSameAs(primary);
        assertThat(script.log).containsExactly("primary");
        assertThat(clockReads).isZero();
    }

    /** The route step, the monitor and the replicas: logs each call; only the waits move the clock. */
    private final class Script implements ReplicaWait.Route, ReplicaWait.CatchUp {
        final List<String> log = new ArrayList<>();
        TopologySnapshot snapshot = snapshot(now, Duration.ofSeconds(3));
        /** When the monitor publishes a snapshot in which a is fresh; none by default. */
        long publishAt = Long.MAX_VALUE;
        /** What routing again comes to. */
        java.util.function.Supplier<ReplicaWait.Outcome> routes;

        boolean askIsNews;
        boolean insideWaitReaches;
        boolean interrupted;

        @Override
        public ReplicaWait.Outcome route() {
            log.add("route");
            return routes.get();
        }

        @Override
        public Node primary() {
            log.add("primary");
            return ReplicaWaitTest.this.primary;
        }

        @Override
        public SQLException noFreshReplica(ReplicaWait.Shortfall shortfall) {
            return errors.of(
                    read,
                    ReadConsistency.SESSION,
                    shortfall.snapshot(),
                    shortfall.positions(),
                    null,
                    shortfall.unlocated());
        }

        @Override
        public void requestPrimaryProbe() {
            log.add("probe primary");
        }

        @Override
        public boolean askReplica(NodeId candidate, TopologySnapshot seen) {
            log.add("ask " + candidate.host());
            return askIsNews;
        }

        @Override
        public boolean awaitInsideReplica(NodeId candidate, long timeoutNanos) {
            log.add("await inside " + candidate.host() + " " + timeoutNanos / MS + " ms");
            return insideWaitReaches;
        }

        @Override
        public void awaitNewerSnapshot(TopologySnapshot seen, long timeoutNanos) throws InterruptedException {
            log.add("await snapshot " + timeoutNanos / MS + " ms");
            if (interrupted) {
                throw new InterruptedException();
            }
            if (publishAt <= now + timeoutNanos) {
                now = publishAt;
                snapshot = snapshot(publishAt, Duration.ZERO);
            } else {
                now += timeoutNanos;
            }
        }
    }
}
