package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with auto-commit off that the application never declares read-only ({@code transactionRouting},
 * issue 13), on a PostgreSQL primary with two standbys and a MariaDB primary and replica: one that only reads runs on
 * a replica; one that writes moves to the primary, where its reads run again and its write commits once; a concurrent
 * write that changes what it read ends it with {@code 40001}, and its retry succeeds; {@code learned} routing starts a
 * shape on a replica once it has stayed read-only. Where a statement ran is what Junction reports ({@code
 * lastNode()}), and in transactions that stay on a replica what the server says too ({@code server_port()}, a STABLE
 * function a standby may run; {@code @@port}): a port read inside a transaction that moves would, rightly, differ when
 * replayed on the primary and end it with {@code 40001}.
 */
class OptimisticTransactionIT {
    private static PostgresCluster postgres;
    private static String postgresUrl;
    private static int postgresPrimary;
    private static Set<Integer> standbys;
    private static MariaDbCluster mariadb;
    private static String mariadbUrl;
    private static int mariadbPrimary;
    private static int mariadbReplica;

    @BeforeAll
    static void startClusters() {
        postgres = PostgresCluster.builder().standbys(2).start();
        List<String> seeds = new ArrayList<>();
        postgres.standbys().forEach(n -> seeds.add(n.address()));
        seeds.add(postgres.primary().address());
        postgresUrl = "jdbc:junction:postgresql://" + String.join(",", seeds) + "/postgres";
        postgresPrimary = postgres.primary().port();
        standbys = postgres.standbys().stream().map(PostgresNode::port).collect(Collectors.toSet());
        postgres.primary()
                .execute(
                        PostgresRoutingIT.SERVER_PORT_FUNCTION,
                        "create table accounts(id int primary key, balance int)",
                        "insert into accounts values (1, 100), (2, 100), (3, 100)");
        postgres.awaitReplication();

        mariadb = MariaDbCluster.primaryReplica().start();
        MariaDbNode replica = mariadb.replicas().get(0);
        mariadbUrl = "jdbc:junction:mariadb://" + replica.address() + ","
                + mariadb.primary().address() + "/" + MariaDbNode.DATABASE
                + "?sslMode=disable";
        mariadbPrimary = mariadb.primary().port();
        mariadbReplica = replica.port();
        mariadb.primary()
                .execute(
                        "CREATE TABLE " + MariaDbNode.DATABASE + ".accounts (id INT PRIMARY KEY, balance INT)",
                        "INSERT INTO " + MariaDbNode.DATABASE + ".accounts VALUES (1, 100), (2, 100), (3, 100)");
        mariadb.awaitReplication();
    }

