package dev.junction.driver.metrics;

import dev.junction.driver.internal.metrics.ClusterMetrics;
import dev.junction.driver.internal.metrics.LiveClusters;
import dev.junction.driver.internal.metrics.RoutedTo;
import dev.junction.router.RouteReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds every Junction cluster of this JVM, those in use now and those used later, to a Micrometer registry:
 * {@code new JunctionMeterBinder().bindTo(registry)}, or a Spring bean of this type. Each cluster (cluster URL and
 * user, tags {@code cluster} and {@code user}) gets:
 *
 * <ul>
 *   <li>{@code junction.statements} (function counter, tags {@code target}: {@code primary}, {@code replica},
 *       {@code fallback}; {@code reason}: a {@link RouteReason});</li>
 *   <li>{@code junction.ryw.waits} and {@code junction.replica.stale.waits} (function timers: count and total time);</li>
 *   <li>{@code junction.pins} (tag {@code cause}) and {@code junction.errors} (tag {@code sqlstate}), a counter per key
 *       as keys appear;</li>
 *   <li>{@code junction.classifier.cache.hits}, {@code .misses}, {@code junction.classifier.parse.failures};</li>
 *   <li>{@code junction.transactions.optimistic} (started on a replica), {@code junction.transactions.moved},
 *       {@code junction.transactions.move.conflicts};</li>
 *   <li>{@code junction.sync.waits} (function timer, tag {@code mode}), {@code junction.sync.timeouts} (tag
 *       {@code mode}), {@code junction.sync.degraded}, {@code junction.sync.server.confirmed}, and the gauge
 *       {@code junction.sync.degraded.modes} (write sync modes degraded now by {@code syncTimeoutAction=degrade});</li>
 *   <li>{@code junction.replica.staleness} (time gauge per node, tag {@code node}; NaN when the node is not a replica
 *       or its bound is unknown).</li>
 * </ul>
 *
 * A cluster's meters are removed from the registry when its last connection is gone. This is the only class of the
 * driver that references Micrometer, which the application brings: the driver declares it optional.
 */
public final class JunctionMeterBinder implements MeterBinder, AutoCloseable {
    private final List<LiveClusters.Subscription> subscriptions = new ArrayList<>();

    /** A binder; {@link #bindTo} binds it. */
    public JunctionMeterBinder() {}

    @Override
    public void bindTo(MeterRegistry registry) {
        LiveClusters.Subscription subscription = LiveClusters.subscribe(new Binding(registry));
        synchronized (subscriptions) {
            subscriptions.add(subscription);
        }
    }

    /** Stops adding meters for clusters used from now on; meters already registered stay until their cluster goes. */
    @Override
    public void close() {
        synchronized (subscriptions) {
            subscriptions.forEach(LiveClusters.Subscription::close);
            subscriptions.clear();
        }
    }

    /** One registry's meters, per cluster. */
    private static final class Binding implements LiveClusters.Listener {
        private final MeterRegistry registry;
        private final Map<ClusterMetrics, List<Meter>> meters = new ConcurrentHashMap<>();

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void added(ClusterMetrics cluster) {
            List<Meter> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
            meters.put(cluster, bound);
            bind(cluster, bound);
        }

        @Override
        public void removed(ClusterMetrics cluster) {
            List<Meter> bound = meters.remove(cluster);
            if (bound != null) {
                bound.forEach(registry::remove);
            }
        }

        private void bind(ClusterMetrics cluster, List<Meter> bound) {
            Tags tags = Tags.of("cluster", cluster.cluster(), "user", cluster.user() == null ? "" : cluster.user());
            bindRoutesAndWaits(cluster, tags, bound);
            bindSync(cluster, tags, bound);
            bindCounters(cluster, tags, bound);
            for (String node : cluster.nodeAddresses()) {
                bound.add(TimeGauge.builder(
                                "junction.replica.staleness",
                                cluster,
                                TimeUnit.MILLISECONDS,
                                c -> c.stalenessMillis(node))
                        .tags(tags)
                        .tag("node", node)
                        .description("The replica's staleness bound as the monitor last measured it")
                        .register(registry));
            }
            Map<String, List<String>> seen = cluster.listenToKeys((counter, key) -> {
                if (meters.get(cluster) == bound) {
                    keyed(bound, cluster, tags, counter, key);
                }
            });
            seen.forEach((counter, keys) -> keys.forEach(key -> keyed(bound, cluster, tags, counter, key)));
        }

