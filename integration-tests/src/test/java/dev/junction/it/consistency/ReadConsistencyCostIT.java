package dev.junction.it.consistency;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code readConsistency=session} costs against {@code eventual} on one workload: autocommit insert, then a read
 * of the session's own rows, repeated. Both modes run in the same JVM on the same cluster, in alternating blocks so
 * that drift (caches, checkpoints) hits both alike; medians and p99 of each operation are printed, with the share
 * of reads the replicas served. Writes cost the same in both modes: a commit is recorded as an instant, and the
 * question {@code session} used to ask the primary after each commit ({@code pg_current_wal_lsn()} /
 * {@code @@last_gtid}, timed alone as the baseline) is no longer asked; the test checks that the write difference
 * stays well under that round trip. The difference in read latency is where read-your-writes sends the read (the
 * primary until a probe of the primary sent after the write has answered, or a replica that has replayed it).
 *
 * <p>Run: {@code mvn -o -pl integration-tests verify -Dit.test=ReadConsistencyCostIT}. Not a JMH benchmark: each
 * number is a median over thousands of round trips on loopback, which is what the README quotes.
 */
class ReadConsistencyCostIT {
    private static final int BLOCKS = 10;
    private static final int PAIRS_PER_BLOCK = 300;

    @Test
    void postgresSessionAgainstEventual() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            cluster.primary().execute("create function server_port() returns int language sql stable as 'select inet_server_port()'",
                    "create table cost_log(session_id int not null, seq bigint not null, primary key (session_id, seq))");
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            String url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?maxReplicaLag=500ms&readConsistency=";
            double writeDifference = measure("PostgreSQL", url, user, "server_port()", cluster.primary().port());
            try (Connection primary = cluster.primary().connect()) {
                double question = captureBaseline("PostgreSQL", primary, "select pg_current_wal_lsn()::text");
                assertNoCommitQuestion(writeDifference, question);
            }
        }
    }

    @Test
    void mariaDbSessionAgainstEventual() throws Exception {
        try (MariaDbCluster cluster = MariaDbCluster.primaryReplica().replicas(2).start()) {
            try (Connection primary = cluster.primary().connectAsApplicationUser(); Statement statement = primary.createStatement()) {
                statement.execute("create table cost_log(session_id int not null, seq bigint not null, primary key (session_id, seq))");
            }
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", MariaDbNode.APPLICATION_USER);
            user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            String url = "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE + "?maxReplicaLag=500ms&readConsistency=";
            double writeDifference = measure("MariaDB", url, user, "@@port", cluster.primary().port());
            try (Connection primary = cluster.primary().connectAsApplicationUser()) {
                double question = captureBaseline("MariaDB", primary, "select @@last_gtid");
                assertNoCommitQuestion(writeDifference, question);
            }
        }
    }

    /**
     * A write under {@code session} that asked the primary where its commit went took one more round trip than under
     * {@code eventual}, about the question's own median; now the medians differ by noise only.
     */
    private static void assertNoCommitQuestion(double writeDifferenceNanos, double questionNanos) {
        assertThat(writeDifferenceNanos).as("session write median minus eventual's, against the old per-commit question's median")
                .isLessThan(questionNanos / 2);
    }

    /** The commit-position question alone, on a raw connection to the primary, as the driver used to ask it per commit. */
    private static double captureBaseline(String database, Connection primary, String sql) throws SQLException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < BLOCKS * PAIRS_PER_BLOCK; i++) {
            long started = System.nanoTime();
            try (Statement statement = primary.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                row.next();
                row.getString(1);
            }
            times.add(System.nanoTime() - started);
        }
        System.out.printf(Locale.ROOT, "%s cost of \"%s\" alone on a raw connection: median %.0f us, p99 %.0f us%n", database, sql,
                Mode.percentile(times, 0.5) / 1000, Mode.percentile(times, 0.99) / 1000);
        return Mode.percentile(times, 0.5);
    }

    /** @return the session write median minus the eventual one, in nanoseconds */
    private static double measure(String database, String url, Properties user, String portExpression, int primaryPort) throws SQLException {
        Mode eventual = new Mode("eventual", 1);
        Mode session = new Mode("session", 2);
        try (Connection eventualConnection = DriverManager.getConnection(url + "eventual", user);
             Connection sessionConnection = DriverManager.getConnection(url + "session", user)) {
            for (int block = 0; block < BLOCKS; block++) {
                Mode first = block % 2 == 0 ? eventual : session;
                Mode second = first == eventual ? session : eventual;
                first.run(first == eventual ? eventualConnection : sessionConnection, portExpression, primaryPort);
                second.run(second == eventual ? eventualConnection : sessionConnection, portExpression, primaryPort);
            }
        }
        System.out.println(database + " cost " + eventual);
        System.out.println(database + " cost " + session);
        System.out.printf(Locale.ROOT, "%s cost session - eventual: write %+.0f us, read %+.0f us (medians)%n", database,
                (session.median(session.writes) - eventual.median(eventual.writes)) / 1000.0,
                (session.median(session.reads) - eventual.median(eventual.reads)) / 1000.0);
        assertThat(session.reads).hasSize(BLOCKS * PAIRS_PER_BLOCK);
        return session.median(session.writes) - eventual.median(eventual.writes);
    }

    /** One mode's timings. */
    private static final class Mode {
        private final String name;
        private final int sessionId;
        private final List<Long> writes = new ArrayList<>();
        private final List<Long> reads = new ArrayList<>();
        private long replicaReads;
        private long seq;

        Mode(String name, int sessionId) {
            this.name = name;
            this.sessionId = sessionId;
        }

        void run(Connection connection, String portExpression, int primaryPort) throws SQLException {
            try (PreparedStatement write = connection.prepareStatement("insert into cost_log(session_id, seq) values (?, ?)");
                 PreparedStatement read = connection.prepareStatement(
                         "select coalesce(max(seq), 0), " + portExpression + " from cost_log where session_id = ?")) {
                for (int i = 0; i < PAIRS_PER_BLOCK; i++) {
                    long started = System.nanoTime();
                    write.setInt(1, sessionId);
                    write.setLong(2, ++seq);
                    write.executeUpdate();
                    long written = System.nanoTime();
                    read.setInt(1, sessionId);
                    try (ResultSet row = read.executeQuery()) {
                        row.next();
                        if (row.getInt(2) != primaryPort) {
                            replicaReads++;
                        }
                    }
                    long readAt = System.nanoTime();
                    writes.add(written - started);
                    reads.add(readAt - written);
                }
            }
        }

        double median(List<Long> values) {
            return percentile(values, 0.5);
        }

        static double percentile(List<Long> values, double p) {
            List<Long> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-8s: %d write+read pairs, write median %.0f us p99 %.0f us, read median %.0f us p99 %.0f us, "
                            + "reads on replicas %.1f %%", name, reads.size(), median(writes) / 1000, percentile(writes, 0.99) / 1000,
                    median(reads) / 1000, percentile(reads, 0.99) / 1000, 100.0 * replicaReads / reads.size());
        }
    }
}