    @AfterAll
    static void stopClusters() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
    }

    private static Connection postgres(String routing) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("transactionRouting", routing);
        Connection connection = DriverManager.getConnection(postgresUrl, properties);
        connection.setAutoCommit(false);
        return connection;
    }

    private static Connection mariadb(String routing) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        properties.setProperty("transactionRouting", routing);
        Connection connection = DriverManager.getConnection(mariadbUrl, properties);
        connection.setAutoCommit(false);
        return connection;
    }

    private static int intOf(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    /** The port of the node that ran the connection's last statement, as Junction reports it (no query of its own). */
    private static int lastPort(Connection connection) throws SQLException {
        String node = connection.unwrap(JunctionConnection.class).lastNode(); // "127.0.0.1:5433 replica"
        String address = node.substring(0, node.indexOf(' '));
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /**
     * Begins a transaction with a read of account {@code id} that runs on one of {@code replicas}, and returns what
     * it read. Under the default global read consistency a replica qualifies only once the monitor has seen it replay
     * the commits made before (earlier tests write): until then the transaction starts on the primary, and is rolled
     * back and begun again, for at most 5 s.
     */
    private static int beginOnReplica(Connection connection, int id, Set<Integer> replicas) throws SQLException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int balance = balance(connection, id);
        while (!replicas.contains(lastPort(connection)) && System.nanoTime() < deadline) {
            connection.rollback();
            Thread.onSpinWait();
            balance = balance(connection, id);
        }
        assertThat(replicas).as("a replica took the transaction within 5 s").contains(lastPort(connection));
        return balance;
    }

    private static int balance(Connection connection, int id) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("select balance from accounts where id = ?")) {
            read.setInt(1, id);
            try (ResultSet rows = read.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getInt(1);
            }
        }
    }

    private static void update(Connection connection, int id, int balance) throws SQLException {
        try (PreparedStatement write = connection.prepareStatement("update accounts set balance = ? where id = ?")) {
            write.setInt(1, balance);
            write.setInt(2, id);
            assertThat(write.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void postgresReadOnlyTransactionRunsOnAStandbyWithoutBeingDeclaredReadOnly() throws SQLException {
        try (Connection connection = postgres("optimistic")) {
            assertThat(beginOnReplica(connection, 3, standbys)).isEqualTo(100);
            int port = lastPort(connection);
            assertThat(intOf(connection, "select server_port()"))
                    .as("the same node throughout")
                    .isEqualTo(port);
            connection.commit();
        }
    }

    @Test
    void postgresTransactionThatWritesMovesToThePrimaryAndCommitsOnce() throws SQLException {
        try (Connection connection = postgres("optimistic")) {
            int before = beginOnReplica(connection, 1, standbys);
            update(connection, 1, before - 10);
            assertThat(lastPort(connection)).as("moved").isEqualTo(postgresPrimary);
            assertThat(balance(connection, 1))
                    .as("its own write, in the primary's transaction")
                    .isEqualTo(90);
            connection.commit();
        }
        try (Connection check = postgres("primary")) {
            assertThat(intOf(check, "select balance from accounts where id = 1"))
                    .isEqualTo(90);
            check.commit();
        }
    }

    @Test
    void postgresConcurrentWriteToWhatItReadEndsTheMoveWith40001AndTheRetrySucceeds() throws SQLException {
        try (Connection connection = postgres("optimistic");
                Connection other = postgres("primary")) {
            int seen = beginOnReplica(connection, 2, standbys);
            update(other, 2, seen + 1); // after the replica's read: the primary now holds another value
            other.commit();
            assertThatThrownBy(() -> update(connection, 2, seen - 10))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
            // The application's retry loop runs the transaction again from its start.
            int again = balance(connection, 2);
            assertThat(again)
                    .as("read-your-writes: the other connection's commit is seen")
                    .isEqualTo(seen + 1);
            update(connection, 2, again - 10);
            connection.commit();
            assertThat(balance(other, 2)).isEqualTo(seen - 9);
            other.commit();
        }
    }

    @Test
    void postgresLearnedRoutingStartsAShapeOnAStandbyOnceItStayedReadOnly() throws SQLException {
        try (Connection connection = postgres("learned")) {
            balance(connection, 3);
            assertThat(lastPort(connection))
                    .as("a shape not seen yet starts on the primary")
                    .isEqualTo(postgresPrimary);
            connection.commit();
            beginOnReplica(connection, 3, standbys); // it stayed read-only: a standby, once one qualifies
            connection.commit();
        }
    }

    @Test
    void mariaDbReadOnlyTransactionRunsOnTheReplica() throws SQLException {
        try (Connection connection = mariadb("optimistic")) {
            assertThat(beginOnReplica(connection, 3, Set.of(mariadbReplica))).isEqualTo(100);
            assertThat(intOf(connection, "SELECT @@port")).isEqualTo(mariadbReplica);
            connection.commit();
        }
    }

    @Test
    void mariaDbTransactionThatWritesMovesToThePrimaryAndCommitsOnce() throws SQLException {
        try (Connection connection = mariadb("optimistic")) {
            int before = beginOnReplica(connection, 1, Set.of(mariadbReplica));
            update(connection, 1, before - 10);
            assertThat(lastPort(connection)).as("moved").isEqualTo(mariadbPrimary);
            assertThat(balance(connection, 1)).isEqualTo(90);
            connection.commit();
        }
        try (Connection check = mariadb("primary")) {
            assertThat(intOf(check, "SELECT balance FROM accounts WHERE id = 1"))
                    .isEqualTo(90);
            check.commit();
        }
    }

    @Test
    void mariaDbConcurrentWriteToWhatItReadEndsTheMoveWith40001AndTheRetrySucceeds() throws SQLException {
        try (Connection connection = mariadb("optimistic");
                Connection other = mariadb("primary")) {
            int seen = beginOnReplica(connection, 2, Set.of(mariadbReplica));
            update(other, 2, seen + 1);
            other.commit();
            assertThatThrownBy(() -> update(connection, 2, seen - 10))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
            int again = balance(connection, 2);
            assertThat(again).isEqualTo(seen + 1);
            update(connection, 2, again - 10);
            connection.commit();
            assertThat(balance(other, 2)).isEqualTo(seen - 9);
            other.commit();
        }
    }
}
