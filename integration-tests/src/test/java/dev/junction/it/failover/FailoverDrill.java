package dev.junction.it.failover;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One failover drill on a fresh cluster: eight threads, each with its own Junction connection kept for the whole drill
 * as a pool would keep it (two auto-commit writers, two writers of two-row transactions, four auto-commit readers), run
 * while the primary is crashed (SIGKILL to the server and everything it forked), and after a pause that stands for a
 * cluster manager's detection, the most advanced standby is promoted and the others repointed. The drill measures when
 * writes resumed, from the promotion and from the crash, what every failed operation was told, how long the longest
 * operation took, and which acknowledged rows the new primary lacks.
 */
final class FailoverDrill {
    /** What a test bed does to its cluster. */
    interface Bed extends AutoCloseable {
        String url();

        Properties credentials();

        /** A connection to the node that accepts writes now, bypassing Junction. */
        Connection rawPrimary() throws SQLException;

        /** The primary's address as Junction names it ({@code 127.0.0.1:port}). */
        String primaryAddress();

        /** SIGKILL to the primary and every process it forked, at once: a machine failure. */
        void crashPrimary();

        /** Promotes the most advanced replica and repoints the others; returns once it accepts writes. */
        void promote();

        @Override
        void close();
    }

    /** What one drill measured. */
    record Result(
            long resumedAfterPromotionMillis,
            long resumedAfterCrashMillis,
            long promotionTookMillis,
            int acknowledged,
            int lost,
            Map<String, Integer> writeFailures,
            Map<String, Integer> readFailures,
            long reads,
            long readsWhileNoPrimary,
            long longestOperationMillis,
            List<String> connectionsAfter,
            String crashedAddress,
            Map<String, String> firstMessages) {
        String summary() {
            return String.format(
                    java.util.Locale.ROOT,
                    "writes resumed %d ms after the promotion (%d ms after the crash; promotion took %d ms); "
                            + "%d rows acknowledged, %d lost; write failures %s; read failures %s of %d reads "
                            + "(%d while no primary answered); longest operation %d ms",
                    resumedAfterPromotionMillis,
                    resumedAfterCrashMillis,
                    promotionTookMillis,
                    acknowledged,
                    lost,
                    writeFailures,
                    readFailures,
                    reads,
                    readsWhileNoPrimary,
                    longestOperationMillis);
        }
    }

    private static final int AUTO_COMMIT_WRITERS = 2;
    private static final int TRANSACTION_WRITERS = 2;
    private static final int READERS = 4;
    /** What stands for a cluster manager's detection: the primary is gone this long before a standby is promoted. */
    static final long DETECTION_PAUSE_MILLIS = 300;

    private final Bed bed;
    private final String parameters;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong nextId = new AtomicLong(1);
    /** Acknowledged row id → {@link System#nanoTime()} when its commit returned. */
    private final Map<Long, Long> acknowledged = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<String> writeFailures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> readFailures = new ConcurrentLinkedQueue<>();
    /** The first message of each SQLState seen, to say what a failure was. */
    private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readsWhileNoPrimary = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();
    private volatile long crashedAt = Long.MAX_VALUE;
    private volatile long promotedAt = Long.MAX_VALUE;

    FailoverDrill(Bed bed, String parameters) {
        this.bed = bed;
        this.parameters = parameters;
    }

