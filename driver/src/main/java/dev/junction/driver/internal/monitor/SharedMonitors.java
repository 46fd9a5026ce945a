package dev.junction.driver.internal.monitor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One {@link TopologyMonitor} per cluster per JVM, shared by every data source and connection that uses the
 * cluster, and stopped when the last of them lets go: monitors are never leaked and never duplicated.
 *
 * <p>Next to each monitor it keeps which credentials have been shown to open a connection to the cluster, so that
 * {@code getConnection} checks a set of credentials once rather than on every call, yet never takes one user's
 * credentials for another's. A set is known by a salted hash of the backend properties (never the password itself),
 * counted by the leases that use it, and forgotten when the last of them is released (after the same grace as the
 * monitor): a password that stops working is noticed by the next connection opened after that.
 *
 * <p>Start-up (the first probe round, up to the probe timeout when nodes hang) runs outside the registry's lock, on
 * the thread of the first user; later users of the same cluster wait for it ({@link TopologyMonitor#awaitStarted}),
 * users of other clusters do not.
 */
public final class SharedMonitors {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, Entry> MONITORS = new HashMap<>();

    private SharedMonitors() {
    }

    /** A handle on a shared monitor; closing it releases this user's share. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final String credentials;
        private final Entry entry;
        private final boolean started;
        private boolean released;

        private Lease(String key, String credentials, Entry entry, boolean started) {
            this.key = key;
            this.credentials = credentials;
            this.entry = entry;
            this.started = started;
        }

        public TopologyMonitor monitor() {
            return entry.monitor;
        }

        /** Whether this lease created and started the monitor, whose probes therefore use this lease's credentials. */
        public boolean startedMonitor() {
            return started;
        }

        /** Whether a connection with this lease's credentials has been opened while some lease with them was held. */
        public boolean credentialsVerified() {
            LOCK.lock();
            try {
                CredentialUse use = entry.credentials.get(credentials);
                return use != null && use.verified;
            } finally {
                LOCK.unlock();
            }
        }

        /** Records that a connection with this lease's credentials was opened. */
        public void markCredentialsVerified() {
            LOCK.lock();
            try {
                CredentialUse use = entry.credentials.get(credentials);
                if (use != null && !released) {
                    use.verified = true;
                }
            } finally {
                LOCK.unlock();
            }
        }

        @Override
        public void close() {
            release(Duration.ZERO);
        }

        /**
         * Releases this share; when it was the last one, the monitor stops after {@code grace} unless someone
         * acquires it again meanwhile. Connections opened through {@code DriverManager} one at a time (a script, a
         * request per connection) would otherwise start and stop a monitor, with its first probe round, every time.
         * The same grace applies to the credentials of this lease once no lease uses them.
         */
        public void release(Duration grace) {
            TopologyMonitor toClose = null;
            LOCK.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                CredentialUse use = entry.credentials.get(credentials);
                if (use != null && --use.users == 0) {
                    if (grace.isZero() || entry.monitor.isClosed()) {
                        entry.credentials.remove(credentials);
                    } else {
                        entry.monitor.runLater(() -> forgetIfUnused(entry, credentials, use), grace);
                    }
                }
                if (--entry.users == 0) {
                    if (grace.isZero()) {
                        if (MONITORS.get(key) == entry) {
                            MONITORS.remove(key);
                        }
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
     * The monitor for {@code clusterKey}, created by {@code factory} and started (on this thread, outside the
     * registry's lock) if no one uses it yet; if someone else is starting it, waits for that start-up, at most
     * {@code startupWait}. Either way the monitor has finished its first probe round when this returns, unless the
     * wait ran out.
     *
     * @param credentials a salted hash of the caller's backend properties, see the class comment
     */
    public static Lease acquire(String clusterKey, String credentials, Supplier<TopologyMonitor> factory, Duration startupWait) {
        Entry entry;
        boolean create;
        LOCK.lock();
        try {
            entry = MONITORS.get(clusterKey);
            create = entry == null;
            if (create) {
                entry = new Entry(factory.get());
                MONITORS.put(clusterKey, entry);
            }
            entry.users++;
            entry.credentials.computeIfAbsent(credentials, c -> new CredentialUse()).users++;
        } finally {
            LOCK.unlock();
        }
        Lease lease = new Lease(clusterKey, credentials, entry, create);
        try {
            if (create) {
                entry.monitor.start();
            } else {
                entry.monitor.awaitStarted(startupWait);
            }
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
        return lease;
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

    private static void forgetIfUnused(Entry entry, String credentials, CredentialUse use) {
        LOCK.lock();
        try {
            if (use.users == 0 && entry.credentials.get(credentials) == use) {
                entry.credentials.remove(credentials);
            }
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

    /** Whether a monitor runs for {@code clusterKey}; for tests that need a cluster's first connection. */
    public static boolean isMonitored(String clusterKey) {
        LOCK.lock();
        try {
            return MONITORS.containsKey(clusterKey);
        } finally {
            LOCK.unlock();
        }
    }

    private static final class Entry {
        private final TopologyMonitor monitor;
        private int users;
        /** By salted hash of the backend properties. */
        private final Map<String, CredentialUse> credentials = new HashMap<>();

        private Entry(TopologyMonitor monitor) {
            this.monitor = monitor;
        }
    }

    /** The leases that use one set of credentials, and whether a connection with them was opened. */
    private static final class CredentialUse {
        private int users;
        private boolean verified;
    }
}
