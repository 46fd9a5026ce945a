package dev.junction.it.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor as connections use it (design §4): a standby that hangs (SIGSTOP) stops receiving reads within a
 * second, long before the failure streak marks it down, and gets them back after SIGCONT; a standby that restarts
 * is used again once it answers.
 */
class PostgresMonitorThroughDriverIT {
    private static PostgresCluster cluster;
    private static String url;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?readConsistency=eventual";
        cluster.primary()
                .execute(
                        "create function server_port() returns int language sql stable as 'select inet_server_port()'");
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select server_port()")) {
            row.next();
            return row.getInt(1);
        }
    }

    /** Reads for {@code duration} on fresh connections (so no read reuses a session's node), returns the ports. */
    private static Set<Integer> readsFor(Duration duration) throws SQLException {
        Set<Integer> ports = new HashSet<>();
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
                connection.setNetworkTimeout(Runnable::run, 3000);
                for (int i = 0; i < 4; i++) {
                    ports.add(port(connection));
                }
            }
        }
        return ports;
    }

    @Test
    void aHungStandbyStopsGettingReadsWithinASecondAndGetsThemBackWhenItWakes() throws Exception {
        PostgresNode hung = cluster.standbys().get(1);
        try (Connection holder = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(readsFor(Duration.ofMillis(300))).contains(hung.port());
            hung.process().suspend();
            try {
                Thread.sleep(1000);
                long started = System.nanoTime();
                Set<Integer> ports = readsFor(Duration.ofSeconds(2));
                assertThat(ports)
                        .doesNotContain(hung.port())
                        .contains(cluster.standbys().get(0).port());
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            } finally {
                hung.process().resume();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Set<Integer> ports = new HashSet<>();
            while (!ports.contains(hung.port()) && System.nanoTime() < deadline) {
                ports.addAll(readsFor(Duration.ofMillis(200)));
            }
            assertThat(ports).contains(hung.port());
            assertThat(holder.isValid(1)).isTrue();
        }
    }

    @Test
    void aRestartedStandbyIsUsedAgainOnceItAnswers() throws Exception {
        PostgresNode restarted = cluster.standbys().get(0);
        try (Connection holder = DriverManager.getConnection(url, "postgres", "")) {
            restarted.stop();
            Thread.sleep(500);
            assertThat(readsFor(Duration.ofMillis(500))).doesNotContain(restarted.port());
            restarted.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            Set<Integer> ports = new HashSet<>();
            while (!ports.contains(restarted.port()) && System.nanoTime() < deadline) {
                ports.addAll(readsFor(Duration.ofMillis(200)));
            }
            assertThat(ports).contains(restarted.port());
            assertThat(holder.isValid(1)).isTrue();
        }
    }
}
