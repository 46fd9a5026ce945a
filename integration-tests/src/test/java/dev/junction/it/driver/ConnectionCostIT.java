package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.junction.cluster.PostgresCluster;
import dev.junction.driver.JunctionConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rough costs behind the choice of how Junction opens physical connections (README, "Physical connections"): what a
 * connection costs raw, through Junction (one or two nodes), and borrowed from HikariCP in front of Junction; and what
 * one statement costs on an open connection, raw and through Junction. Medians of interleaved runs on loopback; it
 * prints a table and checks only gross regressions, so it stays fast and stable on a shared 2-core machine.
 */
class ConnectionCostIT {
    private static final int CONNECTIONS = 40;
    private static final int STATEMENTS = 2000;
    private static PostgresCluster cluster;
    private static String junctionUrl;
    private static String rawUrl;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(1).start();
        junctionUrl = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
        rawUrl = cluster.standbys().get(0).jdbcUrl("postgres");
        cluster.primary().execute("create table costs(id int)");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Properties user() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    private static void query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
        }
    }

    private static double medianMicros(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }

    @Test
    void measuresConnectionAndStatementCosts() throws SQLException {
        long[] raw = new long[CONNECTIONS];
        long[] junctionRead = new long[CONNECTIONS];
        long[] junctionReadWrite = new long[CONNECTIONS];
        long[] pooled = new long[CONNECTIONS];
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(junctionUrl);
        config.setUsername("postgres");
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DriverManager.getConnection(junctionUrl, user())
                    .close(); // topology probed once per JVM, not per connection
            for (int i = 0; i < CONNECTIONS; i++) {
                long t0 = System.nanoTime();
                try (Connection connection = DriverManager.getConnection(rawUrl, user())) {
                    query(connection, "select 1");
                }
                long t1 = System.nanoTime();
                try (Connection connection = DriverManager.getConnection(junctionUrl, user())) {
                    query(connection, "select 1");
                }
                long t2 = System.nanoTime();
                String lockingReadNode;
                try (Connection connection = DriverManager.getConnection(junctionUrl, user())) {
                    query(connection, "select 1");
                    query(connection, "select id from costs for update");
                    lockingReadNode =
                            connection.unwrap(JunctionConnection.class).lastNode();
                }
                long t3 = System.nanoTime();
                assertThat(lockingReadNode)
                        .as("the locking read needs the primary's physical connection")
                        .endsWith("primary");
                try (Connection connection = pool.getConnection()) {
                    query(connection, "select 1");
                }
                long t4 = System.nanoTime();
                raw[i] = t1 - t0;
                junctionRead[i] = t2 - t1;
                junctionReadWrite[i] = t3 - t2;
                pooled[i] = t4 - t3;
            }
            // What the pooled row measures: a borrow reuses the one Junction connection, it does not open one.
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
        }
        long[] pooledOnly = new long[STATEMENTS];
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int i = 0; i < STATEMENTS; i++) {
                long t0 = System.nanoTime();
                try (Connection connection = pool.getConnection()) {
                    query(connection, "select 1");
                }
                pooledOnly[i] = System.nanoTime() - t0;
            }
        }
        long[] rawStatement = new long[STATEMENTS];
        long[] junctionStatement = new long[STATEMENTS];
        try (Connection plain = DriverManager.getConnection(rawUrl, user());
                Connection junction = DriverManager.getConnection(junctionUrl, user())) {
            query(junction, "select 1");
            for (int i = 0; i < STATEMENTS; i++) {
                long t0 = System.nanoTime();
                query(plain, "select 1");
                long t1 = System.nanoTime();
                query(junction, "select 1");
                long t2 = System.nanoTime();
                rawStatement[i] = t1 - t0;
                junctionStatement[i] = t2 - t1;
            }
        }
        System.out.printf("%n| measure (median, µs) | value |%n|---|---|%n");
        System.out.printf("| raw PgJDBC: connect + select 1 + close | %.0f |%n", medianMicros(raw));
        System.out.printf(
                "| Junction: connect + read (1 physical connection) + close | %.0f |%n", medianMicros(junctionRead));
        System.out.printf(
                "| Junction: connect + read + locking read (2 physical connections) + close | %.0f |%n",
                medianMicros(junctionReadWrite));
        System.out.printf("| HikariCP over Junction: borrow + read + return | %.0f |%n", medianMicros(pooled));
        System.out.printf(
                "| HikariCP over Junction: borrow + read + return, back to back | %.1f |%n", medianMicros(pooledOnly));
        System.out.printf("| raw PgJDBC: select 1 on an open connection | %.1f |%n", medianMicros(rawStatement));
        System.out.printf("| Junction: select 1 on an open connection | %.1f |%n", medianMicros(junctionStatement));
        // Timings are reported, never asserted (they drift on shared machines): see the README's performance section.
    }
}
