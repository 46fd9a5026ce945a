package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.router.NodeLoad;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code loadBalance=least-busy} and {@code primaryReads} on a real PostgreSQL primary with two streaming standbys:
 * where reads go while other reads (and a write) of this JVM are running, as the servers' own {@code
 * pg_stat_activity} shows them. Each test logs in as a user of its own, so that its connections share one cluster
 * topology (and one account of the load) that no other test touched.
 */
class ReadBalancingIT {
    /** A read that holds its node for a while; stable, so a replica may take it. */
    private static final String SLOW_READ = "select pg_sleep(%s), server_port()";

    private static PostgresCluster cluster;
    private static String hosts;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Connection> opened = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        primaryPort = cluster.primary().port();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        hosts = cluster.nodes().stream().map(PostgresNode::address).collect(Collectors.joining(","));
        List<String> setup = new ArrayList<>(List.of(PostgresRoutingIT.SERVER_PORT_FUNCTION));
        for (String user : List.of("lb_busy", "lb_idle", "lb_never", "lb_weighted")) {
            setup.add("create user " + user + " superuser");
        }
        cluster.primary().execute(setup.toArray(String[]::new));
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeEverything() throws Exception {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Connection c : opened) {
            c.close();
        }
    }

    @Test
    void leastBusySendsReadsAwayFromAReplicaThatIsRunningOne() throws Exception {
        String properties = "loadBalance=least-busy";
        List<Connection> sessions = warmedUp("lb_busy", properties, 2);
        CompletableFuture<Integer> slow = readInBackground(sessions.get(0), "3");
        int busy = awaitRunningSleep(standbyPorts);
        int other = standbyPorts.stream().filter(p -> p != busy).findFirst().orElseThrow();
        for (int i = 0; i < 6; i++) {
            assertThat(port(sessions.get(1)))
                    .as("read %d while %d runs the slow one", i, busy)
                    .isEqualTo(other);
        }
        assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo(busy);
    }

    @Test
    void whenIdleThePrimaryTakesAReadOnlyWhileBothReplicasAreBusyAndItIsNot() throws Exception {
        List<Connection> sessions = warmedUp("lb_idle", "loadBalance=least-busy&primaryReads=when-idle", 4);
        assertThat(port(sessions.get(3))).as("replicas idle: a replica").isIn(standbyPorts);
        CompletableFuture<Integer> first = readInBackground(sessions.get(0), "4");
        int firstOn = awaitRunningSleep(standbyPorts);
        CompletableFuture<Integer> second = readInBackground(sessions.get(1), "4");
        awaitRunningSleeps(2);
        CompletableFuture<Integer> third = readInBackground(sessions.get(2), "2");
        assertThat(awaitRunningSleepOn(primaryPort)).isEqualTo(primaryPort);
        assertThat(port(sessions.get(3)))
                .as("the primary busy too: back to a replica")
                .isIn(standbyPorts);
        assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo(primaryPort);
        assertThat(Set.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrderElementsOf(standbyPorts)
                .contains(firstOn);
    }

    @Test
    void neverLeavesReadsOnTheReplicasHoweverBusy() throws Exception {
        List<Connection> sessions = warmedUp("lb_never", "loadBalance=least-busy&primaryReads=never", 3);
        List<CompletableFuture<Integer>> slow = occupyBothStandbys(sessions, "3");
        for (int i = 0; i < 4; i++) {
            assertThat(port(sessions.get(2))).isIn(standbyPorts);
        }
        for (CompletableFuture<Integer> read : slow) {
            assertThat(read.get(30, TimeUnit.SECONDS)).isIn(standbyPorts);
        }
    }

    @Test
    void weightedCountsThePrimarysWritesInFlightAgainstIt() throws Exception {
        List<Connection> sessions = warmedUp("lb_weighted", "loadBalance=least-busy&primaryReads=weighted", 5);
        List<CompletableFuture<Integer>> slow = occupyBothStandbys(sessions, "4");
        // Both replicas run one read; the idle primary has fewer in flight.
        assertThat(port(sessions.get(3))).isEqualTo(primaryPort);
        // Two writes that hold the primary: a read there would wait behind both, on a replica behind one.
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (Connection writer : List.of(sessions.get(2), sessions.get(4))) {
            writes.add(CompletableFuture.supplyAsync(
                    () -> update(writer, "insert into lb_rows select 1 from pg_sleep(2)"), threads));
        }
        awaitRunning(primaryPort, 2);
        assertThat(port(sessions.get(3))).isIn(standbyPorts);
        for (CompletableFuture<Integer> write : writes) {
            assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        for (CompletableFuture<Integer> read : slow) {
            assertThat(read.get(30, TimeUnit.SECONDS)).isIn(standbyPorts);
        }
    }

    /**
     * {@code count} connections as {@code user}, each having read from every node a few times, so that their physical
     * connections are open and each node's service time is measured.
     */
    private List<Connection> warmedUp(String user, String properties, int count) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", user);
        String url = "jdbc:junction:postgresql://" + hosts + "/postgres?readConsistency=eventual&" + properties;
        List<Connection> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Connection c = DriverManager.getConnection(url, login);
            opened.add(c);
            sessions.add(c);
        }
        try (Statement s = sessions.get(0).createStatement()) {
            s.execute("create table if not exists lb_rows(n int)");
            s.execute("delete from lb_rows");
            s.execute("insert into lb_rows values (0)");
        }
        awaitStandbysServe(sessions.get(0));
        // The first statements on a new backend are slow (its caches fill): enough reads that each node's measured
        // service time is its steady one.
        for (int i = 0; i < 60; i++) {
            for (Connection c : sessions) {
                port(c);
            }
        }
        // A node the balancer avoided meanwhile is tried again once its average is older than this.
        sleepMillis(NodeLoad.FORGET_AFTER_NANOS / 1_000_000 + 20);
        for (Connection c : sessions) {
            for (int i = 0; i < 20; i++) {
                port(c);
            }
        }
        return sessions;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Until the monitor has seen both standbys, eventual reads go to the primary. */
    private static void awaitStandbysServe(Connection c) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<Integer> seen = new java.util.HashSet<>();
        while (!seen.containsAll(standbyPorts) && System.nanoTime() < deadline) {
            seen.add(port(c));
        }
        assertThat(seen).containsAll(standbyPorts);
    }

    /** A slow read on each standby, from the first two sessions, running once this returns. */
    private List<CompletableFuture<Integer>> occupyBothStandbys(List<Connection> sessions, String seconds)
            throws InterruptedException {
        CompletableFuture<Integer> first = readInBackground(sessions.get(0), seconds);
        awaitRunningSleep(standbyPorts);
        CompletableFuture<Integer> second = readInBackground(sessions.get(1), seconds);
        awaitRunningSleeps(2);
        return List.of(first, second);
    }

    private CompletableFuture<Integer> readInBackground(Connection c, String seconds) {
        return CompletableFuture.supplyAsync(() -> query(c, String.format(SLOW_READ, seconds)), threads);
    }

    private static int port(Connection c) {
        return query(c, "select server_port()");
    }

    private static int query(Connection c, String sql) {
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(rows.getMetaData().getColumnCount());
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static int update(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The one node among {@code ports} where a slow statement runs, once one does. */
    private static int awaitRunningSleep(Set<Integer> ports) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (int port : ports) {
                if (runningSleeps(port) > 0) {
                    return port;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no slow statement started on " + ports);
    }

    private static int awaitRunningSleepOn(int port) throws InterruptedException {
        return awaitRunningSleep(Set.of(port));
    }

    private static void awaitRunning(int port, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runningSleeps(port) < count) {
            assertThat(System.nanoTime())
                    .as("%d slow statements on %d", count, port)
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Until {@code count} slow statements run on the standbys, one on each. */
    private static void awaitRunningSleeps(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (standbyPorts.stream().mapToInt(ReadBalancingIT::runningSleeps).sum() >= count) {
                for (int port : standbyPorts) {
                    assertThat(runningSleeps(port)).as("slow reads on %d", port).isEqualTo(1);
                }
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(count + " slow statements never ran on the standbys");
    }

    private static int runningSleeps(int port) {
        PostgresNode node = cluster.nodes().stream()
                .filter(n -> n.port() == port)
                .findFirst()
                .orElseThrow();
        return Integer.parseInt(node.queryString("select count(*) from pg_stat_activity where state = 'active'"
                + " and query like '%pg_sleep(%' and query not like '%pg_stat_activity%'"));
    }
}
