package dev.junction.it.consistency;

import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drives reads and writes through Junction while replicas fall behind and catch up at random, and counts
 * every read that breaks a consistency promise. Every read records the node that served it, so the report
 * also says how much of the work replicas took.
 *
 * <ul>
 *   <li>{@link #sessionRun}: each worker writes increasing sequence numbers on its own connection and reads
 *       its maximum back: a read below the last write misses the session's own write; a read below the
 *       previous read goes back in time.</li>
 *   <li>{@link #globalRun}: each worker writes on one connection and reads on another, as a request does
 *       with two pooled connections: a read below the write misses a write committed before it began.</li>
 *   <li>{@link #eventualRun}: a heartbeat writer commits a sequence number every few milliseconds on the
 *       primary, remembering when each commit returned (this JVM's clock only, so no clock skew); a read that
 *       returns {@code s} while {@code s + 1} had committed for longer than the budget is too stale.</li>
 * </ul>
 */
final class ConsistencyChecker {
    private final ReplicatedDatabase database;
    private final Random random = new Random(20261126);

    ConsistencyChecker(ReplicatedDatabase database) {
        this.database = database;
    }

    /** What a run did and what it broke. */
    record Report(String mode, long operations, long reads, long replicaReads, long violations, List<String> examples) {
        double replicaShare() {
            return reads == 0 ? 0 : (double) replicaReads / reads;
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%s: %d operations, %d reads (%.1f %% on replicas), %d violations%s",
                    mode,
                    operations,
                    reads,
                    100 * replicaShare(),
                    violations,
                    examples.isEmpty() ? "" : " e.g. " + examples);
        }
    }

    void createSchema() throws SQLException {
        try (Connection primary = database.rawPrimary();
                Statement statement = primary.createStatement()) {
            statement.execute("drop table if exists ryw_log");
            statement.execute("drop table if exists heartbeat");
            statement.execute(
                    "create table ryw_log(session_id int not null, seq bigint not null, primary key (session_id, seq))");
            statement.execute("create table heartbeat(seq bigint primary key)");
        }
    }

    /** Where one read of {@code table} ran, and what it counted. */
    record TableRead(long rows, boolean onReplica) {}

    /** The reads of {@code aware_cold} and {@code aware_hot} after the last write, replicas stopped. */
    record TableAwareResult(TableRead cold, TableRead hot, long hotRowsWritten, int attempts) {}

    /**
     * Table-aware freshness against the real catalog: two standalone tables, {@code aware_cold} and {@code aware_hot};
     * with every replica stopped, a commit to {@code aware_hot} must hold back reads of {@code aware_hot} only. The
     * catalog is asked off the routing path, and until it has answered a commit counts against every table; so the
     * run repeats (replicas resumed and caught up in between) until a read of {@code aware_cold} reaches a replica or
     * 20 s have passed, and returns the last attempt.
     */
    TableAwareResult tableAwareRun(String parameters) throws Exception {
        try (Connection primary = database.rawPrimary();
                Statement statement = primary.createStatement()) {
            statement.execute("drop table if exists aware_cold");
            statement.execute("drop table if exists aware_hot");
            statement.execute("create table aware_cold(id int primary key)");
            statement.execute("create table aware_hot(id int primary key)");
            statement.execute("insert into aware_cold values (1)");
        }
        List<ReplicatedDatabase.LaggableReplica> replicas = database.replicas();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection connection = junction(parameters);
                Statement statement = connection.createStatement()) {
            int written = 0;
            for (int attempt = 1; ; attempt++) {
                statement.executeUpdate("insert into aware_hot values (" + ++written + ")");
                while (!readTable(statement, "aware_cold").onReplica()) { // replicas catch up with that write
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(
                                "a read of aware_cold never reached a replica, even with replication running");
                    }
                    Thread.sleep(20);
                }
                replicas.forEach(ReplicatedDatabase.LaggableReplica::stopApplying);
                TableAwareResult result;
                try {
                    statement.executeUpdate("insert into aware_hot values (" + ++written + ")");
                    result = new TableAwareResult(
                            readTable(statement, "aware_cold"), readTable(statement, "aware_hot"), written, attempt);
                } finally {
                    replicas.forEach(ReplicatedDatabase.LaggableReplica::resumeApplying);
                }
                if (result.cold().onReplica() || System.nanoTime() > deadline) {
                    return result;
                }
            }
        }
    }

    /**
     * Reads {@code table} alone: the serving-port expression cannot be used here, since on PostgreSQL it is a user
     * function, and a read that calls one may read any table (so it waits for every commit). The node comes from
     * {@link JunctionConnection#lastNode()}.
     */
    private TableRead readTable(Statement statement, String table) throws SQLException {
        try (ResultSet row = statement.executeQuery("select count(*) from " + table)) {
            row.next();
            String node =
                    statement.getConnection().unwrap(JunctionConnection.class).lastNode();
            return new TableRead(row.getLong(1), node.endsWith(" replica"));
        }
    }

    private Connection junction(String parameters, boolean transactions) throws SQLException {
        Connection connection = junction(parameters);
        connection.setAutoCommit(!transactions);
        return connection;
    }

    private static void commitIf(boolean transactions, Connection connection) throws SQLException {
        if (transactions) {
            connection.commit();
        }
    }

    private Connection junction(String parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password());
        return DriverManager.getConnection(database.junctionUrl() + "?" + parameters, properties);
    }

    Report sessionRun(String parameters, int workers, int operationsPerWorker) throws Exception {
        return sessionRun(parameters, workers, operationsPerWorker, false);
    }

    /**
     * @param transactions every write and every read is its own transaction with auto-commit off, never declared
     *     read-only, committed with {@code commit()}: how most applications work, which {@code transactionRouting}
     *     lets start on replicas
     */
    Report sessionRun(String parameters, int workers, int operationsPerWorker, boolean transactions) throws Exception {
        String mode = "session [" + parameters + (transactions ? ", transactions" : "") + "]";
        return withLagInjection(mode, workers, worker -> {
            Tally tally = new Tally();
            try (Connection connection = junction(parameters, transactions);
                    PreparedStatement write =
                            connection.prepareStatement("insert into ryw_log(session_id, seq) values (?, ?)");
                    PreparedStatement read = connection.prepareStatement("select coalesce(max(seq), 0), "
                            + database.servingPortExpression() + " from ryw_log where session_id = ?")) {
                long written = 0;
                long lastRead = 0;
                for (int i = 0; i < operationsPerWorker; i++) {
                    if (random(worker).nextInt(10) < 3) {
                        write.setInt(1, worker);
                        write.setLong(2, ++written);
                        write.executeUpdate();
                        commitIf(transactions, connection);
                        tally.operations++;
                    } else {
                        read.setInt(1, worker);
                        long seen;
                        int port;
                        try (ResultSet row = read.executeQuery()) {
                            row.next();
                            seen = row.getLong(1);
                            port = row.getInt(2);
                        }
                        commitIf(transactions, connection);
                        tally.read(port != database.primaryPort());
                        if (seen < written) {
                            tally.violation("worker " + worker + " wrote " + written + " but read " + seen + " on port "
                                    + port);
                        } else if (seen < lastRead) {
                            tally.violation("worker " + worker + " read " + seen + " after reading " + lastRead
                                    + " (port " + port + ")");
                        }
                        lastRead = Math.max(lastRead, seen);
                    }
                }
            }
            return tally;
        });
    }

    Report globalRun(String parameters, int workers, int operationsPerWorker) throws Exception {
        return globalRun(parameters, workers, operationsPerWorker, false);
    }

    /** @param transactions as for {@link #sessionRun(String, int, int, boolean)} */
    Report globalRun(String parameters, int workers, int operationsPerWorker, boolean transactions) throws Exception {
        String mode = "global [" + parameters + (transactions ? ", transactions" : "") + "]";
        return withLagInjection(mode, workers, worker -> {
            Tally tally = new Tally();
            int sessionId = 1000 + worker;
            try (Connection writer = junction(parameters, transactions);
                    Connection reader = junction(parameters, transactions);
                    PreparedStatement write =
                            writer.prepareStatement("insert into ryw_log(session_id, seq) values (?, ?)");
                    PreparedStatement read = reader.prepareStatement("select coalesce(max(seq), 0), "
                            + database.servingPortExpression() + " from ryw_log where session_id = ?")) {
                long written = 0;
                for (int i = 0; i < operationsPerWorker; i++) {
                    if (random(worker).nextInt(10) < 3) {
                        write.setInt(1, sessionId);
                        write.setLong(2, ++written);
                        write.executeUpdate();
                        commitIf(transactions, writer);
                        tally.operations++;
                    } else {
                        read.setInt(1, sessionId);
                        try (ResultSet row = read.executeQuery()) {
                            row.next();
                            long seen = row.getLong(1);
                            int port = row.getInt(2);
                            commitIf(transactions, reader);
                            tally.read(port != database.primaryPort());
                            if (seen < written) {
                                tally.violation("worker " + worker + " committed " + written
                                        + " on one connection, read " + seen + " on another (port " + port + ")");
                            }
                        }
                    }
                }
            }
            return tally;
        });
    }

    /**
     * Every replica has stopped applying: no replica can have a write, so each read right after one, on another
     * connection of the same pool, must be served by the primary and see it. Writes and reads alternate quickly, as a
     * request does with two pooled connections, well within one monitor interval of each write.
     */
    Report pooledRunWithReplicasStopped(String parameters, int rounds) throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(database.junctionUrl() + "?" + parameters);
        config.setDriverClassName("dev.junction.driver.JunctionDriver");
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(2);
        config.setPoolName("junction-consistency");
        List<ReplicatedDatabase.LaggableReplica> replicas = database.replicas();
        Tally tally = new Tally();
        int sessionId = 2000;
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            replicas.forEach(ReplicatedDatabase.LaggableReplica::stopApplying);
            for (long written = 1; written <= rounds; written++) {
                // Both held at once: the read runs on another physical session than the write, from the same pool.
                try (Connection writer = pool.getConnection();
                        Connection reader = pool.getConnection();
                        PreparedStatement write =
                                writer.prepareStatement("insert into ryw_log(session_id, seq) values (?, ?)");
                        PreparedStatement read = reader.prepareStatement("select coalesce(max(seq), 0), "
                                + database.servingPortExpression() + " from ryw_log where session_id = ?")) {
                    write.setInt(1, sessionId);
                    write.setLong(2, written);
                    write.executeUpdate();
                    tally.operations++;
                    read.setInt(1, sessionId);
                    try (ResultSet row = read.executeQuery()) {
                        row.next();
                        long seen = row.getLong(1);
                        int port = row.getInt(2);
                        tally.read(port != database.primaryPort());
                        if (seen < written) {
                            tally.violation("committed " + written + " on one pooled connection, read " + seen
                                    + " on another (port " + port + ") while replicas were stopped");
                        }
                    }
                }
            }
        } finally {
            replicas.forEach(ReplicatedDatabase.LaggableReplica::resumeApplying);
        }
        return new Report(
                "pooled global, replicas stopped [" + parameters + "]",
                tally.operations,
                tally.reads,
                tally.replicaReads,
                tally.violations,
                tally.examples);
    }

    Report eventualRun(String parameters, Duration allowedStaleness, int workers, int readsPerWorker) throws Exception {
        int capacity = 1_000_000;
        AtomicLongArray committedAt = new AtomicLongArray(capacity);
        AtomicLong lastCommitted = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread heartbeat = new Thread(
                () -> {
                    try (Connection primary = database.rawPrimary();
                            PreparedStatement insert =
                                    primary.prepareStatement("insert into heartbeat(seq) values (?)")) {
                        for (long seq = 1; seq < capacity && !stop.get(); seq++) {
                            insert.setLong(1, seq);
                            insert.executeUpdate();
                            committedAt.set((int) seq, System.nanoTime());
                            lastCommitted.set(seq);
                            Thread.sleep(2);
                        }
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException("The heartbeat writer failed", e);
                    }
                },
                "heartbeat-writer");
        heartbeat.start();
        try {
            return withLagInjection("eventual [" + parameters + "]", workers, worker -> {
                Tally tally = new Tally();
                try (Connection connection = junction(parameters);
                        PreparedStatement read = connection.prepareStatement("select coalesce(max(seq), 0), "
                                + database.servingPortExpression() + " from heartbeat")) {
                    for (int i = 0; i < readsPerWorker; i++) {
                        long started = System.nanoTime();
                        try (ResultSet row = read.executeQuery()) {
                            row.next();
                            long seen = row.getLong(1);
                            int port = row.getInt(2);
                            tally.read(port != database.primaryPort());
                            long next = seen + 1;
                            long nextCommittedAt = next < capacity ? committedAt.get((int) next) : 0;
                            if (nextCommittedAt != 0 && started - nextCommittedAt > allowedStaleness.toNanos()) {
                                tally.violation("read " + seen + " on port " + port + " although " + next
                                        + " had committed " + (started - nextCommittedAt) / 1_000_000
                                        + " ms before the read began");
                            }
                        }
                    }
                }
                return tally;
            });
        } finally {
            stop.set(true);
            heartbeat.join();
        }
    }

    @FunctionalInterface
    private interface Worker {
        Tally run(int worker) throws Exception;
    }

    private final ConcurrentHashMap<Integer, Random> randoms = new ConcurrentHashMap<>();

    private Random random(int worker) {
        return randoms.computeIfAbsent(worker, w -> new Random(20261126L * 31 + w));
    }

    /** Runs the workers while a background thread pauses and resumes replay on random replicas. */
    private Report withLagInjection(String mode, int workers, Worker body) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread injector = new Thread(() -> injectLag(done), "lag-injector");
        injector.start();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Tally>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(pool.submit(() -> body.run(worker)));
            }
            Tally total = new Tally();
            for (Future<Tally> future : futures) {
                total.add(future.get());
            }
            return new Report(
                    mode, total.operations, total.reads, total.replicaReads, total.violations, total.examples);
        } finally {
            done.set(true);
            injector.join();
            pool.shutdownNow();
        }
    }

    private void injectLag(AtomicBoolean done) {
        List<ReplicatedDatabase.LaggableReplica> replicas = database.replicas();
        boolean[] stopped = new boolean[replicas.size()];
        try {
            while (!done.get()) {
                int which = random.nextInt(replicas.size());
                if (stopped[which]) {
                    replicas.get(which).resumeApplying();
                } else {
                    replicas.get(which).stopApplying();
                }
                stopped[which] = !stopped[which];
                Thread.sleep(50 + random.nextInt(400));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (int i = 0; i < replicas.size(); i++) {
                if (stopped[i]) {
                    replicas.get(i).resumeApplying();
                }
            }
        }
    }

    /** Counts of one worker, merged at the end. */
    private static final class Tally {
        private long operations;
        private long reads;
        private long replicaReads;
        private long violations;
        private final List<String> examples = new ArrayList<>();

        void read(boolean onReplica) {
            operations++;
            reads++;
            if (onReplica) {
                replicaReads++;
            }
        }

        void violation(String example) {
            violations++;
            if (examples.size() < 5) {
                examples.add(example);
            }
        }

        void add(Tally other) {
            operations += other.operations;
            reads += other.reads;
            replicaReads += other.replicaReads;
            violations += other.violations;
            for (String example : other.examples) {
                if (examples.size() < 5) {
                    examples.add(example);
                }
            }
        }
    }
}
