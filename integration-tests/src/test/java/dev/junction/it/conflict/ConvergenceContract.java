package dev.junction.it.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.reconcile.Reconciler;
import dev.junction.driver.reconcile.TableReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Convergence under a randomised workload on a two-master bed: two application threads, each with a Junction data
 * source homed on another master, insert, update and delete a small key space (many collisions) through stamping, while
 * replication is paused and resumed; between two phases master 1 is killed (its application's statements go to
 * master 0 meanwhile) and restarted. Then writes stop, replication catches up, reconcile runs, and both masters must
 * hold the same rows, each equal to the last acknowledged write of its key, with replication running.
 *
 * <p>The model is independent of Junction's code: each write runs under one lock, so the acknowledged writes have one
 * order, the order in which the JVM's clock stamped them; last-writer-wins must leave every key with the last
 * acknowledged write in that order. Writes that failed (a duplicate key, a statement the killed master never got)
 * are not acknowledged and must not show.
 */
abstract class ConvergenceContract {
    private static final int KEYS = 20;
    private static final int OPERATIONS_PER_PHASE = 150;

    /** The bed the tests run on, started by the subclass. */
    abstract TwoMasterBed bed();

    /** The table the test uses, made by the subclass once the bed is up. */
    static void createTables(TwoMasterBed bed) {
        bed.createOnBoth(
                "create table conv(id int primary key, val varchar(40) not null,"
                        + " _hlc bigint not null default 0, _origin varchar(64) not null default '', _deleted boolean not null default false)");
        bed.installGuards("conv", List.of("id"), List.of("id", "val", "_hlc", "_origin", "_deleted"));
        bed.createOnBoth("create table conv_counts(k int, _origin varchar(64), n bigint not null default 0,"
                + " _hlc bigint not null default 0, primary key (k, _origin))");
    }

    String url(int home) {
        return bed().homedUrl(home, "");
    }

    Properties credentials() {
        return bed().applicationCredentials();
    }

    Connection rawMaster(int index) throws SQLException {
        return bed().rawMaster(index);
    }

    void pauseReplication() {
        bed().pauseReplication();
    }

    void resumeReplication() {
        bed().resumeReplication();
    }

    void awaitReplication() {
        bed().awaitReplication();
    }

    void killMaster1() {
        bed().killMaster1();
    }

    void restartMaster1() {
        bed().restartMaster1();
    }

    boolean replicating() {
        return bed().replicating();
    }

    /** Whether {@code e} says the key exists already (the write certainly did not happen). */
    static boolean duplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    private final ReentrantLock order = new ReentrantLock();
    private final Map<Integer, String> model = new TreeMap<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final AtomicInteger increments = new AtomicInteger();
    /** The sum of the acknowledged increments of each counter key. */
    private final Map<Integer, Long> counts = new TreeMap<>();
    /** Keys whose last acknowledged write deleted them: a live row of one on a master is a resurrection. */
    private final java.util.Set<Integer> deletedLast = new java.util.TreeSet<>();

    /** One writer's share of a phase: random inserts and updates of the key space through its own data source. */
    private Void writer(Connection connection, int writer, int phase, boolean toleratesFailures) throws Exception {
        Random random = new Random(31L * phase + writer);
        try (PreparedStatement insert = connection.prepareStatement("insert into conv (id, val) values (?, ?)");
                PreparedStatement update = connection.prepareStatement("update conv set val = ? where id = ?");
                PreparedStatement delete = connection.prepareStatement("delete from conv where id = ?");
                PreparedStatement increment =
                        connection.prepareStatement("update conv_counts set n = n + ? where k = ?")) {
            for (int i = 0; i < OPERATIONS_PER_PHASE; i++) {
                int key = random.nextInt(KEYS);
                String value = "w" + writer + "p" + phase + "#" + i;
                int choice = random.nextInt(7);
                boolean inserting = choice < 2;
                boolean deleting = choice == 2;
                boolean counting = choice == 3;
                long delta = random.nextInt(11) - 3;
                PreparedStatement statement = inserting ? insert : deleting ? delete : counting ? increment : update;
                order.lock();
                try {
                    if (inserting) {
                        insert.setInt(1, key);
                        insert.setString(2, value);
                    } else if (deleting) {
                        delete.setInt(1, key);
                    } else if (counting) {
                        increment.setLong(1, delta);
                        increment.setInt(2, key);
                    } else {
                        update.setString(1, value);
                        update.setInt(2, key);
                    }
                    if (statement.executeUpdate() == 1) {
                        if (counting) {
                            counts.merge(key, delta, Long::sum);
                            increments.incrementAndGet();
                        } else if (deleting) {
                            model.remove(key);
                            deletedLast.add(key);
                            deletes.incrementAndGet();
                        } else {
                            model.put(key, value);
                            deletedLast.remove(key);
                        }
                        acknowledged.incrementAndGet();
                    }
                } catch (SQLException e) {
                    if (duplicateKey(e)) {
                        refused.incrementAndGet();
                    } else if (toleratesFailures) {
                        failed.incrementAndGet(); // sent to a killed master: nothing committed
                        Thread.sleep(50);
                    } else {
                        throw e;
                    }
                } finally {
                    order.unlock();
                }
                if (random.nextInt(10) == 0) {
                    Thread.sleep(1);
                }
            }
        }
        return null;
    }

