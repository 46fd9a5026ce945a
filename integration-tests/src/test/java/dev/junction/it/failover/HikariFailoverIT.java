package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A HikariCP pool of 10 in front of Junction, with {@code JunctionHikariExceptionOverride}, through three failovers
 * of a PostgreSQL cluster (a primary and three standbys; each time the primary is crashed and the most advanced
 * standby promoted): writes resume after each, every failure carries a documented SQLState, no pooled connection is
 * left holding a physical connection to a crashed node, and neither Junction's nor the pool's threads outlive the
 * pool.
 */
class HikariFailoverIT {
    private static final int WORKERS = 6;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong lastWriteAt = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

    @Test
    void thePoolRecoversFromThreeFailoversAndKeepsNoConnectionToADeadNode() throws Exception {
        Set<String> threadsBefore = LiveThreads.named("junction", "HikariPool");
        List<String> crashed = new ArrayList<>();
        List<Long> resumedAfterPromotion = new ArrayList<>();
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(3).start()) {
            cluster.primary().execute("create table pool_rows (id bigint primary key, worker int not null)");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?failoverTimeout=20s");
            config.setUsername("postgres");
            config.setMaximumPoolSize(10);
            config.setMinimumIdle(10);
            config.setExceptionOverrideClassName("dev.junction.spring.JunctionHikariExceptionOverride");
            try (HikariDataSource pool = new HikariDataSource(config)) {
                List<Thread> workers = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    int worker = i;
                    Thread thread = new Thread(() -> work(pool, worker), "pool-worker-" + i);
                    thread.setDaemon(true);
                    workers.add(thread);
                }
                workers.forEach(Thread::start);
                Thread.sleep(1_000);
                for (int failover = 0; failover < 3; failover++) {
                    PostgresNode primary = cluster.currentPrimary().orElseThrow();
                    crashed.add(primary.address());
                    primary.crash();
                    Thread.sleep(FailoverDrill.DETECTION_PAUSE_MILLIS);
                    cluster.promoteMostAdvanced();
                    long promoted = System.nanoTime();
                    long deadline = promoted + TimeUnit.SECONDS.toNanos(20);
                    while (lastWriteAt.get() - promoted < 0 && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertThat(lastWriteAt.get() - promoted)
                            .as("a write acknowledged after failover %d (failures %s)", failover + 1, counts())
                            .isPositive();
                    resumedAfterPromotion.add(TimeUnit.NANOSECONDS.toMillis(lastWriteAt.get() - promoted));
                    Thread.sleep(1_000);
                }
                running.set(false);
                for (Thread worker : workers) {
                    worker.join(TimeUnit.SECONDS.toMillis(30));
                    assertThat(worker.isAlive())
                            .as(worker.getName() + " still runs")
                            .isFalse();
                }
                List<String> pooled = new ArrayList<>();
                List<Connection> borrowed = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        Connection connection = pool.getConnection();
                        borrowed.add(connection);
                        pooled.add(connection.unwrap(JunctionConnection.class).toString());
                    }
                } finally {
                    for (Connection connection : borrowed) {
                        connection.close();
                    }
                }
                System.out.println("[HikariFailoverIT] three failovers (crashed " + crashed
                        + "): writes resumed " + resumedAfterPromotion + " ms after each promotion; " + reads.get()
                        + " reads; failures " + counts() + "; pooled connections " + pooled);
                firstMessages.forEach((state, message) -> System.out.println("  " + state + ": " + message));
                // A connection lists the nodes it holds a physical connection to ("[primary 127.0.0.1:5432, ...]"),
                // or the cluster URL when it holds none
                assertThat(pooled)
                        .as("pooled connections holding a physical connection to a crashed node")
                        .noneMatch(text -> crashed.stream()
                                .anyMatch(address -> text.matches(".*(primary|replica|down) " + address + "\\b.*")));
                assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(10);
            }
        }
        assertThat(counts().keySet()).as("what failed operations were told").isSubsetOf("08007", "08S02");
        LiveThreads.awaitNoneBeyond(threadsBefore, "junction", "HikariPool");
    }

    private void work(HikariDataSource pool, int worker) {
        while (running.get()) {
            long id = nextId.getAndIncrement();
            try (Connection connection = pool.getConnection()) {
                try (PreparedStatement insert =
                        connection.prepareStatement("insert into pool_rows (id, worker) values (?, ?)")) {
                    insert.setLong(1, id);
                    insert.setInt(2, worker);
                    insert.executeUpdate();
                    lastWriteAt.set(System.nanoTime());
                }
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("select count(*) from pool_rows")) {
                    rows.next();
                    reads.incrementAndGet();
                }
            } catch (SQLException e) {
                String state = String.valueOf(e.getSQLState());
                failures.add(state);
                firstMessages.putIfAbsent(state, String.valueOf(e.getMessage()));
            }
        }
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String state : failures) {
            counts.merge(state, 1, Integer::sum);
        }
        return counts;
    }
}
