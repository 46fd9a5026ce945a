package dev.junction.benchmarks.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.HlcTimestamp;
import dev.junction.driver.reconcile.Reconciler;
import dev.junction.driver.reconcile.TableReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * How long {@code junction reconcile} takes (issue 17): a table of {@code --rows} rows on both masters of each
 * two-master bed, {@code --divergence} of them then updated on one master only (kept from replication), a dry run, a
 * reconcile, and a second reconcile that finds nothing.
 *
 * <p>Run: {@code mvn -B -q -o -pl benchmarks -am package -DskipTests}, then {@code java -cp
 * benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.conflict.ReconcileTimeBenchmark [--database
 * postgresql|mariadb|both] [--rows 100000] [--divergence 0.01] [--out docs/reconcile-time.md]}.
 */
public final class ReconcileTimeBenchmark {
    private final int rows;
    private final double divergence;

    private ReconcileTimeBenchmark(int rows, double divergence) {
        this.rows = rows;
        this.divergence = divergence;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String database = options.getOrDefault("database", "both");
        ReconcileTimeBenchmark benchmark = new ReconcileTimeBenchmark(
                Integer.parseInt(options.getOrDefault("rows", "100000")),
                Double.parseDouble(options.getOrDefault("divergence", "0.01")));
        StringBuilder report = new StringBuilder("# How long reconcile takes\n\n`java -cp "
                + "benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.conflict.ReconcileTimeBenchmark "
                + String.join(" ", args) + "`, " + LocalDate.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, two masters and the client on one machine"
                + " (loopback).\n\n| database | rows per master | keys apart | buckets | buckets apart | dry run |"
                + " reconcile | repairs | second run |\n|---|---|---|---|---|---|---|---|---|\n");
        if (!database.equals("mariadb")) {
            try (PostgresTwoMasterCluster cluster = PostgresTwoMasterCluster.start()) {
                cluster.executeOnBoth(DDL);
                Properties user = new Properties();
                user.setProperty("user", "postgres");
                report.append(benchmark.run(
                        "PostgreSQL " + cluster.binaries().version(),
                        "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres",
                        user,
                        () -> cluster.masters().get(0).connect(),
                        () -> cluster.masters().get(1).connect(),
                        "select pg_replication_origin_create('bench_local') where not exists (select 1 from"
                                + " pg_replication_origin where roname = 'bench_local')",
                        "select pg_replication_origin_session_setup('bench_local')",
                        cluster::awaitReplication));
            }
        }
        if (!database.equals("postgresql")) {
            try (MariaDbCluster ring = MariaDbCluster.masterMaster().start()) {
                ring.masters().get(0).execute(DDL);
                ring.awaitReplication();
                Properties user = new Properties();
                user.setProperty("user", MariaDbNode.APPLICATION_USER);
                user.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
                report.append(benchmark.run(
                        "MariaDB " + ring.binaries().version(),
                        "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE,
                        user,
                        () -> ring.masters().get(0).connect(),
                        () -> ring.masters().get(1).connect(),
                        "SET SESSION sql_log_bin = 0",
                        "DO 0",
                        ring::awaitReplication));
            }
        }
        System.out.println(report);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), report.toString());
        }
    }

    private static final String DDL = "create table registry (id int primary key, stage varchar(40) not null,"
            + " metrics varchar(200) not null, _hlc bigint not null default 0, _origin varchar(64) not null"
            + " default '')";

    @FunctionalInterface
    private interface Opener {
        Connection open() throws SQLException;
    }

    private String run(
            String name,
            String url,
            Properties user,
            Opener first,
            Opener second,
            String local1,
            String local2,
            Runnable awaitReplication)
            throws SQLException {
        long base = HlcTimestamp.ofMillis(System.currentTimeMillis());
        try (Connection connection = first.open();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into registry (id, stage, metrics, _hlc, _origin) values (?, 'staging', ?, ?, 'm0')")) {
            connection.setAutoCommit(false);
            for (int id = 0; id < rows; id++) {
                insert.setInt(1, id);
                insert.setString(2, "{\"accuracy\": 0." + id + "}");
                insert.setLong(3, base + id);
                insert.addBatch();
                if (id % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
        awaitReplication.run();
        int apart = (int) Math.round(rows * divergence);
        Random random = new Random(7);
        try (Connection connection = second.open()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(local1);
                statement.execute(local2);
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "update registry set stage = 'production', _hlc = ?, _origin = 'm1' where id = ?")) {
                java.util.Set<Integer> chosen = new java.util.HashSet<>();
                while (chosen.size() < apart) {
                    chosen.add(random.nextInt(rows));
                }
                for (int id : chosen) {
                    update.setLong(1, base + rows + id);
                    update.setInt(2, id);
                    update.executeUpdate();
                }
            }
        }
        try (Reconciler reconciler = Reconciler.open(url + "?topology=multi-master", user)) {
            TableReport dry = reconciler.reconcile("registry", true, null);
            TableReport done = reconciler.reconcile("registry", false, null);
            TableReport again = reconciler.reconcile("registry", false, null);
            if (done.keysDecided() != apart || !again.nothingToDo()) {
                throw new IllegalStateException("reconcile decided " + done.keysDecided() + " keys of " + apart
                        + "; the second run " + (again.nothingToDo() ? "found nothing" : "found work"));
            }
            return String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %,d | %.2f s | %.2f s | %,d | %.2f s |%n",
                    name,
                    rows,
                    apart,
                    done.buckets(),
                    done.bucketsApart(),
                    dry.took().toMillis() / 1000.0,
                    done.took().toMillis() / 1000.0,
                    done.repairs(),
                    again.took().toMillis() / 1000.0);
        }
    }
}
