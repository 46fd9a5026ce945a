package dev.junction.driver.internal.topology.monitor;

import dev.junction.router.replication.CommitInstants;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * What connections to a cluster share in this JVM, at two levels, each released with its last user:
 *
 * <ul>
 *   <li>per cluster and set of credentials ({@link Key}): one {@link TopologyMonitor} whose probes log in with those
 *       credentials, and whatever the driver builds next to it ({@link Shared}: its view of the nodes, its statement
 *       classifier with the function answers, its catalogs and their connection to the primary). Two data sources with
 *       the same URL and user share an entry; another user, password or backend property makes another entry, so one
 *       account's probes and catalog queries never decide for another account, and no account's state outlives its
 *       own users;</li>
 *   <li>per cluster: the record of commits made through Junction ({@link CommitInstants}), which
 *       {@code readConsistency=global} needs across every connection of the JVM whatever its user (a service that
 *       writes as one user and reads as another must read its writes). It holds instants and table names, nothing any
 *       account is needed to learn, and stays while some entry of the cluster does.</li>
 * </ul>
 *
 * <p>A set of credentials is known by a salted hash of all the backend properties (never the password itself), so two
 * leases of one entry would be let in or turned away alike: the entry's monitor, started with the first lease's
 * properties, vouches for every lease of the entry, and for no other.
 *
 * <p>Lifetime: every logical connection and every data source that connected holds a {@link Lease}. When the last
 * lease of an entry goes, the entry is removed from the registry, its monitor stops (threads and probe connections)
 * and {@link Shared#release} closes the rest (catalog connections and threads, caches), after the releasing lease's
 * grace unless someone acquires the entry meanwhile. Nothing is kept for a cluster or an account nobody uses. The
 * grace is timed by the entry's {@link GraceTimer}: its monitor's thread, or a test's fake clock.
 *
 * <p>Start-up (the first probe round, up to the probe timeout when nodes hang) runs outside the registry's lock, on
 * the thread of the first user; later users of the same entry wait for it ({@link TopologyMonitor#awaitStarted}),
 * users of other entries do not.
 */
public final class SharedMonitors {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Key, Entry> ENTRIES = new HashMap<>();
    private static final Map<String, ClusterRecord> CLUSTERS = new HashMap<>();

    private SharedMonitors() {}

    /**
     * What tells entries apart: the cluster (backend, seeds, database: never credentials) and the salted hash of the
     * backend properties. Computed when a connection is opened, never per statement.
     */
    public record Key(String cluster, String credentials) {
        @Override
        public String toString() {
            // The hash is salted per JVM and reveals nothing; a prefix is enough to tell entries apart in a dump.
            return cluster + " [credentials " + credentials.substring(0, Math.min(8, credentials.length())) + "]";
        }
    }

    /** What an entry holds besides its monitor: built once with the entry, released once after the monitor stops. */
    public interface Shared {
        /** The entry's monitor, created but not started: the registry starts it with the first lease, stops it with the last. */
        TopologyMonitor sharedMonitor();

        /** Closes what the entry holds (connections, threads, caches); the monitor has stopped already. Never throws. */
        void release();

        /**
         * DDL ran through another entry of the cluster (another user's connection): forget what was learnt from the
         * catalogs. Cheap, asks nothing; called outside the registry's lock.
         */
        void forgetDefinitions();
    }

    /**
     * Runs the release of an entry nobody uses once its grace is over. In production the entry's monitor thread does
     * ({@link #ON_MONITOR_THREAD}); a test passes one on a fake clock, which runs the release when the test moves time
     * on, so that a test of the grace does not wait for it.
     */
    @FunctionalInterface
    public interface GraceTimer {
        /** The monitor's scheduler thread runs the release; nothing runs once the monitor has stopped. */
        GraceTimer ON_MONITOR_THREAD = (monitor, release, grace) -> {
            try {
                monitor.runLater(release, grace);
                return !monitor.isClosed();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return false;
            }
        };

        /**
         * Runs {@code release} once, {@code grace} from now; false if it will not ({@code monitor}, the entry's, runs
         * nothing more), and then the entry is released at once rather than never.
         */
        boolean runAfter(TopologyMonitor monitor, Runnable release, Duration grace);
    }

    /** A handle on a shared entry; closing it releases this user's share. */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private final boolean started;
        private boolean released;

        private Lease(Entry entry, boolean started) {
            this.entry = entry;
            this.started = started;
        }

        public TopologyMonitor monitor() {
            return entry.monitor;
        }

        /** What the entry's creator built next to the monitor. */
        public Shared shared() {
            return entry.shared;
        }

        public Key key() {
            return entry.key;
        }

        /** Whether this lease created and started the monitor. Its probes use this lease's credentials either way. */
        public boolean startedMonitor() {
            return started;
        }

        @Override
        public void close() {
            release(Duration.ZERO);
        }

        /**
         * Releases this share; when it was the last one, the entry is released after {@code grace} unless someone
         * acquires it again meanwhile. Connections opened through {@code DriverManager} one at a time (a script, a
         * request per connection) would otherwise start and stop a monitor, with its first probe round, every time.
         */
        public void release(Duration grace) {
            boolean now = false;
            LOCK.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                if (--entry.users == 0) {
                    // A closed monitor runs no delayed task: release at once rather than never.
                    now = grace.isZero() || entry.monitor.isClosed() || !removeLater(entry, grace);
                    if (now) {
                        remove(entry);
                    }
                }
            } finally {
                LOCK.unlock();
            }
            if (now) {
                entry.close();
            }
        }
    }

    /**
     * The entry for {@code key}, created by {@code factory} (given the cluster's commit record) and its monitor started
     * (on this thread, outside the registry's lock) if no one uses it yet; if someone else is starting it, waits for
     * that start-up, at most {@code startupWait}. Either way the monitor has finished its first probe round when this
     * returns, unless the wait ran out.
     */
    public static Lease acquire(Key key, Function<CommitInstants, Shared> factory, Duration startupWait) {
        return acquire(key, factory, startupWait, GraceTimer.ON_MONITOR_THREAD);
    }

    /**
     * The same; {@code graceTimer} times the grace of the entry if this call creates it (the creator's timer serves
     * the entry's whole life, as its monitor does).
     */
    public static Lease acquire(
            Key key, Function<CommitInstants, Shared> factory, Duration startupWait, GraceTimer graceTimer) {
        Entry entry;
        boolean create;
        LOCK.lock();
        try {
            entry = ENTRIES.get(key);
            create = entry == null;
            if (create) {
                ClusterRecord cluster = CLUSTERS.computeIfAbsent(key.cluster(), c -> new ClusterRecord());
                entry = new Entry(key, factory.apply(cluster.commits), graceTimer);
                cluster.entries++;
                ENTRIES.put(key, entry);
            }
            entry.users++;
        } finally {
            LOCK.unlock();
        }
        Lease lease = new Lease(entry, create);
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

    /**
     * Tells every other entry of {@code from}'s cluster that DDL ran through {@code from}: the definitions their catalogs
     * answered from (functions, views, tables) may have changed for every user, as they would have for {@code from}'s.
     */
    public static void definitionsChanged(Key from) {
        java.util.List<Shared> others = new java.util.ArrayList<>();
        LOCK.lock();
        try {
            for (Entry entry : ENTRIES.values()) {
                if (entry.key.cluster().equals(from.cluster()) && !entry.key.equals(from)) {
                    others.add(entry.shared);
                }
            }
        } finally {
            LOCK.unlock();
        }
        for (Shared other : others) {
            other.forgetDefinitions();
        }
    }

    /** Schedules the release of an unused entry on its grace timer; false if the timer will not run it. */
    /**
     * Releases {@code entry} after {@code grace} unless it was used again meanwhile. Each release is numbered: only the
     * latest may remove the entry, so that a user who closes again just before an older grace ends still gets a whole
     * grace (opening a connection every two seconds must not restart the monitor now and then).
     */
    private static boolean removeLater(Entry entry, Duration grace) {
        long release = ++entry.releases;
        return entry.graceTimer.runAfter(entry.monitor, () -> releaseIfUnused(entry, release), grace);
    }

    private static void releaseIfUnused(Entry entry, long release) {
        LOCK.lock();
        try {
            if (entry.users != 0 || entry.releases != release || ENTRIES.get(entry.key) != entry) {
                return;
            }
            remove(entry);
        } finally {
            LOCK.unlock();
        }
        entry.close();
    }

    /** Takes {@code entry} out of both maps; under {@link #LOCK}, with no user left. */
    private static void remove(Entry entry) {
        if (ENTRIES.get(entry.key) != entry) {
            return;
        }
        ENTRIES.remove(entry.key);
        ClusterRecord cluster = CLUSTERS.get(entry.key.cluster());
        if (cluster != null && --cluster.entries == 0) {
            CLUSTERS.remove(entry.key.cluster());
        }
    }

    /** How many entries (cluster and credentials) are in use now; for tests that check nothing leaks. */
    public static int activeCount() {
        LOCK.lock();
        try {
            return ENTRIES.size();
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether some entry, whatever its credentials, uses {@code clusterKey}; for tests that need a cluster's first connection. */
    public static boolean isMonitored(String clusterKey) {
        LOCK.lock();
        try {
            return CLUSTERS.containsKey(clusterKey);
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether an entry for {@code key} is in use. */
    public static boolean isMonitored(Key key) {
        LOCK.lock();
        try {
            return ENTRIES.containsKey(key);
        } finally {
            LOCK.unlock();
        }
    }

    private static final class Entry {
        private final Key key;
        private final Shared shared;
        private final TopologyMonitor monitor;
        private final GraceTimer graceTimer;
        private int users;
        /** Releases scheduled so far; guarded by {@link #LOCK}. */
        private long releases;

        private Entry(Key key, Shared shared, GraceTimer graceTimer) {
            this.key = key;
            this.shared = shared;
            this.monitor = shared.sharedMonitor();
            this.graceTimer = graceTimer;
        }

        /** Outside the lock: stopping the monitor waits for its threads. */
        private void close() {
            try {
                monitor.close();
            } finally {
                shared.release();
            }
        }
    }

    /** The commit record of one cluster, and how many entries use it. */
    private static final class ClusterRecord {
        private final CommitInstants commits = new CommitInstants();
        private int entries;
    }
}
