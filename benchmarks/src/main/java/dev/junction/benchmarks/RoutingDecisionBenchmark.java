package dev.junction.benchmarks;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.NodeId;
import dev.junction.router.NodeState;
import dev.junction.router.ReplicaRequirement;
import dev.junction.router.RouteDecision;
import dev.junction.router.RoutingOptions;
import dev.junction.router.RoutingPolicy;
import dev.junction.router.RoutingRequest;
import dev.junction.router.SessionState;
import dev.junction.router.StatementClassifier;
import dev.junction.router.TopologySnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link RoutingPolicy#route} alone costs once a statement is classified: a read routed to one of two
 * replicas (consistency {@code global}, lag budget checked, round-robin balancer), and a write routed to the
 * primary. Baseline in the same run: {@code baselineRoundRobin}, the least any read/write splitter does (pick
 * the next replica from a list). The wrapper-overhead benchmark measures routing together with everything
 * around it; this one isolates the decision.
 *
 * <p>Run: {@code java -jar benchmarks/target/junction-benchmarks.jar RoutingDecisionBenchmark -f 1 -wi 5 -i 5 -w 1s -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingDecisionBenchmark {
    private final RoutingPolicy policy = RoutingPolicy.create();
    private RoutingRequest read;
    private RoutingRequest write;
    private List<NodeId> replicas;
    private int next;

    @Setup(Level.Trial)
    public void classify() {
        StatementClassifier classifier = StatementClassifier.create(Dialect.POSTGRESQL);
        Classification select = classifier.classify("select v from bench_kv where id = ?");
        Classification update = classifier.classify("update bench_kv set v = ? where id = ?");
        NodeId primary = NodeId.of("pg1", 5432);
        replicas = List.of(NodeId.of("pg2", 5432), NodeId.of("pg3", 5432));
        // stamped a day ahead on the policy's ticker so that its age never eats the lag budget while the benchmark runs
        TopologySnapshot topology = TopologySnapshot.of(
                List.of(
                        NodeState.primary(primary),
                        NodeState.replica(replicas.get(0), Duration.ZERO),
                        NodeState.replica(replicas.get(1), Duration.ZERO)),
                System.nanoTime() + Duration.ofDays(1).toNanos());
        SessionState session = SessionState.builder().build();
        read = new RoutingRequest(select, session, topology, RoutingOptions.DEFAULTS, ReplicaRequirement.NONE);
        write = new RoutingRequest(update, session, topology, RoutingOptions.DEFAULTS, ReplicaRequirement.NONE);
        if (policy.route(read).node() == null || !policy.route(write).runsOnPrimary()) {
            throw new IllegalStateException("expected the read on a replica and the write on the primary");
        }
    }

    @Benchmark
    public RouteDecision routeRead() {
        return policy.route(read);
    }

    @Benchmark
    public RouteDecision routeWrite() {
        return policy.route(write);
    }

    @Benchmark
    public NodeId baselineRoundRobin() {
        next = next + 1 == replicas.size() ? 0 : next + 1;
        return replicas.get(next);
    }
}
