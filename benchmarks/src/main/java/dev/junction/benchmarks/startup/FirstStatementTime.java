package dev.junction.benchmarks.startup;

import dev.junction.cluster.PostgresCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the first statement of a fresh JVM costs: each run is a new JVM that loads {@link
 * dev.junction.driver.JunctionDriver}, calls {@code DriverManager.getConnection} on a local PostgreSQL primary with one
 * standby, and runs one statement Calcite must parse (a join, so the parser, not only the tokenizer, is loaded). It
 * reports the time {@code getConnection} took and the time from its return to the first statement's result, with the
 * classifier's warm-up on (the default: a daemon thread started when the driver class loads parses a few statements
 * of each dialect) and off ({@code -Ddev.junction.classifierWarmUp=false}), and for PgJDBC alone to the primary, runs
 * alternating, medians over the runs.
 *
 * <p>Run: {@code java -cp benchmarks/target/junction-benchmarks.jar
 * dev.junction.benchmarks.startup.FirstStatementTime [runs, default 10]}.
 */
public final class FirstStatementTime {
    private static final String STATEMENT =
            "select a.id, count(*) from items a join items b on a.id = b.id where a.id > 0 group by a.id";

    private FirstStatementTime() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1]);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start()) {
            cluster.primary().execute("create table items(id int primary key)", "insert into items values (1)");
            cluster.awaitReplication();
            String url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?user=postgres";
            String rawUrl = cluster.primary().jdbcUrl("postgres") + "?user=postgres";
            List<double[]> on = new ArrayList<>();
            List<double[]> off = new ArrayList<>();
            List<double[]> raw = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                on.add(runChild(url, true));
                off.add(runChild(url, false));
                raw.add(runChild(rawUrl, true));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%d fresh JVMs each, alternating; medians in ms%n"
                            + "| driver | getConnection | first statement after it | both |%n|---|---|---|---|%n",
                    runs);
            print("Junction, warm-up on (the default)", on);
            print("Junction, warm-up off", off);
            print("PgJDBC alone, to the primary", raw);
        }
    }

    private static void print(String label, List<double[]> runs) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f |%n",
                label,
                median(runs, 0),
                median(runs, 1),
                median(runs, 0) + median(runs, 1));
    }

    private static double median(List<double[]> runs, int column) {
        double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    /** One fresh JVM; its last output line is "connect-ms first-statement-ms". */
    private static double[] runChild(String url, boolean warmUp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Ddev.junction.classifierWarmUp=" + warmUp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        FirstStatementTime.class.getName(),
                        "--child",
                        url)
                .redirectErrorStream(true)
                .start();
        String last = null;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                last = line;
            }
        }
        if (process.waitFor() != 0 || last == null) {
            throw new IllegalStateException("The child JVM failed: " + last);
        }
        return Arrays.stream(last.trim().split(" "))
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    private static void child(String url) throws Exception {
        long start = System.nanoTime();
        if (url.startsWith("jdbc:junction:")) {
            Class.forName("dev.junction.driver.JunctionDriver");
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            long connected = System.nanoTime();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(STATEMENT)) {
                rows.next();
            }
            long answered = System.nanoTime();
            System.out.printf(Locale.ROOT, "%.1f %.1f%n", (connected - start) / 1e6, (answered - connected) / 1e6);
        }
    }
}
