package dev.junction.driver.internal.monitor;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One {@link TopologyMonitor} per cluster per JVM, shared by every data source and connection that uses the
 * cluster, and stopped when the last of them lets go: monitors are never leaked and never duplicated.
 */
public final class SharedMonitors {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, Entry> MONITORS = new HashMap<>();

    private SharedMonitors() {
    }

    /** A handle on a shared monitor; closing it releases this user's share. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final TopologyMonitor monitor;
        private boolean released;

        private Lease(String key, TopologyMonitor monitor) {
            this.key = key;
            this.monitor = monitor;
        }

        public TopologyMonitor monitor() {
            return monitor;
        }

        @Override
        public void close() {
            LOCK.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                Entry entry = MONITORS.get(key);
                if (entry != null && --entry.users == 0) {
                    MONITORS.remove(key);
                    entry.monitor.close();
                }
            } finally {
                LOCK.unlock();
            }
        }
    }

    /**
     * The monitor for {@code clusterKey}, created and started by {@code factory} if no one uses it yet.
     * The first caller pays the first probe round (roles are discovered before the first statement).
     */
    public static Lease acquire(String clusterKey, Supplier<TopologyMonitor> factory) {
        LOCK.lock();
        try {
            Entry entry = MONITORS.get(clusterKey);
            if (entry == null) {
                TopologyMonitor monitor = factory.get();
                monitor.start();
                entry = new Entry(monitor);
                MONITORS.put(clusterKey, entry);
            }
            entry.users++;
            return new Lease(clusterKey, entry.monitor);
        } finally {
            LOCK.unlock();
        }
    }

    /** How many clusters are monitored now; for tests that check nothing leaks. */
    public static int activeCount() {
        LOCK.lock();
        try {
            return MONITORS.size();
        } finally {
            LOCK.unlock();
        }
    }

    private static final class Entry {
        private final TopologyMonitor monitor;
        private int users;

        private Entry(TopologyMonitor monitor) {
            this.monitor = monitor;
        }
    }
}
