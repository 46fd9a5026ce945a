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

        /** SIGSTOP to the primary and every process it forked: a hung machine that keeps its sockets open. */
        void freezePrimary();

        /** SIGCONT to the node frozen by {@link #freezePrimary()}, which still believes it is the primary. */
        void thawFormerPrimary();

        /** A connection to the former primary, bypassing Junction. */
        Connection rawFormerPrimary() throws SQLException;

        /**
         * Whether Junction can tell the promoted node from the thawed former primary by itself (PostgreSQL's
         * timelines); where it cannot (MariaDB), writes are refused until the former primary steps down.
         */
        boolean generationsTellPrimariesApart();

        /** The former primary stops taking writes (MariaDB {@code read_only}); nothing where generations decide. */
        void stepDownFormerPrimary() throws SQLException;

        /** Rebuilds the former primary as a replica of the new one, or false where the bed cannot yet. */
        boolean rebuildFormerPrimary();

        /** The former primary's port, to count the reads it serves once rebuilt. */
        int formerPrimaryPort();

        /** DDL the drill's reads need besides the table (PostgreSQL: a function naming the serving port). */
        List<String> setup();

        /** A read of one writer's row count and the port of the node that served it, one parameter: the writer. */
        String readSql();

        @Override
        void close();
    }

    /**
     * What a frozen primary's drill adds: rows written to the former primary after it thawed (must be none), what
     * writes did meanwhile, and how many reads the rebuilt former primary served.
     */
    record FrozenOutcome(
            long rowsWrittenToFormerAfterThaw, boolean rebuilt, long readsServedByRebuiltNode, String note) {}

    /** What one drill measured. */
    record Result(
            long resumedAfterPromotionMillis,
            long resumedAfterCrashMillis,
            long promotionTookMillis,
            int acknowledged,
            int lost,
            Map<String, Integer> writeFailures,
            Map<String, Integer> trackedWriteFailures,
            int toldNotCommittedButPresent,
            Map<String, Integer> readFailures,
            long reads,
            long readsWhileNoPrimary,
            long longestOperationMillis,
            List<String> connectionsAfter,
            String crashedAddress,
            Map<String, String> firstMessages,
            FrozenOutcome frozen) {
        String summary() {
            return String.format(
                    java.util.Locale.ROOT,
                    "writes resumed %d ms after the promotion (%d ms after the crash; promotion took %d ms); "
                            + "%d rows acknowledged, %d lost; write failures %s, with commitOutcome=track %s; "
                            + "%d rows told not committed but present; read failures %s of %d reads "
                            + "(%d while no primary answered); longest operation %d ms",
                    resumedAfterPromotionMillis,
                    resumedAfterCrashMillis,
                    promotionTookMillis,
                    acknowledged,
                    lost,
                    writeFailures,
                    trackedWriteFailures,
                    toldNotCommittedButPresent,
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
    /** Reads served, by the port of the node that served them. */
    private final Map<Integer, AtomicLong> readsByPort = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<String> writeFailures = new ConcurrentLinkedQueue<>();
    /** What writers with {@code commitOutcome=track} (one of each kind) were told. */
    private final ConcurrentLinkedQueue<String> trackedWriteFailures = new ConcurrentLinkedQueue<>();
    /** Rows of writes told that nothing of them committed ({@code 08S02}, {@code 40000}): checked absent at the end. */
    private final Set<Long> toldNotCommitted = ConcurrentHashMap.newKeySet();

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

    /** The primary crashed: SIGKILL to the server and everything it forked. */
    Result run() throws Exception {
        return run(false);
    }

    /**
     * The primary frozen (SIGSTOP), then, once writes resumed on the promoted node, thawed: it must take no write
     * (refused by its older timeline, or as a split brain until it steps down), and it is rebuilt as a replica that
     * serves reads again.
     */
    Result runFrozen() throws Exception {
        return run(true);
    }

    private Result run(boolean freeze) throws Exception {
        try (Connection raw = bed.rawPrimary();
                Statement statement = raw.createStatement()) {
            statement.execute("create table failover_rows (id bigint primary key, writer int not null)");
            for (String sql : bed.setup()) {
                statement.execute(sql);
            }
        }
        List<Connection> connections = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS + READERS; i++) {
                // One writer of each kind tracks its commits' outcomes: it must never be told 08007.
                boolean tracked = i < AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS && i % 2 == 1;
                Connection connection = DriverManager.getConnection(
                        bed.url() + parameters + (tracked ? "&commitOutcome=track" : ""), bed.credentials());
                connections.add(connection);
                int writer = i;
                ConcurrentLinkedQueue<String> told = tracked ? trackedWriteFailures : writeFailures;
                Runnable loop = i < AUTO_COMMIT_WRITERS
                        ? () -> autoCommitWriter(connection, writer, told)
                        : i < AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS
                                ? () -> transactionWriter(connection, writer, told)
                                : () -> reader(connection, writer);
                Thread thread = new Thread(loop, "failover-drill-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            if (Boolean.getBoolean("junction.failover.trace")) {
                Connection traced = connections.get(0);
                Thread trace = new Thread(() -> trace(traced), "failover-drill-trace");
                trace.setDaemon(true);
                trace.start();
            }
            awaitAcknowledged(200, TimeUnit.SECONDS.toNanos(20));

            String crashed = bed.primaryAddress();
            crashedAt = System.nanoTime();
            if (freeze) {
                bed.freezePrimary();
            } else {
                bed.crashPrimary();
            }
            Thread.sleep(DETECTION_PAUSE_MILLIS);
            long promoting = System.nanoTime();
            bed.promote();
            promotedAt = System.nanoTime();
            long resumed = awaitFirstAcknowledgedAfter(promotedAt, TimeUnit.SECONDS.toNanos(30));
            Thread.sleep(1_000); // writes and reads go on on the new topology for a while
            FrozenOutcome frozen = freeze ? thawAndRebuild(connections.get(connections.size() - 1)) : null;
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
            int presentThoughNotCommitted = toldNotCommittedButPresent();
            return new Result(
                    resumed == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(resumed - promotedAt),
                    resumed == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(resumed - crashedAt),
                    TimeUnit.NANOSECONDS.toMillis(promotedAt - promoting),
                    acknowledged.size(),
                    lost,
                    count(writeFailures),
                    count(trackedWriteFailures),
                    presentThoughNotCommitted,
                    count(readFailures),
                    reads.get(),
                    readsWhileNoPrimary.get(),
                    TimeUnit.NANOSECONDS.toMillis(longestNanos.get()),
                    after,
                    crashed,
                    new TreeMap<>(firstMessages),
                    frozen);
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

    /** With {@code -Djunction.failover.trace=true}: the topology Junction sees, every 250 ms, to debug a drill. */
    private void trace(Connection connection) {
        long start = System.nanoTime();
        while (running.get()) {
            try {
                System.out.printf(
                        "%6d ms  %s  acknowledged %d%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                        connection
                                .unwrap(dev.junction.driver.JunctionConnection.class)
                                .topology(),
                        acknowledged.size());
                Thread.sleep(250);
            } catch (SQLException | InterruptedException e) {
                return;
            }
        }
    }

    /** @param reader a reader's connection: what it knows of the topology is reported when the rebuilt node serves none */
    private FrozenOutcome thawAndRebuild(Connection reader) throws Exception {
        bed.thawFormerPrimary();
        long rowsAtThaw = rowsOn(bed::rawFormerPrimary);
        long acknowledgedAtThaw = acknowledged.size();
        Thread.sleep(1_500); // the load goes on with both nodes answering as primary
        long written = rowsOn(bed::rawFormerPrimary) - rowsAtThaw;
        String note = (bed.generationsTellPrimariesApart()
                        ? "writes went on on the promoted node: "
                        : "writes refused while both answered as primary: ")
                + (acknowledged.size() - acknowledgedAtThaw) + " rows acknowledged in the 1.5 s after the thaw";
        if (!bed.generationsTellPrimariesApart()) {
            bed.stepDownFormerPrimary();
            long steppedDown = System.nanoTime();
            long resumed = awaitFirstAcknowledgedAfter(steppedDown, TimeUnit.SECONDS.toNanos(20));
            note += resumed == Long.MAX_VALUE
                    ? "; writes did not resume within 20 s after it stepped down"
                    : "; writes resumed " + TimeUnit.NANOSECONDS.toMillis(resumed - steppedDown)
                            + " ms after it stepped down";
        }
        boolean rebuilt = bed.rebuildFormerPrimary();
        long served = 0;
        if (rebuilt) {
            AtomicLong counter = readsByPort.computeIfAbsent(bed.formerPrimaryPort(), port -> new AtomicLong());
            long before = counter.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (counter.get() - before < 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            served = counter.get() - before;
            if (served == 0) {
                note += "; the readers' topology then: "
                        + reader.unwrap(dev.junction.driver.JunctionConnection.class)
                                .topologyReport()
                        + rebuiltNodeState();
            }
        }
        return new FrozenOutcome(written, rebuilt, served, note);
    }

    /** Rows in the table on the node {@code connect} reaches. */
    private static long rowsOn(RawConnection connect) throws SQLException {
        try (Connection raw = connect.open();
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from failover_rows")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @FunctionalInterface
    private interface RawConnection {
        Connection open() throws SQLException;
    }

    private void autoCommitWriter(Connection connection, int writer, ConcurrentLinkedQueue<String> told) {
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
                failed(told, e);
                notCommitted(e, id, id);
            } finally {
                took(started);
            }
        }
    }

    private void transactionWriter(Connection connection, int writer, ConcurrentLinkedQueue<String> told) {
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
                failed(told, e);
                notCommitted(e, first, first + 1);
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
            try (PreparedStatement select = connection.prepareStatement(bed.readSql())) {
                select.setInt(1, reader % (AUTO_COMMIT_WRITERS + TRANSACTION_WRITERS));
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    readsByPort
                            .computeIfAbsent(rows.getInt(2), port -> new AtomicLong())
                            .incrementAndGet();
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

    /** PostgreSQL: whether the rebuilt node receives and replays, and what its processes wait on. */
    private String rebuiltNodeState() throws SQLException {
        if (!bed.generationsTellPrimariesApart()) {
            return "";
        }
        try (Connection raw = bed.rawFormerPrimary();
                Statement statement = raw.createStatement();
                ResultSet row = statement.executeQuery("select pg_is_wal_replay_paused(), pg_last_wal_receive_lsn(),"
                        + " pg_last_wal_replay_lsn(), (select status || ' ' || coalesce(latest_end_lsn::text, '')"
                        + " from pg_stat_wal_receiver), (select string_agg(wait_event_type || ':' || wait_event || ':'"
                        + " || backend_type, ', ') from pg_stat_activity where wait_event is not null)")) {
            row.next();
            return "; the rebuilt node: replay paused " + row.getString(1) + ", received " + row.getString(2)
                    + ", replayed " + row.getString(3) + ", receiver " + row.getString(4) + ", waits "
                    + row.getString(5);
        }
    }

    /** Rows {@code from} to {@code to} of a write whose error says nothing of it committed. */
    private void notCommitted(SQLException e, long from, long to) {
        if ("08S02".equals(e.getSQLState()) || "40000".equals(e.getSQLState())) {
            for (long id = from; id <= to; id++) {
                toldNotCommitted.add(id);
            }
        }
    }

    private void failed(ConcurrentLinkedQueue<String> failures, SQLException e) {
        String state = String.valueOf(e.getSQLState());
        failures.add(state);
        long at = System.nanoTime() - crashedAt;
        firstMessages.putIfAbsent(
                (failures == trackedWriteFailures ? "commitOutcome=track " : "") + state,
                (at > 0 ? "(" + TimeUnit.NANOSECONDS.toMillis(at) + " ms after the primary was lost) " : "(before) ")
                        + e.getMessage()
                        + (e.getSuppressed().length > 0 ? " (suppressed: " + e.getSuppressed()[0] + ")" : ""));
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
        for (Map.Entry<Long, Long> row : acknowledged.entrySet()) {
            if (!present.contains(row.getKey())) {
                missing++;
                System.out.printf(
                        "  lost: row %d acknowledged %d ms after the primary was lost, %d ms after the promotion%n",
                        row.getKey(),
                        TimeUnit.NANOSECONDS.toMillis(row.getValue() - crashedAt),
                        TimeUnit.NANOSECONDS.toMillis(row.getValue() - promotedAt));
            }
        }
        return missing;
    }

    /** Rows of writes told they did not commit that the new primary holds: each one a false answer. */
    private int toldNotCommittedButPresent() throws SQLException {
        int present = 0;
        try (Connection raw = bed.rawPrimary();
                PreparedStatement select = raw.prepareStatement("select count(*) from failover_rows where id = ?")) {
            for (long id : toldNotCommitted) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        present++;
                        System.out.printf("  told not committed, but present: row %d%n", id);
                    }
                }
            }
        }
        return present;
    }

    private static Map<String, Integer> count(Iterable<String> states) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String state : states) {
            counts.merge(String.valueOf(state), 1, Integer::sum);
        }
        return counts;
    }
}
