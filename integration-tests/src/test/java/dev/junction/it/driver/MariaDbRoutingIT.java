package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Junction over a real MariaDB primary and a read-only GTID replica, through MariaDB Connector/J (the basic routing
 * tests through MySQL Connector/J as well), as the application account that {@code read_only} applies to. Routing is
 * proved by {@code @@port} in the statements. The replica is listed first in the URL.
 */
class MariaDbRoutingIT {
    private static MariaDbCluster cluster;
    private static String hostsAndDatabase;
    private static int primaryPort;
    private static int replicaPort;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().start();
        MariaDbNode replica = cluster.replicas().get(0);
        hostsAndDatabase = replica.address() + "," + cluster.primary().address() + "/" + MariaDbNode.DATABASE;
        primaryPort = cluster.primary().port();
        replicaPort = replica.port();
        cluster.primary()
                .execute(
                        "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40), port INT)",
                        "CREATE SEQUENCE counter",
                        "CREATE DATABASE other",
                        "CREATE TABLE other.things (name VARCHAR(20))",
                        "INSERT INTO other.things VALUES ('in other')",
                        "GRANT ALL ON other.* TO '" + MariaDbNode.APPLICATION_USER + "'@'%'",
                        "CREATE FUNCTION counted(x INT) RETURNS INT READS SQL DATA BEGIN DECLARE n INT; SELECT COUNT(*) INTO n FROM items"
                                + " WHERE id > x; RETURN n; END",
                        "CREATE FUNCTION doubled(x INT) RETURNS INT NO SQL DETERMINISTIC RETURN x * 2",
                        "CREATE FUNCTION via_counted(x INT) RETURNS INT READS SQL DATA RETURN counted(x) + doubled(x)",
                        "CREATE FUNCTION declared_contains(x INT) RETURNS INT CONTAINS SQL DETERMINISTIC RETURN x",
                        "CREATE FUNCTION lying(x INT) RETURNS INT READS SQL DATA BEGIN INSERT INTO items (note) VALUES ('lying'); RETURN x; END");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Connection connect() throws SQLException {
        return connect("mariadb");
    }

