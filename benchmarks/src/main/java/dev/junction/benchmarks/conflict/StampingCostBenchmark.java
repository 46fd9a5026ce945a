package dev.junction.benchmarks.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.MariaDbGuardTriggers;
import dev.junction.conflict.PostgresGuardTriggers;
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
 * What stamping costs a write (issue 17): on the two-master beds, auto-commit INSERTs and UPDATEs by key through the
 * raw driver to one master (plain table), Junction {@code topology=multi-master} on the plain table, and Junction with
 * the table in {@code conflictTables} (stamped, the guard triggers installed on both masters, as a multi-master
 * deployment runs them). Pairs method as in the other end-to-end benchmarks: blocks interleaved in random order per
 * round, geometric mean of per-round ratios of block means, 95 % interval.
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests}, then {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.conflict.StampingCostBenchmark [--database
 * postgresql|mariadb|both] [--rounds 10] [--writes 200] [--out docs/stamping-cost.md]}.
 */
public final class StampingCostBenchmark {
    private static final List<String> COLUMNS = List.of("id", "payload", "_hlc", "_origin", "_deleted");
    private final int rounds;
    private final int writes;
    private final Random random = new Random(42);
    private long nextId = 1_000_000; // above the rows seeded for the UPDATEs

    private StampingCostBenchmark(int rounds, int writes) {
        this.rounds = rounds;
        this.writes = writes;
    }

    private record Configuration(String name, Connection connection, String table, boolean update) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String database = options.getOrDefault("database", "both");
        StampingCostBenchmark benchmark = new StampingCostBenchmark(
                Integer.parseInt(options.getOrDefault("rounds", "10")),
                Integer.parseInt(options.getOrDefault("writes", "200")));
        StringBuilder report = new StringBuilder("# What stamping costs a write\n\n`java -cp "
                + "benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.conflict.StampingCostBenchmark "
                + String.join(" ", args) + "`, " + LocalDate.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, two masters and the client on one machine"
                + " (loopback). " + benchmark.rounds + " rounds of one block of " + benchmark.writes + " writes per"
                + " configuration, interleaved in random order; ratios are geometric means of per-round ratios of"
                + " block means, 95 % interval.\n\n");
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

    private static String tables(String text) {
        return "create table plain_rows(id bigint primary key, payload varchar(64) not null, _hlc bigint not null"
                + " default 0, _origin varchar(64) not null default '', _deleted boolean not null default false)"
                + text;
    }

    private String postgres() throws Exception {
        try (PostgresTwoMasterCluster cluster = PostgresTwoMasterCluster.start()) {
            cluster.executeOnBoth(tables(""), tables("").replace("plain_rows", "stamped_rows"));
            List<String> guards = PostgresGuardTriggers.install("stamped_rows", List.of("id"), COLUMNS);
            for (PostgresNode master : cluster.masters()) {
                master.execute(guards.toArray(String[]::new));
            }
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            PostgresNode home = cluster.masters().get(0);
            return table(
                    "PostgreSQL " + cluster.binaries().version() + ", two masters (logical replication both ways)",
                    home.jdbcUrl("postgres"),
                    "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?topology=multi-master&homeMaster="
                            + home.address(),
                    user);
        }
    }

    private String mariaDb() throws Exception {
        try (MariaDbCluster ring = MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .start()) {
            MariaDbNode home = ring.masters().get(0);
            home.execute(tables(""), tables("").replace("plain_rows", "stamped_rows"));
            ring.awaitReplication();
            List<String> statements = new ArrayList<>();
            statements.add("SET SESSION sql_log_bin = 0");
            statements.addAll(MariaDbGuardTriggers.install("stamped_rows", List.of("id"), COLUMNS));
            for (MariaDbNode master : ring.masters()) {
                master.execute(statements.toArray(String[]::new));
            }
            Properties user = new Properties();
            user.setProperty("user", MariaDbNode.APPLICATION_USER);
            user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            return table(
                    "MariaDB " + ring.binaries().version() + ", master-master ring",
                    "jdbc:mariadb://" + home.address() + "/" + MariaDbNode.DATABASE,
                    "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE
                            + "?topology=multi-master&homeMaster=" + home.address(),
                    user);
        }
    }

    private String table(String title, String raw, String junction, Properties user) throws Exception {
        List<Configuration> configurations = new ArrayList<>();
        for (boolean update : new boolean[] {false, true}) {
            configurations.add(new Configuration(
                    name("raw driver", update), DriverManager.getConnection(raw, user), "plain_rows", update));
            configurations.add(new Configuration(
                    name("Junction, plain table", update),
                    DriverManager.getConnection(junction, user),
                    "plain_rows",
                    update));
            configurations.add(new Configuration(
                    name("Junction, stamped table", update),
                    DriverManager.getConnection(junction + "&conflictTables=stamped_rows", user),
                    "stamped_rows",
                    update));
        }
        try (Connection seed = DriverManager.getConnection(raw, user);
                PreparedStatement plain =
                        seed.prepareStatement("insert into plain_rows (id, payload) values (?, 'seed')");
                PreparedStatement stamped =
                        seed.prepareStatement("insert into stamped_rows (id, payload) values (?, 'seed')")) {
            for (int id = 1; id <= writes; id++) {
                plain.setLong(1, id);
                plain.executeUpdate();
                stamped.setLong(1, id);
                stamped.executeUpdate();
            }
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
                + "| stamped / plain (Junction) |\n|---|---|---|---|\n");
        for (Configuration configuration : configurations) {
            configuration.connection().close();
            boolean update = configuration.update();
            List<Double> own = means.get(configuration.name());
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s |%n",
                    configuration.name(),
                    own.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / 1000,
                    configuration.name().equals(name("raw driver", update))
                            ? "1"
                            : RoundRatios.of(own, means.get(name("raw driver", update)))
                                    .label(),
                    configuration.name().equals(name("Junction, stamped table", update))
                            ? RoundRatios.of(own, means.get(name("Junction, plain table", update)))
                                    .label()
                            : ""));
        }
        return table.append('\n').toString();
    }

    private static String name(String who, boolean update) {
        return who + (update ? ", UPDATE by key" : ", INSERT");
    }

    /** One block; returns the mean time of a write in nanoseconds. UPDATEs rewrite rows the INSERT blocks made. */
    private double block(Configuration configuration) throws SQLException {
        long total = 0;
        String sql = configuration.update()
                ? "update " + configuration.table() + " set payload = ? where id = ?"
                : "insert into " + configuration.table() + " (id, payload) values (?, ?)";
        try (PreparedStatement write = configuration.connection().prepareStatement(sql)) {
            for (int i = 0; i < writes; i++) {
                long start = System.nanoTime();
                if (configuration.update()) {
                    write.setString(1, "updated " + i);
                    write.setLong(2, 1 + random.nextInt(writes));
                } else {
                    write.setLong(1, nextId++);
                    write.setString(2, "inserted");
                }
                write.executeUpdate();
                total += System.nanoTime() - start;
            }
        }
        return (double) total / writes;
    }
}
