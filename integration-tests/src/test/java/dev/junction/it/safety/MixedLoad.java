package dev.junction.it.safety;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An application's traffic during a failure: {@code threads} workers, each on a connection of its own (reopened after
 * a failure, as a pool evicts a broken connection), doing primary-key reads of {@code kv} and, one operation in
 * {@code writeEvery}, an insert into {@code ledger} with a unique id. Every operation's latency is kept, every failure
 * counted, every acknowledged write remembered, and every read says which server answered it (PostgreSQL
 * {@code server_port()}, a STABLE function, since {@code inet_server_port()} itself is node-specific and routed to the
 * primary; MariaDB {@code @@port}).
 *
 * <p>Nothing here bounds an operation: a driver that hangs on a hung node hangs the worker, and the latency shows it.
 * A short pause between operations keeps the load from starving the (shared, small) machine.
 */
final class MixedLoad {
    /** Opens a connection through the driver under test. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /** What the workers did, and what went wrong. */
    record Report(
            long reads,
            long writes,
            long failedReads,
            long failedWrites,
            long stuck,
            Duration max,
            Duration p99,
            Duration p50,
            Map<Integer, Long> readsByPort,
            List<String> firstErrors,
            Set<Long> acknowledgedWrites) {
        @Override
        public String toString() {
            return (reads + writes) + " operations (" + reads + " reads, " + writes + " writes): failed reads "
                    + failedReads
                    + ", failed writes " + failedWrites + ", still running at the end " + stuck + "; latency max "
                    + millis(max)
                    + ", p99 " + millis(p99) + ", p50 " + millis(p50) + "; reads by server port " + readsByPort
                    + (firstErrors.isEmpty() ? "" : "; first errors " + firstErrors);
        }

        private static String millis(Duration duration) {
            return String.format("%.1f ms", duration.toNanos() / 1e6);
        }
    }

    /** The read on PostgreSQL: the value and the port of the server that answered. */
    static final String POSTGRES_READ = "select v, server_port() from kv where id = ?";
    /** The same on MariaDB. */
    static final String MARIADB_READ = "SELECT v, @@port FROM kv WHERE id = ?";

    private static final String WRITE = "insert into ledger (id, worker) values (?, ?)";
    private static final Duration PAUSE = Duration.ofMillis(2);
    private static final int MAX_ERRORS_KEPT = 5;

    private final ConnectionSource source;
    private final String readSql;
    private final int threads;
    private final int rows;
    private final int writeEvery;
    private final List<Thread> workers = new ArrayList<>();
    private final Map<Integer, long[]> latencies = new ConcurrentHashMap<>();
    /** Ledger ids, unique in this JVM so that several loads can write to one table. */
    private static final AtomicLong NEXT_WRITE_ID = new AtomicLong(1);

    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failedReads = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private final Map<Integer, AtomicLong> readsByPort = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Thread, Long> inFlightSince = new ConcurrentHashMap<>();
    private volatile boolean running;

    /**
     * @param readSql    {@link #POSTGRES_READ} or {@link #MARIADB_READ}
     * @param rows       {@code kv} holds ids 1..rows with {@code v = 'v' || id}
     * @param writeEvery one operation in this many is a write
     */
    MixedLoad(ConnectionSource source, String readSql, int threads, int rows, int writeEvery) {
        this.source = source;
        this.readSql = readSql;
        this.threads = threads;
        this.rows = rows;
        this.writeEvery = writeEvery;
    }

    /** The tables and the function the load needs, on PostgreSQL. */
    static List<String> postgresFixture(int rows) {
        return List.of(
                "create table kv (id int primary key, v text not null)",
                "insert into kv select i, 'v' || i from generate_series(1, " + rows + ") i",
                "create table ledger (id bigint primary key, worker int not null)",
                "create function server_port() returns int language sql stable as 'select inet_server_port()'");
    }

    /** The same on MariaDB ({@code seq_1_to_N} is the Sequence engine's table of numbers). */
    static List<String> mariaDbFixture(int rows) {
        return List.of(
                "CREATE TABLE kv (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                "INSERT INTO kv SELECT seq, CONCAT('v', seq) FROM seq_1_to_" + rows,
                "CREATE TABLE ledger (id BIGINT PRIMARY KEY, worker INT NOT NULL)");
    }

