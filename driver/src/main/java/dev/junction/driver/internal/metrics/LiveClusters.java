package dev.junction.driver.internal.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The clusters whose metrics are active in this JVM, and who wants to hear of them: the Micrometer binders. A cluster
 * enters with its first connection with {@code metrics=on} and leaves with its topology's release, so this holds
 * nothing nobody uses; a listener stays until it {@linkplain Subscription#close closes}.
 */
public final class LiveClusters {
    /** Told of clusters as they come and go. Called under this registry's own lock (no other lock of the driver is held); must not throw. */
    public interface Listener {
        void added(ClusterMetrics cluster);

        void removed(ClusterMetrics cluster);
    }

    /** A listener's subscription. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    // One lock orders additions against subscriptions, so that a listener hears of every cluster exactly once.
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final List<ClusterMetrics> CLUSTERS = new CopyOnWriteArrayList<>();
    private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();

    private LiveClusters() {}

    /** Subscribes {@code listener}, which first hears of every cluster active now. */
    public static Subscription subscribe(Listener listener) {
        LOCK.lock();
        try {
            LISTENERS.add(listener);
            for (ClusterMetrics cluster : CLUSTERS) {
                listener.added(cluster);
            }
        } finally {
            LOCK.unlock();
        }
        return () -> LISTENERS.remove(listener);
    }

    /** The clusters active now. */
    public static List<ClusterMetrics> active() {
        return List.copyOf(CLUSTERS);
    }

    static void added(ClusterMetrics cluster) {
        LOCK.lock();
        try {
            CLUSTERS.add(cluster);
            for (Listener listener : LISTENERS) {
                listener.added(cluster);
            }
        } finally {
            LOCK.unlock();
        }
    }

    static void removed(ClusterMetrics cluster) {
        LOCK.lock();
        try {
            if (CLUSTERS.remove(cluster)) {
                for (Listener listener : LISTENERS) {
                    listener.removed(cluster);
                }
            }
        } finally {
            LOCK.unlock();
        }
    }
}