    Result run() throws Exception {
        try (Connection raw = bed.rawPrimary();
                Statement statement = raw.createStatement()) {
            statement.execute("create table failover_rows (id bigint primary key, writer int not null)");
        }
        List<Connection> connections = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS + READERS; i++) {
                Connection connection = DriverManager.getConnection(bed.url() + parameters, bed.credentials());
                connections.add(connection);
                int writer = i;
                Runnable loop = i < AUTO_COMMIT_WRITERS
                        ? () -> autoCommitWriter(connection, writer)
                        : i < AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS
                                ? () -> transactionWriter(connection, writer)
                                : () -> reader(connection, writer);
                Thread thread = new Thread(loop, "failover-drill-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            awaitAcknowledged(200, TimeUnit.SECONDS.toNanos(20));

            String crashed = bed.primaryAddress();
            crashedAt = System.nanoTime();
            bed.crashPrimary();
            Thread.sleep(DETECTION_PAUSE_MILLIS);
            long promoting = System.nanoTime();
            bed.promote();
            promotedAt = System.nanoTime();
            long resumed = awaitFirstAcknowledgedAfter(promotedAt, TimeUnit.SECONDS.toNanos(30));
            Thread.sleep(1_000); // writes and reads go on on the new topology for a while
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(40));
                if (thread.isAlive()) {
                    throw new AssertionError(
                            thread.getName() + " still runs 40 s after the drill ended: an operation hangs");
                }
            }
            List<String> after = new ArrayList<>();
            for (Connection connection : connections) {
                after.add(connection.toString());
            }
            int lost = missingOnThePrimary();
            return new Result(
                    resumed == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(resumed - promotedAt),
                    resumed == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(resumed - crashedAt),
                    TimeUnit.NANOSECONDS.toMillis(promotedAt - promoting),
                    acknowledged.size(),
                    lost,
                    count(writeFailures),
                    count(readFailures),
                    reads.get(),
                    readsWhileNoPrimary.get(),
                    TimeUnit.NANOSECONDS.toMillis(longestNanos.get()),
                    after,
                    crashed,
                    new TreeMap<>(firstMessages));
        } finally {
            running.set(false);
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the drill's outcome is already decided; closing is best effort
                }
            }
        }
    }

    private void autoCommitWriter(Connection connection, int writer) {
        while (running.get()) {
            long id = nextId.getAndIncrement();
            long started = System.nanoTime();
            try (PreparedStatement insert =
                    connection.prepareStatement("insert into failover_rows (id, writer) values (?, ?)")) {
                insert.setLong(1, id);
                insert.setInt(2, writer);
                insert.executeUpdate();
                acknowledged.put(id, System.nanoTime());
            } catch (SQLException e) {
                failed(writeFailures, e);
            } finally {
                took(started);
            }
        }
    }

    private void transactionWriter(Connection connection, int writer) {
        while (running.get()) {
            long first = nextId.getAndAdd(2);
            long started = System.nanoTime();
            try {
                connection.setAutoCommit(false);
                try (PreparedStatement insert =
                        connection.prepareStatement("insert into failover_rows (id, writer) values (?, ?)")) {
                    for (long id = first; id < first + 2; id++) {
                        insert.setLong(1, id);
                        insert.setInt(2, writer);
                        insert.executeUpdate();
                    }
                }
                connection.commit();
                long now = System.nanoTime();
                acknowledged.put(first, now);
                acknowledged.put(first + 1, now);
            } catch (SQLException e) {
                failed(writeFailures, e);
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    writeFailures.add("rollback " + rollback.getSQLState());
                }
            } finally {
                took(started);
            }
        }
    }

    private void reader(Connection connection, int reader) {
        while (running.get()) {
            long started = System.nanoTime();
            try (PreparedStatement select =
                    connection.prepareStatement("select count(*) from failover_rows where writer = ?"); ) {
                select.setInt(1, reader % (AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS));
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                }
                reads.incrementAndGet();
                long now = System.nanoTime();
                if (now - crashedAt > 0 && promotedAt - now > 0) {
                    readsWhileNoPrimary.incrementAndGet();
                }
            } catch (SQLException e) {
                failed(readFailures, e);
            } finally {
                took(started);
            }
        }
    }

    private void failed(ConcurrentLinkedQueue<String> failures, SQLException e) {
        String state = String.valueOf(e.getSQLState());
        failures.add(state);
        firstMessages.putIfAbsent(state, String.valueOf(e.getMessage()));
    }

    private void took(long startedNanos) {
        longestNanos.accumulateAndGet(System.nanoTime() - startedNanos, Math::max);
    }

    private void awaitAcknowledged(int rows, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (acknowledged.size() < rows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged.size() + " rows acknowledged before the crash; "
                        + "write failures " + count(writeFailures));
            }
            Thread.sleep(10);
        }
    }

    /** When the first commit acknowledged after {@code after} returned; {@code Long.MAX_VALUE} if none in time. */
    private long awaitFirstAcknowledgedAfter(long after, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            long first = Long.MAX_VALUE;
            for (long at : acknowledged.values()) {
                if (at - after > 0 && at < first) {
                    first = at;
                }
            }
            if (first != Long.MAX_VALUE) {
                return first;
            }
            Thread.sleep(5);
        }
        return Long.MAX_VALUE;
    }

    private int missingOnThePrimary() throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection raw = bed.rawPrimary();
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("select id from failover_rows")) {
            while (rows.next()) {
                present.add(rows.getLong(1));
            }
        }
        int missing = 0;
        for (long id : acknowledged.keySet()) {
            if (!present.contains(id)) {
                missing++;
            }
        }
        return missing;
    }

    private static Map<String, Integer> count(Iterable<String> states) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String state : states) {
            counts.merge(String.valueOf(state), 1, Integer::sum);
        }
        return counts;
    }
}
