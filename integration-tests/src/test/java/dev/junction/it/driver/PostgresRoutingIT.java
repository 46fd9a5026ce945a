package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Junction over a real PostgreSQL primary and two streaming standbys. Every routing claim is proved on the server
 * side: the statement itself reports the port of the server that ran it ({@code server_port()}, a STABLE function over
 * {@code inet_server_port()}), or stores it.
 * The URL lists the standbys first, so that nothing passes by taking the first host for the primary.
 */
class PostgresRoutingIT {
    /**
     * The server's port through a STABLE user function: the classifier sends {@code inet_server_port()} itself to the
     * primary (its answer depends on the node), but a STABLE function that the driver's catalog lookup finds read-only
     * may run on a standby, and then reports the standby's port.
     */
    static final String SERVER_PORT_FUNCTION =
            "create function server_port() returns int language sql stable as 'select inet_server_port()'";

    private static PostgresCluster cluster;
    private static String url;
    private static int primaryPort;
    private static Set<Integer> standbyPorts;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        List<String> seeds = new ArrayList<>();
        cluster.standbys().forEach(n -> seeds.add(n.address()));
        seeds.add(cluster.primary().address());
        url = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
        primaryPort = cluster.primary().port();
        standbyPorts = cluster.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        cluster.primary()
                .execute(
                        SERVER_PORT_FUNCTION,
                        "create function volatile_port() returns int language sql volatile as 'select inet_server_port()'",
                        "create table items(id serial primary key, note text, port int)",
                        "create sequence counter",
                        "create schema app",
                        "create table app.things(name text)",
                        "insert into app.things values ('in app')");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Tests write, and under the default global consistency a read that could touch any table (server_port() is a
     * function) may use a standby only once the standbys have replayed the last write and a probe of the primary sent
     * after that write has answered (about one round trip). Waits for both, at most 5 s, so that no test depends on
     * how soon after the previous one it starts.
     */
    @BeforeEach
    void earlierWritesAreReplicatedAndLocated() throws SQLException {
        cluster.awaitReplication();
        try (Connection connection = connect()) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!standbyPorts.contains(port(connection, "select server_port()")) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    private static Connection connect() throws SQLException {
        return connect("");
    }

    private static Connection connect(String parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return DriverManager.getConnection(url + parameters, properties);
    }

    private static int port(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }

    @Test
    void autocommitReadsLandOnTheStandbys() throws SQLException {
        // eventual and round-robin: both standbys in turn. Under session/global (the default) monotonic reads may keep
        // the session on the first standby while the monitor's last probe of the other is older; least-busy (the
        // default) keeps one reader on the faster standby.
        try (Connection connection = connect("?readConsistency=eventual&loadBalance=round-robin")) {
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                ports.add(port(connection, "select server_port()"));
            }
            assertThat(ports).isEqualTo(standbyPorts);
            assertThat(connection.unwrap(JunctionConnection.class).topology())
                    .contains(cluster.primary().address() + " primary")
                    .contains(cluster.standbys().get(0).address() + " replica");
        }
    }

