package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.monitor.SharedMonitors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CredentialIsolationIT} on MariaDB (a primary and a read-only replica), where it matters most: MariaDB shows a
 * user only the stored functions it has privileges on, and their bodies only to their definer, so a function proven
 * read-only from one account's catalog is unknown to another's. {@code alice} defines {@code alice_db.counted()}
 * (READS SQL DATA, a body that only reads) and {@code bob} defines {@code bob_db.counted()}; neither has any privilege
 * on the other's database.
 *
 * <p>Each user's call of its own function runs on the replica (its own catalog proved it); each user's call of the
 * other's function is unproven by its own catalog, so it runs on the primary, which refuses it with its own error
 * (1370). With the catalog of the first user shared (the code before issue 12), bob's call ran on the replica on
 * alice's proof. Who asked what is read from the primary's general log ({@code mysql.general_log.user_host}).
 */
class MariaDbCredentialIsolationIT {
    private static MariaDbCluster cluster;
    private static String url;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().start();
        List<String> setup = new ArrayList<>();
        for (String user : List.of("alice", "bob")) {
            String db = user + "_db";
            setup.addAll(List.of(
                    "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + user + "-pw'",
                    "CREATE DATABASE " + db,
                    "GRANT ALL ON " + db + ".* TO '" + user + "'@'%'",
                    // The URL's database, empty, and replication status for the probes (else read_only alone decides).
                    "GRANT SELECT ON " + MariaDbNode.DATABASE + ".* TO '" + user + "'@'%'",
                    "GRANT SLAVE MONITOR ON *.* TO '" + user + "'@'%'",
                    "CREATE TABLE " + db + ".notes (id INT PRIMARY KEY, note VARCHAR(40))",
                    "INSERT INTO " + db + ".notes VALUES (1, 'only " + user + " reads this')",
                    "CREATE DEFINER = '" + user + "'@'%' FUNCTION " + db + ".counted() RETURNS INT READS SQL DATA"
                            + " BEGIN DECLARE n INT; SELECT COUNT(*) INTO n FROM " + db + ".notes; RETURN n; END"));
        }
        cluster.primary().execute(setup.toArray(new String[0]));
        cluster.awaitReplication();
        url = "jdbc:junction:mariadb://" + cluster.replicas().get(0).address() + ","
                + cluster.primary().address() + "/" + MariaDbNode.DATABASE
                + "?sslMode=disable";
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JunctionDataSource dataSource(String user) {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(user + "-pw");
        return dataSource;
    }

    private static int integer(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    /** The port that served {@code SELECT @@port + 0 * db.counted()}, once the replica may (at most 10 s). */
    private static int portOfOwnFunction(Connection connection, String db) throws SQLException {
        String sql = "SELECT @@port + 0 * " + db + ".counted()";
        int replica = cluster.replicas().get(0).port();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int port = integer(connection, sql);
        while (port != replica && System.nanoTime() < deadline) {
            port = integer(connection, sql);
        }
        return port;
    }

    private static SQLException callOfTheOthersFunction(Connection connection, String otherDb) {
        SQLException e = catchThrowableOfType(
                SQLException.class, () -> integer(connection, "SELECT @@port + 0 * " + otherDb + ".counted()"));
        assertThat((Throwable) e).isNotNull();
        return e;
    }

    /** {@code user -> connections} of the two users on {@code node}. */
    private static Map<String, Integer> connectionsOf(MariaDbNode node) throws SQLException {
        Map<String, Integer> users = new HashMap<>();
        try (Connection admin = node.connect();
                Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT USER, COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE USER IN ('alice', 'bob') GROUP BY USER")) {
            while (rows.next()) {
                users.put(rows.getString(1), rows.getInt(2));
            }
        }
        return users;
    }

    /** {@code [user, thread id, statement]} of the primary's general log whose statement contains {@code text}. */
    private static List<String[]> logged(String text) throws SQLException {
        List<String[]> lines = new ArrayList<>();
        try (Connection admin = cluster.primary().connect();
                java.sql.PreparedStatement query =
                        admin.prepareStatement("SELECT SUBSTRING_INDEX(user_host, '[', 1), thread_id,"
                                + " CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type = 'Query'"
                                + " AND CONVERT(argument USING utf8mb4) LIKE ? AND user_host NOT LIKE 'root%'")) {
            query.setString(1, "%" + text + "%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    lines.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
                }
            }
        }
        return lines;
    }

