package dev.junction.driver.internal.monitor;

import java.time.Duration;
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
            release(Duration.ZERO);
        }

        /**
         * Releases this share; when it was the last one, the monitor stops after {@code grace} unless someone
         * acquires it again meanwhile. Connections opened through {@code DriverManager} one at a time (a script, a
         * request per connection) would otherwise start and stop a monitor, with its first probe round, every time.
         */
        public void release(Duration grace) {
            TopologyMonitor toClose = null;
            LOCK.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                Entry entry = MONITORS.get(key);
                if (entry != null && --entry.users == 0) {
                    if (grace.isZero()) {
                        MONITORS.remove(key);
                        toClose = entry.monitor;
                    } else {
                        entry.monitor.runLater(() -> closeIfUnused(key, entry), grace);
                    }
                }
            } finally {
                LOCK.unlock();
            }
            if (toClose != null) {
                toClose.close();
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

    private static void closeIfUnused(String key, Entry entry) {
        LOCK.lock();
        try {
            if (entry.users != 0 || MONITORS.get(key) != entry) {
                return;
            }
            MONITORS.remove(key);
        } finally {
            LOCK.unlock();
        }
        entry.monitor.close();
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
