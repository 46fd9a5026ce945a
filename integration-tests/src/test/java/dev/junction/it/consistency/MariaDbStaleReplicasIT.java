package dev.junction.it.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every replica of a real MariaDB cluster has its SQL thread stopped: what each {@code staleReadFallback} does with a
 * read that must see the session's own write, and a causal token in MariaDB's GTID form.
 */
class MariaDbStaleReplicasIT {
    private static MariaDbCluster cluster;
    private static String url;
    private static int primaryPort;
    private static Set<Integer> replicaPorts;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        // MariaDB Connector/J; MariaDbConsistencyIT reads the same test bed through MySQL Connector/J.
        url = "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
        primaryPort = cluster.primary().port();
        replicaPorts = cluster.replicas().stream().map(MariaDbNode::port).collect(Collectors.toSet());
        try (Connection primary = cluster.primary().connectAsApplicationUser();
                Statement statement = primary.createStatement()) {
            statement.execute("create table items(id int auto_increment primary key, note varchar(40))");
        }
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restartReplicas() {
        cluster.replicas().forEach(MariaDbNode::startReplicaSqlThread);
        cluster.awaitReplication();
    }

    private static Connection connect(String parameters) throws SQLException {
        return DriverManager.getConnection(
                url + "?" + parameters, MariaDbNode.APPLICATION_USER, MariaDbNode.APPLICATION_PASSWORD);
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select @@port, count(*) from items")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static void write(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items(note) values ('stale')");
        }
    }

    private static void stopEveryReplica() {
        cluster.replicas().forEach(MariaDbNode::stopReplicaSqlThread);
    }

    @Test
    void primaryFallbackReadsAWriteNoReplicaHasFromThePrimary() throws Exception {
        stopEveryReplica();
        try (Connection connection = connect("readConsistency=session")) {
            write(connection);
            for (int i = 0; i < 10; i++) {
                assertThat(port(connection)).isEqualTo(primaryPort);
            }
        }
    }

    @Test
    void failFallbackRefusesNamingWhatTheReadNeeds() throws Exception {
        stopEveryReplica();
        try (Connection connection = connect("readConsistency=session&staleReadFallback=fail")) {
            write(connection);
            assertThatThrownBy(() -> port(connection))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the read needs 0-")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08004");
        }
    }

    @Test
    void waitFallbackIsBoundedByReplicaWaitTimeoutAndReadsFromAReplicaOnceItApplies() throws Exception {
        stopEveryReplica();
        try (Connection connection =
                connect("readConsistency=session&staleReadFallback=wait&replicaWaitTimeout=400ms")) {
            write(connection);
            long started = System.nanoTime();
            assertThat(port(connection)).isEqualTo(primaryPort);
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(350L, 800L);
            cluster.replicas().forEach(MariaDbNode::startReplicaSqlThread);
            cluster.awaitReplication();
            assertThat(port(connection)).isIn(replicaPorts);
        }
    }

    @Test
    void waitingReadIsServedByTheReplicaAsSoonAsItAppliesTheWrite() throws Exception {
        stopEveryReplica();
        try (Connection connection = connect("readConsistency=session&staleReadFallback=wait&replicaWaitTimeout=5s")) {
            write(connection);
            Thread resume = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                cluster.replicas().forEach(MariaDbNode::startReplicaSqlThread);
            });
            long waitsBefore = gtidWaits();
            long started = System.nanoTime();
            resume.start();
            int port = port(connection);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            resume.join();
            // MASTER_GTID_WAIT returns inside the replica the moment the write is applied: well before the timeout.
            assertThat(port).isIn(replicaPorts);
            assertThat(elapsedMillis).isBetween(250L, 4000L);
            assertThat(gtidWaits()).as("MASTER_GTID_WAIT calls on the replicas").isGreaterThan(waitsBefore);
        }
    }

    private static long gtidWaits() {
        return cluster.replicas().stream()
                .mapToLong(r -> Long.parseLong(r.globalStatus("Master_gtid_wait_count")))
                .sum();
    }

    @Test
    void causalTokenIsAMariaDbGtid() throws Exception {
        try (Connection writer = connect("readConsistency=session");
                Connection reader = connect("readConsistency=eventual")) {
            stopEveryReplica();
            write(writer);
            String token = writer.unwrap(JunctionConnection.class).causalToken();
            assertThat(token).matches("mariadb:\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
            reader.unwrap(JunctionConnection.class).awaitToken(token);
            assertThat(port(reader))
                    .as("eventual ignores tokens: lag budget only")
                    .isIn(replicaPorts);
            try (Connection session = connect("readConsistency=session")) {
                session.unwrap(JunctionConnection.class).awaitToken(token);
                assertThat(port(session)).isEqualTo(primaryPort);
            }
        }
    }
}