    private void phase(Connection east, Connection west, int phase, boolean toleratesFailures, boolean flapping)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> writers = new ArrayList<>();
            writers.add(pool.submit(() -> writer(east, 0, phase, toleratesFailures)));
            writers.add(pool.submit(() -> writer(west, 1, phase, toleratesFailures)));
            boolean paused = false;
            while (flapping && !writers.stream().allMatch(Future::isDone)) {
                Thread.sleep(150);
                if (paused) {
                    resumeReplication();
                } else {
                    pauseReplication();
                }
                paused = !paused;
            }
            for (Future<Void> writer : writers) {
                writer.get();
            }
            if (paused) {
                resumeReplication();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<Integer, String> rows(int master) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select id, val from conv where not _deleted")) {
            while (result.next()) {
                rows.put(result.getInt(1), result.getString(2));
            }
        }
        return rows;
    }

    @Test
    void bothMastersEndWithTheLastAcknowledgedWriteOfEveryKey() throws Exception {
        String stamped = "&conflictTables=conv,conv_counts:counter";
        try (Connection east = DriverManager.getConnection(url(0) + stamped, credentials());
                Connection west = DriverManager.getConnection(url(1) + stamped, credentials())) {
            phase(east, west, 1, false, true);
            killMaster1();
            phase(east, west, 2, true, false);
            restartMaster1();
            phase(east, west, 3, false, true);
        }
        awaitReplication();
        Map<Integer, String> before0 = rows(0);
        Map<Integer, String> before1 = rows(1);
        TableReport report;
        try (Reconciler reconciler = Reconciler.open(url(0) + "&conflictTables=conv", credentials())) {
            report = reconciler.reconcile("conv", false, null);
            assertThat(reconciler.reconcile("conv", false, null).nothingToDo()).isTrue();
        }
        awaitReplication();
        System.out.printf(
                "%s convergence: %d writes acknowledged (%d of them deletes, %d counter increments), %d refused as duplicate keys, %d failed"
                        + " on the killed master; after replication %d of %d live keys differed between the masters;"
                        + " reconcile decided %d keys (%d repairs); mismatches with the model after reconcile: %d;"
                        + " resurrections: %d%n",
                getClass().getSimpleName(),
                acknowledged.get(),
                deletes.get(),
                increments.get(),
                refused.get(),
                failed.get(),
                differing(before0, before1),
                model.size(),
                report.keysDecided(),
                report.repairs(),
                differing(rows(0), model) + differing(rows(1), model),
                resurrections(rows(0)) + resurrections(rows(1)));
        assertThat(acknowledged.get()).isGreaterThan(OPERATIONS_PER_PHASE);
        assertThat(deletes.get()).as("deletes acknowledged").isPositive();
        assertThat(resurrections(rows(0)) + resurrections(rows(1)))
                .as("keys deleted last, live on a master")
                .isZero();
        assertThat(rows(0))
                .as("master 0 holds the last acknowledged write of every key")
                .isEqualTo(model);
        assertThat(rows(1))
                .as("master 1 holds the last acknowledged write of every key")
                .isEqualTo(model);
        assertThat(sums(0))
                .as("master 0's counters: the sum of the acknowledged increments")
                .isEqualTo(counts);
        assertThat(sums(1)).as("master 1's counters").isEqualTo(counts);
        assertThat(increments.get()).as("increments acknowledged").isPositive();
        assertThat(replicating()).as("replication runs both ways at the end").isTrue();
    }

    /** Each counter key's value on master {@code master}: the sum of its masters' rows. */
    private Map<Integer, Long> sums(int master) throws SQLException {
        Map<Integer, Long> sums = new TreeMap<>();
        try (Connection connection = rawMaster(master);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select k, sum(n) from conv_counts group by k")) {
            while (result.next()) {
                sums.put(result.getInt(1), result.getLong(2));
            }
        }
        return sums;
    }

    private int resurrections(Map<Integer, String> rows) {
        return (int) deletedLast.stream().filter(rows::containsKey).count();
    }

    private static int differing(Map<Integer, String> a, Map<Integer, String> b) {
        java.util.Set<Integer> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        int count = 0;
        for (Integer key : keys) {
            if (!java.util.Objects.equals(a.get(key), b.get(key))) {
                count++;
            }
        }
        return count;
    }
}
