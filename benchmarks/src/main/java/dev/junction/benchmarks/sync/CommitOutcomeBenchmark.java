package dev.junction.benchmarks.sync;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import dev.junction.workloads.RoundRatios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * What {@code commitOutcome=track} costs per transaction: Junction with and without it, and the raw driver, on a
 * primary with one replica on loopback (PostgreSQL 15 with a streaming standby, MariaDB with a GTID replica;
 * {@code syncMode=async}, so that only tracking differs). Two shapes: a single-row auto-commit INSERT (which tracking
 * turns into a transaction of its own) and a transaction of two single-row INSERTs and {@code commit()}. Method as in
 * {@link SyncCommitBenchmark} (pairs, interleaved, random order per round, geometric mean of per-round ratios of block
 * means, 95 % interval).
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests}, then {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.sync.CommitOutcomeBenchmark [--database
 * postgresql|mariadb|both] [--rounds 10] [--transactions 200] [--out docs/commit-outcome-cost.md]}.
 */
public final class CommitOutcomeBenchmark {
    private final int rounds;
    private final int transactions;
    private final Random random = new Random(42);
    private long nextId = 1;

    private CommitOutcomeBenchmark(int rounds, int transactions) {
        this.rounds = rounds;
        this.transactions = transactions;
    }

    private record Configuration(String name, Connection connection, boolean explicit) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String database = options.getOrDefault("database", "both");
        CommitOutcomeBenchmark benchmark = new CommitOutcomeBenchmark(
                Integer.parseInt(options.getOrDefault("rounds", "10")),
                Integer.parseInt(options.getOrDefault("transactions", "200")));
        StringBuilder report = new StringBuilder("# What commitOutcome=track costs per transaction\n\n`java -cp "
                + "benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.sync.CommitOutcomeBenchmark "
                + String.join(" ", args) + "`, " + LocalDate.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, servers and client on one machine (loopback). "
                + benchmark.rounds + " rounds of one block of " + benchmark.transactions + " transactions per "
                + "configuration, interleaved in random order; ratios are geometric means of per-round ratios of "
                + "block means, 95 % interval.\n\n");
        if (!database.equals("mariadb")) {
            report.append(benchmark.postgres());
        }
        if (!database.equals("postgresql")) {
            report.append(benchmark.mariaDb());
        }
        System.out.println(report);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), report.toString());
        }
    }

    private String postgres() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            cluster.primary().execute("create table outcome_bench(id bigint primary key, payload varchar(64))");
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            String junction = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
            return table(
                    "PostgreSQL " + cluster.binaries().version() + ", primary + 1 standby",
                    cluster.primary().jdbcUrl("postgres"),
                    junction,
                    user);
        }
    }

    private String mariaDb() throws Exception {
        try (MariaDbCluster cluster =
                MariaDbCluster.primaryReplica().replicas(1).start()) {
            cluster.primary()
                    .execute("create table " + MariaDbNode.DATABASE
                            + ".outcome_bench(id bigint primary key, payload varchar(64))");
            cluster.awaitReplication();
            Properties user = new Properties();
            user.setProperty("user", MariaDbNode.APPLICATION_USER);
            user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            return table(
                    "MariaDB " + cluster.binaries().version() + ", primary + 1 replica",
                    "jdbc:mariadb://" + cluster.primary().address() + "/" + MariaDbNode.DATABASE,
                    "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE,
                    user);
        }
    }

    private String table(String title, String raw, String junction, Properties user) throws Exception {
        List<Configuration> configurations = new ArrayList<>();
        for (boolean explicit : new boolean[] {false, true}) {
            String shape = explicit ? "transaction of 2 INSERTs" : "auto-commit INSERT";
            configurations.add(new Configuration(raw(shape), DriverManager.getConnection(raw, user), explicit));
            configurations.add(new Configuration(off(shape), DriverManager.getConnection(junction, user), explicit));
            configurations.add(new Configuration(
                    track(shape), DriverManager.getConnection(junction + "?commitOutcome=track", user), explicit));
        }
        Map<String, List<Double>> means = new LinkedHashMap<>();
        for (Configuration configuration : configurations) {
            means.put(configuration.name(), new ArrayList<>());
            block(configuration); // warm-up
        }
        List<Configuration> order = new ArrayList<>(configurations);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(order, random);
            for (Configuration configuration : order) {
                means.get(configuration.name()).add(block(configuration));
            }
        }
        StringBuilder table = new StringBuilder("## " + title + "\n\n| configuration | mean (µs) | / raw driver "
                + "| track / off |\n|---|---|---|---|\n");
        for (Configuration configuration : configurations) {
            configuration.connection().close();
            String shape = configuration.explicit() ? "transaction of 2 INSERTs" : "auto-commit INSERT";
            List<Double> own = means.get(configuration.name());
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s |%n",
                    configuration.name(),
                    own.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / 1000,
                    configuration.name().equals(raw(shape))
                            ? "1"
                            : RoundRatios.of(own, means.get(raw(shape))).label(),
                    configuration.name().equals(track(shape))
                            ? RoundRatios.of(own, means.get(off(shape))).label()
                            : ""));
        }
        return table.append('\n').toString();
    }

    private static String raw(String shape) {
        return "raw driver, " + shape;
    }

    private static String off(String shape) {
        return "Junction, " + shape;
    }

    private static String track(String shape) {
        return "Junction commitOutcome=track, " + shape;
    }

    /** One block; returns the mean time of a transaction in nanoseconds. */
    private double block(Configuration configuration) throws SQLException {
        Connection connection = configuration.connection();
        connection.setAutoCommit(!configuration.explicit());
        long total = 0;
        try (PreparedStatement insert =
                connection.prepareStatement("insert into outcome_bench(id, payload) values (?, 'x')")) {
            for (int i = 0; i < transactions; i++) {
                long start = System.nanoTime();
                insert.setLong(1, nextId++);
                insert.executeUpdate();
                if (configuration.explicit()) {
                    insert.setLong(1, nextId++);
                    insert.executeUpdate();
                    connection.commit();
                }
                total += System.nanoTime() - start;
            }
        }
        return (double) total / transactions;
    }
}