    /** Through {@code mariadb} (MariaDB Connector/J) or {@code mysql} (MySQL Connector/J), each with its spellings. */
    private static Connection connect(String backend) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return DriverManager.getConnection(url(backend), properties);
    }

    private static String url(String backend) {
        return "jdbc:junction:" + backend + "://" + hostsAndDatabase
                + (backend.equals("mariadb") ? "?sslMode=disable" : "?sslMode=DISABLED&allowPublicKeyRetrieval=true");
    }

    private static int port(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getInt(1);
        }
    }

    /** Reads with {@code sql} until the replica serves it, for at most 5 s; the last serving port. */
    private static int portOnceTheReplicaQualifies(Connection connection, String sql) throws SQLException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int port = port(connection, sql);
        while (port != replicaPort && System.nanoTime() < deadline) {
            port = port(connection, sql);
        }
        return port;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "mysql"})
    void autocommitReadsLandOnTheReplica(String backend) throws SQLException {
        try (Connection connection = connect(backend)) {
            assertThat(port(connection, "SELECT @@port")).isEqualTo(replicaPort);
            // Another test may just have written items: under the default global consistency a read of it then runs on
            // the primary until a probe of the primary sent after that write has answered (about one round trip).
            assertThat(portOnceTheReplicaQualifies(connection, "SELECT @@port, COUNT(*) FROM items"))
                    .isEqualTo(replicaPort);
            assertThat(connection.unwrap(JunctionConnection.class).topology())
                    .contains(cluster.primary().address() + " primary")
                    .contains(cluster.replicas().get(0).address() + " replica");
        }
    }

    @Test
    void storedFunctionsProvedReadOnlyRunOnTheReplicaAndNoOthers() throws SQLException {
        try (Connection connection = connect()) {
            assertThat(portOnceTheReplicaQualifies(connection, "SELECT @@port + 0 * counted(0)"))
                    .as("READS SQL DATA, a body that only reads")
                    .isEqualTo(replicaPort);
            assertThat(portOnceTheReplicaQualifies(connection, "SELECT @@port + 0 * doubled(1)"))
                    .as("NO SQL, a body that only computes")
                    .isEqualTo(replicaPort);
            assertThat(portOnceTheReplicaQualifies(connection, "SELECT @@port + 0 * via_counted(1)"))
                    .as("calls only functions proved read-only")
                    .isEqualTo(replicaPort);
            assertThat(port(connection, "SELECT @@port + 0 * declared_contains(1)"))
                    .as("CONTAINS SQL: the declaration alone rules it out")
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "SELECT @@port + 0 * lying(1)"))
                    .as("declares READS SQL DATA, inserts")
                    .isEqualTo(primaryPort);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "mysql"})
    void writesDdlLockingReadsAndSideEffectFunctionsLandOnThePrimary(String backend) throws SQLException {
        try (Connection connection = connect(backend);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO items (note, port) VALUES ('write " + backend + "', @@port)");
            statement.execute("CREATE TABLE ddl_proof_" + backend + " AS SELECT @@port AS port");
            assertThat(port(connection, "SELECT @@port FROM items FOR UPDATE")).isEqualTo(primaryPort);
            assertThat(port(connection, "SELECT @@port FROM items LOCK IN SHARE MODE"))
                    .isEqualTo(primaryPort);
            assertThat(port(connection, "SELECT @@port + 0 * LAST_INSERT_ID()")).isEqualTo(primaryPort);
            assertThat(port(connection, "SELECT @@port + 0 * NEXT VALUE FOR counter"))
                    .isEqualTo(primaryPort);
        }
        assertThat(cluster.primary().queryString("SELECT port FROM items WHERE note = 'write " + backend + "'"))
                .isEqualTo(Integer.toString(primaryPort));
        assertThat(cluster.primary().queryString("SELECT port FROM ddl_proof_" + backend))
                .isEqualTo(Integer.toString(primaryPort));
    }

    @Test
    void aReadWriteTransactionRunsEveryStatementOnThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            List<Integer> ports = new ArrayList<>();
            ports.add(port(connection, "SELECT @@port"));
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO items (note, port) VALUES ('in transaction', @@port)");
            }
            ports.add(port(connection, "SELECT @@port FROM items WHERE note = 'in transaction'"));
            connection.commit();
            assertThat(ports).containsOnly(primaryPort);
        }
    }

    @Test
    void aReadOnlyTransactionRunsOnTheReplica() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            assertThat(port(connection, "SELECT @@port")).isEqualTo(replicaPort);
            assertThat(port(connection, "SELECT @@port")).isEqualTo(replicaPort);
            connection.commit();
        }
    }

    @Test
    void setStatementsAndUseAreVisibleOnWhicheverNodeServesTheNextStatement() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute("SET @tag = 'tagged'");
            statement.execute("SET SESSION time_zone = '+05:00'");
            // Connector/J's setCatalog does not change DATABASE() on MariaDB even on a plain connection; USE does.
            statement.execute("USE other");
            // Another test may just have written: a read of tables not yet known to be standalone then runs on the
            // primary until a probe of the primary sent after that write has answered. Read until the replica serves
            // it, at most 5 s, checking the session state on every node that serves it.
            long deadline = System.nanoTime() + 5_000_000_000L;
            int port;
            do {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT @tag, @@session.time_zone, DATABASE(), (SELECT name FROM things), @@port")) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("tagged");
                    assertThat(rows.getString(2)).isEqualTo("+05:00");
                    assertThat(rows.getString(3)).isEqualTo("other");
                    assertThat(rows.getString(4)).isEqualTo("in other");
                    port = rows.getInt(5);
                }
            } while (port != replicaPort && System.nanoTime() < deadline);
            assertThat(port).isEqualTo(replicaPort);
            connection.setAutoCommit(false);
            try (ResultSet rows = statement.executeQuery("SELECT @tag, @@session.time_zone, DATABASE(), @@port")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("tagged");
                assertThat(rows.getString(2)).isEqualTo("+05:00");
                assertThat(rows.getString(3)).isEqualTo("other");
                assertThat(rows.getInt(4)).isEqualTo(primaryPort);
            }
            connection.commit();
        }
    }

    @Test
    void aTemporaryTablePinsTheSessionToThePrimary() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE scratch (x INT)");
            statement.executeUpdate("INSERT INTO scratch VALUES (1)");
            assertThat(port(connection, "SELECT @@port FROM scratch")).isEqualTo(primaryPort);
            assertThat(port(connection, "SELECT @@port")).isEqualTo(primaryPort);
        }
    }

    @Test
    void aWriteIsReadBackFromTheReplicaOnceItHasAppliedIt() throws SQLException {
        try (Connection connection = connect()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (note) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, "replicated");
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getLong(1)).isPositive();
                }
            }
            // Wait until the replica's GTID position covers the primary's, read from the servers. The monitor may not
            // have probed the primary since the write: until a probe sent after it answers, the read runs on the
            // primary (which has the write), so read until the replica serves it, at most 5 s, seeing the row each
            // time.
            cluster.awaitReplication();
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT COUNT(*), @@port FROM items WHERE note = ?")) {
                select.setString(1, "replicated");
                long deadline = System.nanoTime() + 5_000_000_000L;
                int port;
                do {
                    try (ResultSet rows = select.executeQuery()) {
                        rows.next();
                        assertThat(rows.getInt(1)).isEqualTo(1);
                        port = rows.getInt(2);
                    }
                } while (port != replicaPort && System.nanoTime() < deadline);
                assertThat(port)
                        .as("served by the primary; monitor: "
                                + connection
                                        .unwrap(dev.junction.driver.JunctionConnection.class)
                                        .topologyReport() + ", session token "
                                + connection
                                        .unwrap(dev.junction.driver.JunctionConnection.class)
                                        .causalToken())
                        .isEqualTo(replicaPort);
            }
        }
    }

    @Test
    void backendErrorsKeepStateAndVendorCodeAndNameTheNode() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            // The replica hint makes the read eventual: under the default global consistency a read right after
            // another test's write may go to the primary until the replica has applied it.
            assertThatThrownBy(() -> statement.executeQuery("/* junction:replica */ SELECT * FROM no_such_table"))
                    .hasMessageContaining("[node " + cluster.replicas().get(0).address() + " replica]")
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("42S02");
                        assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146);
                    });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "mysql"})
    void throughHikariReadOnlyTransactionsUseTheReplicaAndReadWriteOnesThePrimary(String backend) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(backend));
        config.setDriverClassName("dev.junction.driver.JunctionDriver");
        config.setUsername(MariaDbNode.APPLICATION_USER);
        config.setPassword(MariaDbNode.APPLICATION_PASSWORD);
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int round = 0; round < 2; round++) {
                try (Connection connection = pool.getConnection()) {
                    connection.setReadOnly(true);
                    connection.setAutoCommit(false);
                    assertThat(port(connection, "SELECT @@port")).isEqualTo(replicaPort);
                    connection.commit();
                }
                try (Connection connection = pool.getConnection()) {
                    connection.setAutoCommit(false);
                    assertThat(port(connection, "SELECT @@port")).isEqualTo(primaryPort);
                    try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate(
                                "INSERT INTO items (note, port) VALUES ('pooled " + backend + "', @@port)");
                    }
                    connection.commit();
                }
            }
        }
        assertThat(cluster.primary()
                        .queryString("SELECT COUNT(*) FROM items WHERE note = 'pooled " + backend + "' AND port = "
                                + primaryPort))
                .isEqualTo("2");
    }

    @Test
    void deadlocksComeBackWith40001AndTheirVendorCode() throws Exception {
        cluster.primary()
                .execute("CREATE TABLE pair (id INT PRIMARY KEY, v INT)", "INSERT INTO pair VALUES (1, 0), (2, 0)");
        try (Connection first = connect();
                Connection second = connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            try (Statement a = first.createStatement();
                    Statement b = second.createStatement()) {
                a.executeUpdate("UPDATE pair SET v = 1 WHERE id = 1");
                b.executeUpdate("UPDATE pair SET v = 2 WHERE id = 2");
                java.util.concurrent.CompletableFuture<Integer> blocked =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return a.executeUpdate("UPDATE pair SET v = 1 WHERE id = 2");
                            } catch (SQLException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        });
                // wait until the first update is really waiting for the lock, as the server reports it
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!"1"
                                .equals(
                                        cluster.primary()
                                                .queryString(
                                                        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                SQLException deadlock = null;
                try {
                    b.executeUpdate("UPDATE pair SET v = 2 WHERE id = 1");
                } catch (SQLException e) {
                    deadlock = e;
                }
                try {
                    blocked.join();
                } catch (java.util.concurrent.CompletionException e) {
                    deadlock = (SQLException) e.getCause();
                }
                assertThat((Throwable) deadlock).isNotNull();
                assertThat(deadlock.getSQLState()).isEqualTo("40001");
                assertThat(deadlock.getErrorCode()).isEqualTo(1213);
                assertThat((Throwable) deadlock)
                        .isInstanceOf(java.sql.SQLTransactionRollbackException.class)
                        .hasMessageContaining("[node " + cluster.primary().address() + " primary]");
            }
            first.rollback();
            second.rollback();
        }
    }
}