    @Test
    void writesDdlLockingReadsAndSideEffectFunctionsLandOnThePrimary() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items(note, port) values ('write', inet_server_port())");
            statement.execute("create table ddl_proof as select inet_server_port() as port");
            assertThat(port(connection, "select inet_server_port() from items for update limit 1"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select inet_server_port() from items for share limit 1"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select inet_server_port() + 0 * nextval('counter')"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select inet_server_port() from (select pg_advisory_xact_lock(1)) locked"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "/* junction:primary */ select server_port()"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select volatile_port()"))
                    .as("a VOLATILE user function may write")
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select inet_server_port()"))
                    .as("node-specific functions answer for the primary")
                    .isEqualTo(primaryPort);
        }
        assertThat(cluster.primary().queryString("select port from items where note = 'write'"))
                .isEqualTo(Integer.toString(primaryPort));
        assertThat(cluster.primary().queryString("select port from ddl_proof"))
                .isEqualTo(Integer.toString(primaryPort));
    }

    @Test
    void aReadWriteTransactionRunsEveryStatementOnThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            List<Integer> ports = new ArrayList<>();
            ports.add(port(connection, "select server_port()"));
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("insert into items(note, port) values ('in transaction', inet_server_port())");
            }
            ports.add(port(connection, "select server_port()"));
            ports.add(port(
                    connection, "select count(*) * 0 + inet_server_port() from items where note = 'in transaction'"));
            connection.commit();
            assertThat(ports).containsOnly(primaryPort);
        }
    }

    @Test
    void aReadOnlyTransactionRunsOnOneStandby() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                ports.add(port(connection, "select server_port()"));
            }
            assertThat(text(connection, "show transaction_read_only")).isEqualTo("on");
            connection.commit();
            assertThat(ports).hasSize(1);
            assertThat(standbyPorts).containsAll(ports);
        }
    }

    @Test
    void setStatementsAndSetSchemaAreVisibleOnWhicheverNodeServesTheNextStatement() throws SQLException {
        // round-robin: the session's state must be replayed on each standby in turn
        try (Connection connection = connect("?loadBalance=round-robin");
                Statement statement = connection.createStatement()) {
            statement.execute("set junction.tag = 'tagged'");
            connection.setSchema("app");
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                try (ResultSet rows = statement.executeQuery(
                        "select current_setting('junction.tag'), current_schema(), (select name from things), public.server_port()")) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("tagged");
                    assertThat(rows.getString(2)).isEqualTo("app");
                    assertThat(rows.getString(3)).isEqualTo("in app");
                    ports.add(rows.getInt(4));
                }
            }
            assertThat(ports).isEqualTo(standbyPorts);
            connection.setAutoCommit(false);
            try (ResultSet rows = statement.executeQuery(
                    "select current_setting('junction.tag'), current_schema(), public.server_port()")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("tagged");
                assertThat(rows.getString(2)).isEqualTo("app");
                assertThat(rows.getInt(3)).isEqualTo(primaryPort);
            }
            connection.commit();
        }
    }

    @Test
    void aTemporaryTablePinsTheSessionToThePrimary() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute("create temporary table scratch(x int)");
            statement.executeUpdate("insert into scratch values (1), (2)");
            assertThat(port(connection, "select count(*) * 0 + inet_server_port() from scratch"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "select server_port()")).isEqualTo(primaryPort);
            assertThat(connection.unwrap(JunctionConnection.class).pins()).containsExactly("temporary table");
        }
    }

    @Test
    void serializableNeverReachesAStandbyWhereItWouldFail() throws SQLException {
        try (Connection standby = cluster.standbys().get(0).connect();
                Statement statement = standby.createStatement()) {
            statement.execute("begin");
            assertThatThrownBy(() -> statement.execute("set transaction isolation level serializable"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
        }
        try (Connection connection = connect()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            assertThat(port(connection, "select server_port()")).isEqualTo(primaryPort);
            assertThat(text(connection, "show transaction_isolation")).isEqualTo("serializable");
            connection.commit();
            connection.setAutoCommit(true);
            assertThat(port(connection, "select server_port()")).isEqualTo(primaryPort);
        }
    }

    @Test
    void serializationFailuresComeBackWith40001() throws Exception {
        cluster.primary()
                .execute(
                        "create table accounts(id int primary key, balance int)",
                        "insert into accounts values (1, 100), (2, 100)");
        try (Connection first = connect();
                Connection second = connect()) {
            for (Connection connection : List.of(first, second)) {
                connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                connection.setAutoCommit(false);
                port(connection, "select sum(balance) from accounts");
            }
            try (Statement statement = first.createStatement()) {
                statement.executeUpdate("update accounts set balance = balance - 150 where id = 1");
            }
            try (Statement statement = second.createStatement()) {
                statement.executeUpdate("update accounts set balance = balance - 150 where id = 2");
            }
            first.commit();
            assertThatThrownBy(second::commit)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("[node " + cluster.primary().address() + " primary]")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
        }
    }

    @Test
    void backendErrorsKeepTheirStateAndNameTheNode() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            // Which node serves the read depends on whether the replicas have caught up with the other tests' commits
            // (an unknown table counts as every table); either way the error must name it.
            assertThatThrownBy(() -> statement.executeQuery("select * from no_such_table"))
                    .hasMessageContaining("relation \"no_such_table\" does not exist")
                    .hasMessageMatching("(?s).*\\[node 127\\.0\\.0\\.1:\\d+ (primary|replica)\\]")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
            assertThatThrownBy(() -> statement.executeUpdate("insert into items(id) values (null)"))
                    .hasMessageContaining("[node " + cluster.primary().address() + " primary]")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23502"));
        }
    }

    @Test
    void aWriteIsReadBackFromAStandbyOnceTheStandbyHasReplayedIt() throws SQLException {
        try (Connection connection = connect()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into items(note) values (?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, "replicated");
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("id")).isPositive();
                    assertThat(keys.getStatement()).isSameAs(insert);
                }
            }
            // Wait for the standbys' replay position to pass the primary's, read from the servers. The monitor may not
            // have probed the primary since the write: until a probe sent after it answers, the read runs on the
            // primary (which has the write), so read until a standby serves it, at most 5 s, seeing the row each time;
            // from then on standbys serve it.
            cluster.awaitReplication();
            try (PreparedStatement select = connection.prepareStatement(
                    "select count(*), server_port() from items where note = ? group by 2")) {
                select.setString(1, "replicated");
                long deadline = System.nanoTime() + 5_000_000_000L;
                int port;
                do {
                    try (ResultSet rows = select.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt(1)).isEqualTo(1);
                        assertThat(rows.getStatement()).isSameAs(select);
                        port = rows.getInt(2);
                    }
                } while (!standbyPorts.contains(port) && System.nanoTime() < deadline);
                assertThat(standbyPorts).contains(port);
                try (ResultSet rows = select.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(1);
                    assertThat(standbyPorts).contains(rows.getInt(2));
                }
            }
        }
    }

    @Test
    void batchesRunOnThePrimary() throws SQLException {
        try (Connection connection = connect();
                PreparedStatement insert =
                        connection.prepareStatement("insert into items(note, port) values (?, inet_server_port())")) {
            for (int i = 0; i < 3; i++) {
                insert.setString(1, "batch");
                insert.addBatch();
            }
            assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
        }
        assertThat(cluster.primary()
                        .queryString("select string_agg(distinct port::text, ',') from items where note = 'batch'"))
                .isEqualTo(Integer.toString(primaryPort));
    }

    @Test
    void metadataAndResultsLeadBackToJunctionObjects() throws SQLException {
        try (Connection connection = connect()) {
            DatabaseMetaData metaData = connection.getMetaData();
            assertThat(metaData.getConnection()).isSameAs(connection);
            assertThat(metaData.getURL()).startsWith("jdbc:junction:postgresql://");
            assertThat(metaData.getDatabaseProductName()).isEqualTo("PostgreSQL");
            try (ResultSet tables = metaData.getTables(null, "public", "items", null)) {
                assertThat(tables.next()).isTrue();
                assertThat(tables.getString("TABLE_NAME")).isEqualTo("items");
            }
            Statement statement = connection.createStatement();
            assertThat(statement.getConnection()).isSameAs(connection);
            assertThat(statement.execute("select 1")).isTrue();
            assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
            assertThat(statement.getMoreResults()).isFalse();
            assertThat(statement.getUpdateCount()).isEqualTo(-1);
        }
    }

    @Test
    void closeClosesEveryPhysicalConnectionItOpened() throws Exception {
        String tag = "junction-close-check";
        // eventual and round-robin: two reads in a row spread over both standbys; with monotonic reads (session,
        // global) or least-busy the second may stay on the first standby, which is not what this test is about.
        Connection connection = connect("?readConsistency=eventual&loadBalance=round-robin&ApplicationName=" + tag);
        port(connection, "select server_port()");
        port(connection, "select server_port()");
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items(note) values ('close')");
        }
        assertThat(awaitSessionsTagged(tag, 3)).isEqualTo(3);
        connection.close();
        assertThat(awaitSessionsTagged(tag, 0)).isZero();
    }

    @Test
    void monitorSessionsCallThemselvesJunctionMonitorWhileApplicationsKeepTheirName() throws Exception {
        String tag = "junction-own-name";
        try (Connection connection = connect("?ApplicationName=" + tag)) {
            port(connection, "select server_port()");
            assertThat(sessionsTagged(tag)).isPositive();
            // Every node is probed by the monitor of this connection's settings, under its own name.
            long deadline = System.nanoTime() + 5_000_000_000L;
            List<Integer> monitorSessions = monitorSessionsPerNode();
            while (monitorSessions.contains(0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
                monitorSessions = monitorSessionsPerNode();
            }
            assertThat(monitorSessions).hasSize(cluster.nodes().size()).doesNotContain(0);
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select current_setting('application_name')")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo(tag);
            }
        }
    }

    private static List<Integer> monitorSessionsPerNode() {
        List<Integer> counts = new ArrayList<>();
        for (PostgresNode node : cluster.nodes()) {
            counts.add(Integer.parseInt(node.queryString(
                    "select count(*) from pg_stat_activity where application_name = 'junction-monitor'")));
        }
        return counts;
    }

    /** A server ends a closed session's backend a moment after the client leaves: poll its view until it agrees. */
    private static int awaitSessionsTagged(String tag, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int count = sessionsTagged(tag);
        while (count != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            count = sessionsTagged(tag);
        }
        return count;
    }

    private static int sessionsTagged(String tag) {
        int total = 0;
        for (PostgresNode node : cluster.nodes()) {
            total += Integer.parseInt(
                    node.queryString("select count(*) from pg_stat_activity where application_name = '" + tag + "'"));
        }
        return total;
    }

    @Test
    void concurrentConnectionsShareOneTopologyProbe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> ports = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ports.add(pool.submit(() -> {
                    start.await();
                    try (Connection connection = connect()) {
                        return port(connection, "select server_port()");
                    }
                }));
            }
            start.countDown();
            for (Future<Integer> port : ports) {
                assertThat(standbyPorts).contains(port.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
