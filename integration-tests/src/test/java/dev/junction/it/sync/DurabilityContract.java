package dev.junction.it.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What an acknowledged commit is worth when the primary dies: a writer commits rows one by one through Junction while
 * the primary crashes (SIGKILL to the server and every process it forked at once) at a random moment of the burst; the most advanced replica is promoted and every
 * row whose commit was acknowledged (returned without an exception) is looked up there. With {@code syncMode=sync}
 * (applied or flushed) none may be missing; with {@code async} the loss is counted and reported, the trade-off
 * measured rather than asserted. Each kill gets a new cluster (a primary and two replicas). Counts go to stdout and
 * to {@code target/durability.txt}.
 */
abstract class DurabilityContract {
    static final int KILLS_PER_ACK = 10;
    static final int ASYNC_KILLS = 3;

    /** One disposable cluster: a primary and two replicas. */
    interface Trial extends AutoCloseable {
        String url();

        Properties credentials();

        Connection rawPrimary() throws SQLException;

        /** SIGKILL to the primary and every process it forked, at once: a machine failure. */
        void killPrimary();

        /** Promotes the replica that has received the most and returns a connection to it, now the primary. */
        Connection promoteMostAdvanced() throws Exception;

        @Override
        void close();
    }

    abstract String database();

    abstract Trial start();

    private final Random random = new Random();

    @Test
    void syncCommitsSurviveAKilledPrimaryAndAsyncLossIsCounted() throws Exception {
        Tally applied = kills("sync", "apply", KILLS_PER_ACK);
        Tally flushed = kills("sync", "flush", KILLS_PER_ACK);
        Tally async = kills("async", "apply", ASYNC_KILLS);
        report(applied, flushed, async);
        assertThat(applied.acknowledged)
                .as("commits acknowledged before the kills")
                .isPositive();
        assertThat(flushed.acknowledged).isPositive();
        assertThat(applied.lost).as("acknowledged rows lost, sync/apply").isZero();
        assertThat(flushed.lost).as("acknowledged rows lost, sync/flush").isZero();
    }

    /** Kills, acknowledged rows, lost rows. */
    private static final class Tally {
        final String label;
        int kills;
        long acknowledged;
        long lost;

        Tally(String label) {
            this.label = label;
        }
    }

    private Tally kills(String mode, String ack, int kills) throws Exception {
        Tally tally = new Tally("syncMode=" + mode + (mode.equals("async") ? "" : ", syncAck=" + ack));
        for (int i = 0; i < kills; i++) {
            try (Trial trial = start()) {
                try (Connection primary = trial.rawPrimary();
                        Statement statement = primary.createStatement()) {
                    statement.execute("create table durable(id bigint primary key)");
                }
                Set<Long> acknowledged =
                        burstAndKill(trial, "?syncMode=" + mode + "&syncAck=" + ack + "&syncTimeout=2s");
                Set<Long> present = new HashSet<>();
                try (Connection promoted = trial.promoteMostAdvanced();
                        Statement statement = promoted.createStatement();
                        ResultSet rows = statement.executeQuery("select id from durable")) {
                    while (rows.next()) {
                        present.add(rows.getLong(1));
                    }
                }
                tally.kills++;
                tally.acknowledged += acknowledged.size();
                acknowledged.removeAll(present);
                tally.lost += acknowledged.size();
            }
        }
        return tally;
    }

    /** Commits rows until the primary, killed at a random moment, makes a commit fail; returns the acknowledged ids. */
    private Set<Long> burstAndKill(Trial trial, String parameters) throws Exception {
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean started = new AtomicBoolean();
        Thread writer = new Thread(
                () -> {
                    try (Connection connection =
                                    DriverManager.getConnection(trial.url() + parameters, trial.credentials());
                            PreparedStatement insert =
                                    connection.prepareStatement("insert into durable(id) values (?)")) {
                        for (long id = 1; ; id++) {
                            insert.setLong(1, id);
                            started.set(true);
                            insert.executeUpdate();
                            acknowledged.add(id); // returned normally: the mode's promise holds for this row
                        }
                    } catch (SQLException e) {
                        // the kill: this commit and every later one are not acknowledged
                    }
                },
                "durability-writer");
        writer.start();
        while (!started.get()) {
            Thread.onSpinWait();
        }
        Thread.sleep(100 + random.nextInt(200));
        trial.killPrimary();
        writer.join(30_000);
        assertThat(writer.isAlive()).as("the writer gave up after the kill").isFalse();
        return new HashSet<>(acknowledged);
    }

    private void report(Tally... tallies) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Tally tally : tallies) {
            text.append(String.format(
                    Locale.ROOT,
                    "durability %s %s: %d kills, %d acknowledged rows, %d lost%n",
                    database(),
                    tally.label,
                    tally.kills,
                    tally.acknowledged,
                    tally.lost));
        }
        System.out.print(text);
        Files.writeString(
                Path.of("target", "durability.txt"), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
