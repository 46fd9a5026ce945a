package dev.junction.driver.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.Connections;
import dev.junction.driver.internal.jdbc.FakeBackendDriver;
import dev.junction.driver.internal.pipeline.FakeCluster;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What connections share and for how long (issue 12): the monitor, topology, classifier and catalogs are shared per
 * cluster and set of credentials, so that one account's probes and catalog queries never decide for another; the
 * catalogs ask over one connection per entry, opened with the entry's credentials and reopened after it broke; and
 * the last user's release stops every thread and closes every connection. Over {@link FakeBackendDriver}, hosts of
 * each test's own, since entries live per JVM. The idle grace runs on a {@link FakeGraceTimer}: no test waits for it.
 */
class KeyedSharingTest {
    private final FakeBackendDriver backend = new FakeBackendDriver();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        backend.wakeAll();
        for (AutoCloseable resource : opened) {
            resource.close();
        }
    }

    private static String url(String... hosts) {
        return "jdbc:junction:postgresql://" + String.join(",", hosts) + "/app";
    }

    private static ConnectionSettings settings(String url, String user, String password) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        return ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of());
    }

    private Connection connect(String url, String user, String password) throws SQLException {
        Connection connection = Connections.open(settings(url, user, password), backend);
        opened.add(connection);
        return connection;
    }

    private SharedMonitors.Lease lease(String url, String user, String password) throws SQLException {
        SharedMonitors.Lease lease = Connections.monitorLease(settings(url, user, password), backend);
        opened.add(lease);
        return lease;
    }

    private static void query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
        }
    }

    /** The users whose catalog lookups asked about {@code name}. */
    private Set<String> lookedUpBy(String name) {
        return backend.queriesBy("junction-catalog").stream()
                .filter(q -> q.parameters().contains(name))
                .map(FakeBackendDriver.Query::user)
                .collect(Collectors.toSet());
    }

    private long catalogConnects(String address) {
        return backend.connectsTo(address).stream()
                .filter(c -> "junction-catalog".equals(c.properties().getProperty("ApplicationName")))
                .count();
    }

    private static Stream<Thread> liveThreadsOf(String hostPrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("junction-")
                        && thread.getName().contains(hostPrefix));
    }

    private static Set<String> threadsOf(String hostPrefix) {
        return liveThreadsOf(hostPrefix).map(Thread::getName).collect(Collectors.toSet());
    }

    /** Joins the threads of {@code hostPrefix}, all of them within {@code within}; the names of those still alive. */
    private static Set<String> awaitNoThreadOf(String hostPrefix, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (Thread thread : liveThreadsOf(hostPrefix).toList()) {
            TimeUnit.NANOSECONDS.timedJoin(thread, deadline - System.nanoTime());
        }
        return threadsOf(hostPrefix);
    }

    /**
     * Times the idle grace on a fake clock: a release runs, on the thread that moves time on, once {@link #advance}
     * passes its time; until then the entry lives on, however long the test takes.
     */
    private static final class FakeGraceTimer implements SharedMonitors.GraceTimer {
        private record Scheduled(long dueNanos, Runnable release) {}

        private final List<Scheduled> scheduled = new ArrayList<>();
        private long nowNanos;

        @Override
        public synchronized boolean runAfter(TopologyMonitor monitor, Runnable release, Duration grace) {
            if (monitor.isClosed()) {
                return false; // as the monitor's thread: a stopped monitor runs nothing
            }
            scheduled.add(new Scheduled(nowNanos + grace.toNanos(), release));
            return true;
        }

        synchronized long nanoTime() {
            return nowNanos;
        }

        /** Moves the clock on by {@code step} and runs, in the order they fall due, the releases due by then. */
        void advance(Duration step) {
            List<Scheduled> due;
            synchronized (this) {
                nowNanos += step.toNanos();
                due = scheduled.stream()
                        .filter(s -> s.dueNanos() <= nowNanos)
                        .sorted(java.util.Comparator.comparingLong(Scheduled::dueNanos))
                        .toList();
                scheduled.removeAll(due);
            }
            // Outside the lock, as on the monitor's thread: a release takes the registry's lock.
            due.forEach(s -> s.release().run());
        }
    }

    // ---- keyed by cluster and credentials ----

    @Test
    void theSameCredentialsShareAnEntryAndOtherCredentialsGetTheirOwn() throws SQLException {
        backend.server("share1:5432");
        backend.server("share2:5432").replica();
        String url = url("share1:5432", "share2:5432");

        SharedMonitors.Lease app = lease(url, "app", "pw");
        SharedMonitors.Lease sameApp = lease(url, "app", "pw");
        SharedMonitors.Lease otherPassword = lease(url, "app", "other-pw");
        SharedMonitors.Lease other = lease(url, "other", "pw");

        assertThat(Connections.topology(sameApp)).isSameAs(Connections.topology(app));
        assertThat(sameApp.monitor()).isSameAs(app.monitor());
        for (SharedMonitors.Lease distinct : List.of(otherPassword, other)) {
            assertThat(Connections.topology(distinct)).isNotSameAs(Connections.topology(app));
            assertThat(distinct.monitor()).isNotSameAs(app.monitor());
            assertThat(Connections.topology(distinct)
                            .routing(Backend.POSTGRESQL, null)
                            .classifier())
                    .as("the classifier, with its function answers, is per entry too")
                    .isNotSameAs(Connections.topology(app)
                            .routing(Backend.POSTGRESQL, null)
                            .classifier());
            assertThat(Connections.topology(distinct).globalCommits())
                    .as("commits made through Junction are the cluster's, whoever made them: readConsistency=global")
                    .isSameAs(Connections.topology(app).globalCommits());
        }
        assertThat(app.key().toString()).startsWith(url).doesNotContain("pw");
    }

    @Test
    void theKeyHoldsNoPasswordAndEveryBackendPropertyCounts() throws SQLException {
        String url = url("key1:5432");
        SharedMonitors.Key key = Connections.key(settings(url, "app", "S3cr3t-pw"));
        assertThat(key)
                .isEqualTo(Connections.key(settings(url, "app", "S3cr3t-pw")))
                .isNotEqualTo(Connections.key(settings(url, "app", "S3cr3t-pX")))
                .isNotEqualTo(Connections.key(settings(url, "other", "S3cr3t-pw")))
                .isNotEqualTo(Connections.key(settings(url("key2:5432"), "app", "S3cr3t-pw")));
        assertThat(key.cluster()).isEqualTo(url);
        assertThat(key.toString()).doesNotContain("S3cr3t");
        Properties withSsl = new Properties();
        withSsl.setProperty("user", "app");
        withSsl.setProperty("password", "S3cr3t-pw");
        withSsl.setProperty("sslmode", "require");
        assertThat(Connections.key(ConnectionSettings.of(JunctionUrl.parse(url), withSsl, Map.of())))
                .isNotEqualTo(key);
        assertThat(Connections.key(settings(url + "?maxReplicaLag=2s", "app", "S3cr3t-pw")))
                .as("Junction's own properties are no credentials: same entry")
                .isEqualTo(key);
    }

    @Test
    void catalogLookupsRunWithTheCredentialsOfTheirOwnEntry() throws SQLException {
        backend.server("cat1:5432");
        backend.server("cat2:5432").replica();
        String url = url("cat1:5432", "cat2:5432");
        Connection app = connect(url, "app", "pw");
        Connection other = connect(url, "other", "pw");

        query(app, "select app_fn() from app_table");
        query(other, "select other_fn() from other_table");
        query(other, "select app_fn()");

        assertThat(lookedUpBy("app_fn"))
                .as("each user looks a function up as itself")
                .containsExactlyInAnyOrder("app", "other");
        assertThat(lookedUpBy("other_fn")).containsExactly("other");
        assertThat(backend.queriesBy("junction-catalog"))
                .as("the catalogs ask the primary")
                .allMatch(q -> q.address().equals("cat1:5432"));
        assertThat(backend.queriesBy("junction-monitor"))
                .extracting(FakeBackendDriver.Query::user)
                .contains("app", "other");
    }

    @Test
    void ddlThroughOneUsersConnectionMakesEveryUsersCatalogsForget() throws SQLException {
        backend.server("ddl1:5432");
        backend.server("ddl2:5432").replica();
        String url = url("ddl1:5432", "ddl2:5432");
        Connection app = connect(url, "app", "pw");
        Connection other = connect(url, "other", "pw");
        query(other, "select kept_fn()");
        query(other, "select kept_fn()");
        assertThat(lookups("kept_fn")).as("an answer is kept").isEqualTo(1);

        try (Statement statement = app.createStatement()) {
            statement.execute("create or replace function kept_fn() returns int language sql volatile as 'select 1'");
        }
        query(other, "select kept_fn()");
        assertThat(lookups("kept_fn"))
                .as("the other user's classifier forgot it")
                .isEqualTo(2);
    }

    private long lookups(String name) {
        return backend.queriesBy("junction-catalog").stream()
                .filter(q -> q.parameters().contains(name))
                .count();
    }

    @Test
    void aCatalogAsksOverOneConnectionForEveryLookup() throws SQLException {
        backend.server("reuse1:5432");
        backend.server("reuse2:5432").replica();
        String url = url("reuse1:5432", "reuse2:5432");
        Connection first = connect(url, "app", "pw");
        Connection second = connect(url, "app", "pw");
        for (int i = 0; i < 5; i++) {
            query(i % 2 == 0 ? first : second, "select fn_" + i + "() from table_" + i);
        }
        assertThat(lookedUpBy("fn_4")).containsExactly("app");
        assertThat(catalogConnects("reuse1:5432"))
                .as("one connection for all lookups of the entry")
                .isEqualTo(1);
        assertThat(backend.openConnections("junction-catalog")).isEqualTo(1);
    }

    @Test
    void aCatalogConnectionLostDuringALookupIsReopenedForTheNext() throws SQLException {
        backend.server("lost1:5432");
        backend.server("lost2:5432").replica();
        Connection connection = connect(url("lost1:5432", "lost2:5432"), "app", "pw");
        query(connection, "select first_fn()");
        backend.server("lost1:5432").nextPreparedQueryFailure =
                new SQLNonTransientConnectionException("An I/O error occurred while sending to the backend.", "08006");
        query(connection, "select broken_fn()");
        query(connection, "select later_fn()");
        assertThat(lookedUpBy("later_fn")).containsExactly("app");
        assertThat(catalogConnects("lost1:5432"))
                .as("the broken one, and one more")
                .isEqualTo(2);
        assertThat(backend.openConnections("junction-catalog")).isEqualTo(1);
    }

    @Test
    void concurrentLookupsTakeTurnsOnTheOneConnection() throws Exception {
        FakeCluster cluster = new FakeCluster("primary", "replica");
        ConnectionSettings settings = cluster.settings("");
        ClusterTopology topology = new ClusterTopology(
                settings.clusterKey(), BackendDialect.POSTGRESQL, settings.url().hosts());
        topology.ensureProbed(cluster.connector());
        CatalogConnection catalog = new CatalogConnection(topology, cluster.connector());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Connection>> used = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                used.add(threads.submit(() -> {
                    start.await();
                    Connection last = null;
                    for (int j = 0; j < 50; j++) {
                        last = catalog.onPrimary(connection -> {
                            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.yield();
                            inside.decrementAndGet();
                            return connection;
                        });
                    }
                    return last;
                }));
            }
            start.countDown();
            Set<Connection> connections = new java.util.HashSet<>();
            for (Future<Connection> future : used) {
                connections.add(future.get(10, TimeUnit.SECONDS));
            }
            assertThat(mostInside.get())
                    .as("one question at a time on the connection")
                    .isEqualTo(1);
            assertThat(connections).hasSize(1);
            assertThat(cluster.server(0).connectionsOpened)
                    .as("the role probe, and the catalog's one connection")
                    .isEqualTo(2);
        } finally {
            threads.shutdownNow();
            catalog.close();
        }
        assertThat(catalog.isOpen()).isFalse();
        assertThatThrownBy(() -> catalog.onPrimary(connection -> null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("released");
    }

    // ---- released with the last user ----

    @Test
    void closingEveryDataSourceStopsEveryThreadAndClosesEveryCatalogConnection() throws Exception {
        backend.server("end1:5432");
        backend.server("end2:5432").replica();
        String url = url("end1:5432", "end2:5432");
        List<JunctionDataSource> dataSources = new ArrayList<>();
        for (String user : List.of("app", "other")) {
            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(user);
            dataSource.setPassword("pw");
            dataSource.setBackendDriver(backend);
            dataSources.add(dataSource);
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                query(connection, "select " + user + "_fn()");
                statement.executeUpdate(
                        "insert into " + user + "_table values (1)"); // the tables a commit wrote are looked up
            }
        }
        // The table catalog asks on its own thread: wait for its answer so that its connection is open.
        backend.awaitQuery(
                q -> "junction-catalog".equals(q.applicationName())
                        && q.parameters().contains("other_table"),
                Duration.ofSeconds(5));
        assertThat(lookedUpBy("other_table")).containsExactly("other");
        assertThat(SharedMonitors.isMonitored(url)).isTrue();
        assertThat(backend.openConnections("junction-catalog")).isEqualTo(2);
        assertThat(threadsOf("end1:5432")).anyMatch(name -> name.startsWith("junction-monitor"));

        dataSources.get(0).close();
        assertThat(SharedMonitors.isMonitored(Connections.key(settings(url, "app", "pw"))))
                .isFalse();
        assertThat(SharedMonitors.isMonitored(Connections.key(settings(url, "other", "pw"))))
                .isTrue();
        assertThat(backend.openConnections("junction-catalog")).isEqualTo(1);
        dataSources.get(1).close();

        assertThat(SharedMonitors.isMonitored(url)).isFalse();
        assertThat(backend.openConnections("junction-catalog")).isZero();
        assertThat(backend.openConnections("junction-monitor")).isZero();
        assertThat(awaitNoThreadOf("end1:5432", Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aDriverManagerConnectionsEntryLivesOnForTheIdleGraceOnly() throws Exception {
        backend.server("grace1:5432");
        String url = url("grace1:5432");
        SharedMonitors.Key key = Connections.key(settings(url, "app", "pw"));
        FakeGraceTimer clock = new FakeGraceTimer();
        Connection connection = Connections.open(settings(url, "app", "pw"), backend, clock);
        query(connection, "select grace_fn()");
        connection.close();
        assertThat(SharedMonitors.isMonitored(key)).as("within the grace").isTrue();

        Connection again = Connections.open(settings(url, "app", "pw"), backend, clock);
        again.close();
        long closed = clock.nanoTime();
        long deadline = closed + Connections.IDLE_GRACE.plusSeconds(3).toNanos();
        while (SharedMonitors.isMonitored(key) && clock.nanoTime() < deadline) {
            clock.advance(Duration.ofMillis(20));
        }
        assertThat(SharedMonitors.isMonitored(key)).isFalse();
        assertThat(Duration.ofNanos(clock.nanoTime() - closed))
                .isGreaterThanOrEqualTo(Connections.IDLE_GRACE.minusMillis(100));
        assertThat(Duration.ofNanos(clock.nanoTime() - closed))
                .as("released as the grace ends, not later")
                .isEqualTo(Connections.IDLE_GRACE);
        assertThat(catalogConnects("grace1:5432"))
                .as("the entry and its catalog connection were kept between the two")
                .isEqualTo(1);
        assertThat(backend.openConnections("junction-catalog")).isZero();
        assertThat(awaitNoThreadOf("grace1:5432", Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void closingAgainJustBeforeAnEarlierGraceEndsGetsAWholeGrace() throws Exception {
        backend.server("regrace1:5432");
        String url = url("regrace1:5432");
        SharedMonitors.Key key = Connections.key(settings(url, "app", "pw"));
        FakeGraceTimer clock = new FakeGraceTimer();
        Connections.open(settings(url, "app", "pw"), backend, clock).close();
        clock.advance(Connections.IDLE_GRACE.minusMillis(100));
        Connections.open(settings(url, "app", "pw"), backend, clock).close();
        clock.advance(Duration.ofMillis(100)); // the first grace ends: the entry was used since
        assertThat(SharedMonitors.isMonitored(key))
                .as("the first close's grace no longer counts")
                .isTrue();
        clock.advance(Connections.IDLE_GRACE.minusMillis(100));
        assertThat(SharedMonitors.isMonitored(key))
                .as("a whole grace after the last close")
                .isFalse();
    }
}
