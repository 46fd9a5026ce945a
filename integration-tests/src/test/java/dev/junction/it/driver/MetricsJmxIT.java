package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route counters as an operator reads them: through the platform MBean server, over a real PostgreSQL primary and
 * one standby. Each test takes the counters before its workload and checks the exact deltas it must cause.
 */
class MetricsJmxIT {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private static PostgresCluster cluster;
    private static PostgresNode standby;
    /** The cluster's URL without parameters: what the MBean's name and {@code Cluster} attribute say. */
    private static String clusterUrl;

    private static ObjectName name;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PostgresCluster.builder().standbys(1).start();
        standby = cluster.standbys().get(0);
        clusterUrl = "jdbc:junction:postgresql://" + standby.address() + ","
                + cluster.primary().address() + "/postgres";
        cluster.primary()
                .execute(
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create table items(id serial primary key, note text)",
                        "insert into items(note) values ('first')");
        cluster.awaitReplication();
        name = new ObjectName("dev.junction:type=Cluster,name=" + ObjectName.quote(clusterUrl) + ",user="
                + ObjectName.quote("postgres"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Until the monitor has seen the standby, eventual reads go to the primary: wait for a first standby read. */
    @BeforeEach
    void standbyServesReads() throws SQLException {
        cluster.awaitReplication();
        try (Connection connection = connect("?readConsistency=eventual")) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (port(connection) != standby.port() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(port(connection)).isEqualTo(standby.port());
        }
    }

    private static Connection connect(String parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return DriverManager.getConnection(clusterUrl + parameters, properties);
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select server_port()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long attribute(String attribute) throws Exception {
        return (Long) SERVER.getAttribute(name, attribute);
    }

    /** One row of a {@code Map<String, Long>} attribute: TabularData of key/value rows; zero when absent. */
    private static long row(String attribute, String key) throws Exception {
        TabularData table = (TabularData) SERVER.getAttribute(name, attribute);
        CompositeData row = table.get(new Object[] {key});
        return row == null ? 0 : (Long) row.get("value");
    }

    @Test
    void countsWritesOnThePrimaryAndEventualReadsOnTheStandbyExactly() throws Exception {
        assertThat(SERVER.isRegistered(name))
                .as("registered by the first connection")
                .isTrue();
        assertThat(SERVER.getAttribute(name, "Cluster")).isEqualTo(clusterUrl);
        assertThat(SERVER.getAttribute(name, "User")).isEqualTo("postgres");
        long writes = row("StatementsByRoute", "primary/WRITE");
        long reads = row("StatementsByRoute", "replica/REPLICA_READ");
        long toPrimary = attribute("StatementsToPrimary");
        long toReplica = attribute("StatementsToReplica");

        // A generous lag budget: a standby a probe finds a moment behind must not turn a read into a fallback.
        try (Connection connection = connect("?readConsistency=eventual&maxReplicaLag=30s")) {
            for (int i = 0; i < 5; i++) {
                run(connection, "insert into items(note) values ('metrics " + i + "')");
            }
            for (int i = 0; i < 7; i++) {
                run(connection, "select note from items where id = 1");
            }
        }

        assertThat(row("StatementsByRoute", "primary/WRITE") - writes).isEqualTo(5);
        assertThat(row("StatementsByRoute", "replica/REPLICA_READ") - reads).isEqualTo(7);
        assertThat(attribute("StatementsToPrimary") - toPrimary).isEqualTo(5);
        assertThat(attribute("StatementsToReplica") - toReplica).isEqualTo(7);
        assertThat(attribute("ClassifierCacheHits")).isPositive();
        java.util.Map<Object, Object> roles = toMap((TabularData) SERVER.getAttribute(name, "NodeRoles"));
        assertThat(roles)
                .containsEntry(cluster.primary().address(), "primary")
                .containsEntry(standby.address(), "replica");
        assertThat(toMap((TabularData) SERVER.getAttribute(name, "ReplicaStalenessMillis")))
                .as("the monitor measured the standby")
                .containsKey(standby.address());
        assertThat(toMap((TabularData) SERVER.getAttribute(name, "ReplicationPositions")))
                .containsKeys(cluster.primary().address(), standby.address());
    }

    @Test
    void countsAReadYourWritesWaitAndItsFallbackWhileTheStandbyDoesNotReplay() throws Exception {
        long waits = attribute("ReadYourWritesWaits");
        long waitMillis = attribute("ReadYourWritesWaitMillis");
        long fallbacks = row("StatementsByRoute", "fallback/NO_REPLICA_BEHIND");
        long writes = row("StatementsByRoute", "primary/WRITE");
        standby.pauseReplay();
        try (Connection connection =
                connect("?readConsistency=session&staleReadFallback=wait&replicaWaitTimeout=300ms")) {
            run(connection, "insert into items(note) values ('must be read back')");
            run(connection, "select note from items where note = 'must be read back'");
        } finally {
            standby.resumeReplay();
        }
        assertThat(row("StatementsByRoute", "primary/WRITE") - writes).isEqualTo(1);
        assertThat(row("StatementsByRoute", "fallback/NO_REPLICA_BEHIND") - fallbacks)
                .isEqualTo(1);
        assertThat(attribute("ReadYourWritesWaits") - waits).isEqualTo(1);
        assertThat(attribute("ReadYourWritesWaitMillis") - waitMillis).isBetween(250L, 5_000L);
    }

    @Test
    void countsErrorsBySqlStateAndPinsByCause() throws Exception {
        long missingTable = row("ErrorsBySqlState", "42P01");
        long pins = sum((TabularData) SERVER.getAttribute(name, "PinsByCause"));
        try (Connection connection = connect("?readConsistency=eventual")) {
            assertThatThrownBy(() -> run(connection, "insert into no_such_table values (1)"))
                    .isInstanceOf(SQLException.class);
            run(connection, "create temporary table scratch(id int)");
        }
        assertThat(row("ErrorsBySqlState", "42P01") - missingTable).isEqualTo(1);
        assertThat(sum((TabularData) SERVER.getAttribute(name, "PinsByCause")) - pins)
                .isEqualTo(1);
    }

    @Test
    void metricsOffRegistersNoMBean() throws Exception {
        // Another seed order is another cluster key: a topology of its own, used only with metrics=off.
        String otherKey =
                "jdbc:junction:postgresql://" + cluster.primary().address() + "," + standby.address() + "/postgres";
        ObjectName offName = new ObjectName("dev.junction:type=Cluster,name=" + ObjectName.quote(otherKey) + ",user="
                + ObjectName.quote("postgres"));
        Set<ObjectName> before = SERVER.queryNames(new ObjectName("dev.junction:type=Cluster,*"), null);
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        try (Connection connection = DriverManager.getConnection(otherKey + "?metrics=off", properties)) {
            run(connection, "insert into items(note) values ('uncounted')");
            run(connection, "select note from items where id = 1");
            assertThat(SERVER.isRegistered(offName)).isFalse();
            assertThat(SERVER.queryNames(new ObjectName("dev.junction:type=Cluster,*"), null))
                    .isEqualTo(before);
        }
    }

    private static long sum(TabularData table) {
        long sum = 0;
        for (Object row : table.values()) {
            sum += (Long) ((CompositeData) row).get("value");
        }
        return sum;
    }

    private static java.util.Map<Object, Object> toMap(TabularData table) {
        java.util.Map<Object, Object> map = new java.util.HashMap<>();
        for (Object row : table.values()) {
            CompositeData data = (CompositeData) row;
            map.put(data.get("key"), data.get("value"));
        }
        return map;
    }
}