        private void bindRoutesAndWaits(ClusterMetrics cluster, Tags tags, List<Meter> bound) {
            for (RoutedTo to : RoutedTo.values()) {
                for (RouteReason reason : RouteReason.values()) {
                    bound.add(FunctionCounter.builder("junction.statements", cluster, c -> c.routes(to, reason))
                            .tags(tags)
                            .tag("target", to.label())
                            .tag("reason", reason.name())
                            .description("Statements routed, by where they ran and why")
                            .register(registry));
                }
            }
            bound.add(FunctionTimer.builder(
                            "junction.ryw.waits",
                            cluster,
                            ClusterMetrics::readYourWritesWaits,
                            ClusterMetrics::readYourWritesWaitNanos,
                            TimeUnit.NANOSECONDS)
                    .tags(tags)
                    .description("Reads that waited for a replica to replay the commits they must see")
                    .register(registry));
            bound.add(FunctionTimer.builder(
                            "junction.replica.stale.waits",
                            cluster,
                            ClusterMetrics::staleReplicaWaits,
                            ClusterMetrics::staleReplicaWaitNanos,
                            TimeUnit.NANOSECONDS)
                    .tags(tags)
                    .description("Reads that waited for a stale or down replica (staleReadFallback=wait)")
                    .register(registry));
        }

        private void bindSync(ClusterMetrics cluster, Tags tags, List<Meter> bound) {
            for (String mode : ClusterMetrics.SYNC_MODES) {
                bound.add(FunctionTimer.builder(
                                "junction.sync.waits",
                                cluster,
                                c -> c.syncWaits(mode),
                                c -> c.syncWaitNanos(mode),
                                TimeUnit.NANOSECONDS)
                        .tags(tags)
                        .tag("mode", mode)
                        .description("Commits that waited for the replicas their syncMode requires")
                        .register(registry));
                bound.add(FunctionCounter.builder("junction.sync.timeouts", cluster, c -> c.syncTimeouts(mode))
                        .tags(tags)
                        .tag("mode", mode)
                        .description("Commits too few replicas confirmed within syncTimeout")
                        .register(registry));
            }
            counter(bound, "junction.sync.degraded", cluster, tags, ClusterMetrics::syncDegradations);
            bound.add(io.micrometer.core.instrument.Gauge.builder(
                            "junction.sync.degraded.modes",
                            cluster,
                            c -> c.degradedSyncModes().size())
                    .tags(tags)
                    .description("Write sync modes degraded now by syncTimeoutAction=degrade")
                    .register(registry));
            counter(bound, "junction.sync.server.confirmed", cluster, tags, ClusterMetrics::syncConfirmationsByServer);
        }

        private void bindCounters(ClusterMetrics cluster, Tags tags, List<Meter> bound) {
            counter(bound, "junction.failover.primary.changes", cluster, tags, ClusterMetrics::primaryChanges);
            counter(
                    bound,
                    "junction.classifier.cache.hits",
                    cluster,
                    tags,
                    c -> c.classifier().cacheHits());
            counter(
                    bound,
                    "junction.classifier.cache.misses",
                    cluster,
                    tags,
                    c -> c.classifier().classified());
            counter(
                    bound,
                    "junction.classifier.parse.failures",
                    cluster,
                    tags,
                    c -> c.classifier().parseFailures());
            counter(
                    bound,
                    "junction.transactions.optimistic",
                    cluster,
                    tags,
                    c -> c.moves().started());
            counter(
                    bound,
                    "junction.transactions.moved",
                    cluster,
                    tags,
                    c -> c.moves().moved());
            counter(
                    bound,
                    "junction.transactions.move.conflicts",
                    cluster,
                    tags,
                    c -> c.moves().conflicts());
            counter(
                    bound,
                    "junction.transactions.replayed",
                    cluster,
                    tags,
                    c -> c.moves().failoverReplays());
            counter(
                    bound,
                    "junction.transactions.replay.refused",
                    cluster,
                    tags,
                    c -> c.moves().failoverReplaysRefused());
        }

        private void keyed(List<Meter> bound, ClusterMetrics cluster, Tags tags, String counter, String key) {
            boolean pins = ClusterMetrics.PINS.equals(counter);
            bound.add(FunctionCounter.builder(
                            pins ? "junction.pins" : "junction.errors", cluster, c -> c.keyed(counter, key))
                    .tags(tags)
                    .tag(pins ? "cause" : "sqlstate", key)
                    .register(registry));
        }

        private void counter(
                List<Meter> bound,
                String name,
                ClusterMetrics cluster,
                Tags tags,
                ToDoubleFunction<ClusterMetrics> count) {
            bound.add(FunctionCounter.builder(name, cluster, count).tags(tags).register(registry));
        }
    }
}
