package dev.junction.it.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;

/**
 * What {@code readConsistency=session} costs against {@code eventual} on one workload: autocommit insert, then a read
 * of the session's own rows, repeated. Both modes run in the same JVM on the same cluster, in alternating blocks so
 * that drift (caches, checkpoints) hits both alike; medians and p99 of each operation are printed, with the share
 * of reads the replicas served. Writes cost the same in both modes: a commit is recorded as an instant, and the
 * question {@code session} used to ask the primary after each commit ({@code pg_current_wal_lsn()} /
 * {@code @@last_gtid}, timed alone as the baseline) is no longer asked: the test counts what the primary receives
 * while a {@code session} connection writes (MariaDB's {@code Com_select}, PostgreSQL's statement log), where that
 * question would add one statement per write. Timings are printed, not asserted: they are for the README. The difference in read latency is where read-your-writes sends the read (the
 * primary until a probe of the primary sent after the write has answered, or a replica that has replayed it).
 *
 * <p>Run: {@code mvn -o -pl integration-tests verify -Dit.test=ReadConsistencyCostIT}. Not a JMH benchmark: each
 * number is a median over thousands of round trips on loopback, which is what the README quotes.
 */
class ReadConsistencyCostIT {
    private static final int BLOCKS = 10;
    private static final int PAIRS_PER_BLOCK = 300;
    private static final int COUNTED_WRITES = 300;