    private static Set<String> users(List<String[]> lines) {
        return lines.stream().map(l -> l[0]).collect(Collectors.toSet());
    }

    private static Set<String> junctionThreads() {
        Set<String> ports = cluster.nodes().stream().map(n -> ":" + n.port()).collect(Collectors.toSet());
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("junction-") && ports.stream().anyMatch(name::contains))
                .collect(Collectors.toSet());
    }

    @Test
    void eachUserIsRoutedOnItsOwnCatalogAndItsMonitorAndCatalogEndWithItsDataSource() throws Exception {
        cluster.primary()
                .execute("SET GLOBAL log_output = 'TABLE'", "TRUNCATE mysql.general_log", "SET GLOBAL general_log = 1");
        int replica = cluster.replicas().get(0).port();
        Map<String, Integer> duringOnPrimary;
        Map<String, Integer> duringOnReplica;
        SQLException bobCallsAlices;
        SQLException aliceCallsBobs;
        try (JunctionDataSource alice = dataSource("alice");
                JunctionDataSource bob = dataSource("bob")) {
            try (Connection a = alice.getConnection();
                    Connection b = bob.getConnection()) {
                assertThat(portOfOwnFunction(a, "alice_db"))
                        .as("alice's function, proven read-only by alice's catalog")
                        .isEqualTo(replica);
                assertThat(portOfOwnFunction(b, "bob_db"))
                        .as("bob's function, proven read-only by bob's catalog")
                        .isEqualTo(replica);
                bobCallsAlices = callOfTheOthersFunction(b, "alice_db");
                aliceCallsBobs = callOfTheOthersFunction(a, "bob_db");
                duringOnPrimary = connectionsOf(cluster.primary());
                duringOnReplica = connectionsOf(cluster.replicas().get(0));
            }
        } finally {
            cluster.primary().execute("SET GLOBAL general_log = 0");
        }
        long closedAt = System.nanoTime();
        System.out.println("[MariaDbCredentialIsolationIT] connections while connected: primary " + duringOnPrimary
                + ", replica " + duringOnReplica + "; bob calling alice's function: " + bobCallsAlices.getMessage());

        for (SQLException refused : List.of(bobCallsAlices, aliceCallsBobs)) {
            assertThat(refused.getErrorCode()).as(refused.getMessage()).isEqualTo(1370); // execute command denied
            assertThat(refused.getMessage())
                    .as("unproven by the caller's own catalog: run, and refused, on the primary")
                    .contains("[node " + cluster.primary().address() + " primary]");
        }
        assertThat(duringOnPrimary)
                .as("monitor, catalog and session connections of each user")
                .containsKeys("alice", "bob");
        assertThat(duringOnReplica).as("each user's monitor and session").containsKeys("alice", "bob");

        assertThat(users(logged("@@global.gtid_binlog_pos")))
                .as("each user's monitor probes as that user")
                .containsExactlyInAnyOrder("alice", "bob");
        for (String db : List.of("alice_db", "bob_db")) {
            assertThat(users(logged("ROUTINE_NAME = 'counted' and ('" + db + "' is null")))
                    .as("each user looked " + db + ".counted() up as itself")
                    .containsExactlyInAnyOrder("alice", "bob");
        }
        assertThat(users(logged("SPECIFIC_SCHEMA = 'alice_db'")))
                .as("only alice's catalog could read alice's function body")
                .containsExactly("alice");
        assertThat(users(logged("SPECIFIC_SCHEMA = 'bob_db'"))).containsExactly("bob");
        for (String user : List.of("alice", "bob")) {
            Set<String> threads = logged("information_schema.").stream()
                    .filter(l -> l[0].equals(user))
                    .map(l -> l[1])
                    .collect(Collectors.toSet());
            assertThat(threads)
                    .as(user + "'s catalog lookups, over one connection")
                    .hasSize(1);
        }

        long deadline = closedAt + Duration.ofSeconds(5).toNanos();
        while ((!junctionThreads().isEmpty()
                        || !connectionsOf(cluster.primary()).isEmpty()
                        || !connectionsOf(cluster.replicas().get(0)).isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(junctionThreads()).as("Junction threads of this cluster").isEmpty();
        assertThat(connectionsOf(cluster.primary()))
                .as("the users' connections to the primary")
                .isEmpty();
        assertThat(connectionsOf(cluster.replicas().get(0)))
                .as("the users' connections to the replica")
                .isEmpty();
        assertThat(SharedMonitors.isMonitored(JunctionUrl.parse(url).toString()))
                .isFalse();
    }
}