    void start() {
        running = true;
        for (int i = 0; i < threads; i++) {
            int worker = i;
            Thread thread = new Thread(() -> work(worker), "mixed-load-" + i);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

    private void work(int worker) {
        Connection connection = null;
        long operation = 0;
        long[] latency = new long[1 << 14];
        int count = 0;
        try {
            while (running) {
                boolean write = ++operation % writeEvery == 0;
                long started = System.nanoTime();
                inFlightSince.put(Thread.currentThread(), started);
                try {
                    if (connection == null) {
                        connection = source.open();
                    }
                    if (write) {
                        write(connection, worker);
                    } else {
                        read(connection);
                    }
                } catch (SQLException | RuntimeException e) {
                    (write ? failedWrites : failedReads).incrementAndGet();
                    if (errors.size() < MAX_ERRORS_KEPT) {
                        errors.add((write ? "write: " : "read: ")
                                + (e instanceof SQLException s ? s.getSQLState() + " " : "")
                                + e.getMessage());
                    }
                    closeQuietly(connection);
                    connection = null;
                } finally {
                    inFlightSince.remove(Thread.currentThread());
                }
                if (count == latency.length) {
                    latency = Arrays.copyOf(latency, latency.length * 2);
                }
                latency[count++] = System.nanoTime() - started;
                LockSupport.parkNanos(PAUSE.toNanos());
            }
        } finally {
            closeQuietly(connection);
            latencies.put(worker, Arrays.copyOf(latency, count));
        }
    }

    private void read(Connection connection) throws SQLException {
        int id = ThreadLocalRandom.current().nextInt(1, rows + 1);
        try (PreparedStatement statement = connection.prepareStatement(readSql)) {
            statement.setInt(1, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || !("v" + id).equals(row.getString(1))) {
                    throw new IllegalStateException("read of kv id " + id + " returned no row or a wrong value");
                }
                readsByPort
                        .computeIfAbsent(row.getInt(2), p -> new AtomicLong())
                        .incrementAndGet();
            }
        }
        reads.incrementAndGet();
    }

    private void write(Connection connection, int worker) throws SQLException {
        long id = NEXT_WRITE_ID.getAndIncrement();
        try (PreparedStatement statement = connection.prepareStatement(WRITE)) {
            statement.setLong(1, id);
            statement.setInt(2, worker);
            if (statement.executeUpdate() == 1) {
                acknowledged.add(id);
            }
        }
        writes.incrementAndGet();
    }

    /** Reads served so far by the server on {@code port}. */
    long readsServedBy(int port) {
        AtomicLong served = readsByPort.get(port);
        return served == null ? 0 : served.get();
    }

    /** The longest time an operation in progress has been running, zero if none is. */
    Duration longestInFlight() {
        long now = System.nanoTime();
        return Duration.ofNanos(inFlightSince.values().stream()
                .mapToLong(since -> now - since)
                .max()
                .orElse(0));
    }

    /**
     * Stops the workers and waits up to {@code patience} for each to finish its operation; one still running then
     * counts as stuck (its latency so far is the max) and is left to end with the cluster.
     */
    Report stop(Duration patience) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + patience.toNanos();
        for (Thread worker : workers) {
            worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        long stuck = workers.stream().filter(Thread::isAlive).count();
        Duration stuckFor = longestInFlight();
        long[] all = latencies.values().stream()
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        Duration max = Duration.ofNanos(Math.max(all.length == 0 ? 0 : all[all.length - 1], stuckFor.toNanos()));
        Map<Integer, Long> byPort = new TreeMap<>();
        readsByPort.forEach((port, count) -> byPort.put(port, count.get()));
        return new Report(
                reads.get(),
                writes.get(),
                failedReads.get(),
                failedWrites.get(),
                stuck,
                max,
                percentile(all, 0.99),
                percentile(all, 0.50),
                byPort,
                new ArrayList<>(errors),
                Set.copyOf(acknowledged));
    }

    private static Duration percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // a connection to a dead node may fail to close; it is gone either way
            }
        }
    }

    /** Ids of {@code ledger} rows present, from a query run on the primary. */
    static Set<Long> ids(Connection primary) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (PreparedStatement statement = primary.prepareStatement("select id from ledger");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }
}