    @Test
    void postgresSessionAgainstEventual() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            cluster.primary()
                    .execute(
                            "create function server_port() returns int language sql stable as 'select inet_server_port()'",
                            "create table cost_log(session_id int not null, seq bigint not null, primary key (session_id, seq))");
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            String url = "jdbc:junction:postgresql://" + cluster.hostList()
                    + "/postgres?maxReplicaLag=500ms&readConsistency=";
            measure("PostgreSQL", url, user, "server_port()", cluster.primary().port());
            try (Connection primary = cluster.primary().connect()) {
                captureBaseline("PostgreSQL", primary, "select pg_current_wal_lsn()::text");
            }
            // Statements the primary receives from application connections while a session connection writes: the
            // server's own statement log, turned on only now so that the timings above are not slowed by it.
            cluster.primary()
                    .execute(
                            "alter system set log_statement = 'all'",
                            "alter system set log_line_prefix = '%a|'",
                            "select pg_reload_conf()");
            Path log = cluster.primary().process().logFile();
            long offset;
            try (Connection session = DriverManager.getConnection(url + "session", user)) {
                writeOnly(session, 3, 1);
                offset = Files.size(log);
                writeOnly(session, 3, COUNTED_WRITES + 1);
            }
            List<String> applicationStatements = Files.readAllLines(log).stream()
                    .skip(linesBefore(log, offset))
                    .filter(line -> line.contains("statement: ") || line.contains("execute "))
                    .filter(line -> !line.startsWith("junction-monitor|"))
                    .toList();
            System.out.println("PostgreSQL statements from application connections during " + COUNTED_WRITES
                    + " session writes: " + applicationStatements.size());
            assertThat(applicationStatements)
                    .filteredOn(line -> line.contains("insert into cost_log"))
                    .hasSize(COUNTED_WRITES);
            assertThat(applicationStatements)
                    .as("a commit-position question would double them")
                    .hasSizeLessThan(COUNTED_WRITES + COUNTED_WRITES / 10);
        }
    }

    /** How many whole lines {@code log} had when it was {@code bytes} long. */
    private static long linesBefore(Path log, long bytes) throws IOException {
        byte[] content = Files.readAllBytes(log);
        long lines = 0;
        for (int i = 0; i < Math.min(bytes, content.length); i++) {
            if (content[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** Autocommit inserts through {@code connection} with sequence numbers {@code from} up. */
    private static void writeOnly(Connection connection, int sessionId, int from) throws SQLException {
        int count = from == 1 ? 1 : COUNTED_WRITES;
        try (PreparedStatement write =
                connection.prepareStatement("insert into cost_log(session_id, seq) values (?, ?)")) {
            for (int i = 0; i < count; i++) {
                write.setInt(1, sessionId);
                write.setLong(2, from + i);
                write.executeUpdate();
            }
        }
    }

    @Test
    void mariaDbSessionAgainstEventual() throws Exception {
        try (MariaDbCluster cluster =
                MariaDbCluster.primaryReplica().replicas(2).start()) {
            try (Connection primary = cluster.primary().connectAsApplicationUser();
                    Statement statement = primary.createStatement()) {
                statement.execute(
                        "create table cost_log(session_id int not null, seq bigint not null, primary key (session_id, seq))");
            }
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", MariaDbNode.APPLICATION_USER);
            user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            String url = "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE
                    + "?maxReplicaLag=500ms&readConsistency=";
            measure("MariaDB", url, user, "@@port", cluster.primary().port());
            try (Connection primary = cluster.primary().connectAsApplicationUser()) {
                captureBaseline("MariaDB", primary, "select @@last_gtid");
            }
            // SELECTs the primary runs while a session connection writes: only the monitor's probes (a few per
            // 100 ms), where a commit-position question would add one per write.
            try (Connection session = DriverManager.getConnection(url + "session", user)) {
                writeOnly(session, 3, 1);
                long selects = Long.parseLong(cluster.primary().globalStatus("Com_select"));
                long inserts = Long.parseLong(cluster.primary().globalStatus("Com_insert"));
                writeOnly(session, 3, COUNTED_WRITES + 1);
                long selectsDuring = Long.parseLong(cluster.primary().globalStatus("Com_select")) - selects;
                long insertsDuring = Long.parseLong(cluster.primary().globalStatus("Com_insert")) - inserts;
                System.out.println("MariaDB SELECTs on the primary during " + COUNTED_WRITES + " session writes: "
                        + selectsDuring);
                assertThat(insertsDuring).isEqualTo(COUNTED_WRITES);
                assertThat(selectsDuring)
                        .as("a commit-position question would add one per write")
                        .isLessThan(COUNTED_WRITES / 10);
            }
        }
    }

    /** The commit-position question alone, on a raw connection to the primary, as the driver used to ask it per commit. */
    private static void captureBaseline(String database, Connection primary, String sql) throws SQLException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < BLOCKS * PAIRS_PER_BLOCK; i++) {
            long started = System.nanoTime();
            try (Statement statement = primary.createStatement();
                    ResultSet row = statement.executeQuery(sql)) {
                row.next();
                row.getString(1);
            }
            times.add(System.nanoTime() - started);
        }
        System.out.printf(
                Locale.ROOT,
                "%s cost of \"%s\" alone on a raw connection: median %.0f us, p99 %.0f us%n",
                database,
                sql,
                Mode.percentile(times, 0.5) / 1000,
                Mode.percentile(times, 0.99) / 1000);
    }

    /** Prints both modes' medians and p99, and the difference of the medians. */
    private static void measure(String database, String url, Properties user, String portExpression, int primaryPort)
            throws SQLException {
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
        System.out.printf(
                Locale.ROOT,
                "%s cost session - eventual: write %+.0f us, read %+.0f us (medians)%n",
                database,
                (session.median(session.writes) - eventual.median(eventual.writes)) / 1000.0,
                (session.median(session.reads) - eventual.median(eventual.reads)) / 1000.0);
        assertThat(session.reads).hasSize(BLOCKS * PAIRS_PER_BLOCK);
        assertThat(eventual.replicaReads)
                .as("eventual reads go to the replicas")
                .isGreaterThan(BLOCKS * PAIRS_PER_BLOCK / 2);
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
            try (PreparedStatement write =
                            connection.prepareStatement("insert into cost_log(session_id, seq) values (?, ?)");
                    PreparedStatement read = connection.prepareStatement("select coalesce(max(seq), 0), "
                            + portExpression + " from cost_log where session_id = ?")) {
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
            return String.format(
                    Locale.ROOT,
                    "%-8s: %d write+read pairs, write median %.0f us p99 %.0f us, read median %.0f us p99 %.0f us, "
                            + "reads on replicas %.1f %%",
                    name,
                    reads.size(),
                    median(writes) / 1000,
                    percentile(writes, 0.99) / 1000,
                    median(reads) / 1000,
                    percentile(reads, 0.99) / 1000,
                    100.0 * replicaReads / reads.size());
        }
    }
}
