package dev.junction.cli;

import dev.junction.cluster.Lsn;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.ServerRole;
import dev.junction.driver.JunctionConnection;
import dev.junction.driver.NodeStatus;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code junction demo}: starts a local PostgreSQL cluster (primary + 2 standbys) on loopback and shows
 * Junction at work on it: where each kind of statement runs, reads leaving a standby whose replay is paused
 * once it is staler than the lag budget and coming back when it catches up, and a read on one connection
 * seeing a write just committed on another. Everything started is stopped on exit, Ctrl-C included (the
 * cluster module's shutdown hook).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start a local PostgreSQL cluster (primary + 2 standbys) and show Junction routing on it.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    /** Reports the serving node's port; STABLE so that the router lets it run on a standby. */
    private static final String SERVER_PORT_FUNCTION =
            "create function server_port() returns int language sql stable as 'select inet_server_port()'";

    @Option(
            names = "--standbys",
            defaultValue = "2",
            description = "Number of hot standbys (default: ${DEFAULT-VALUE}).")
    private int standbys;

    @Option(
            names = "--lag-budget",
            defaultValue = "500ms",
            description = "maxReplicaLag for the demo's reads (default: ${DEFAULT-VALUE}).")
    private String lagBudget;

    @Option(names = "--hold", description = "Keep the cluster running until Ctrl-C, printing the Junction URL to use.")
    private boolean hold;

    @Option(
            names = "--multi-master",
            description = "Instead: the model registry on two PostgreSQL masters, concurrent promotions in a partition,"
                    + " the masters converging, and reconcile.")
    private boolean multiMaster;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (multiMaster) {
            return new MultiMasterDemo(out).run();
        }
        out.println("Starting a PostgreSQL cluster on loopback: 1 primary + " + standbys + " standbys ...");
        try (PostgresCluster cluster =
                PostgresCluster.builder().standbys(standbys).start()) {
            out.printf("Up in %d ms using %s.%n%n", cluster.startupTime().toMillis(), cluster.binaries());
            PostgresNode primary = cluster.primary();
            primary.execute(
                    SERVER_PORT_FUNCTION,
                    "create table demo_orders(id bigserial primary key, item text not null, placed_at timestamptz default now())",
                    "insert into demo_orders(item) select 'item-' || g from generate_series(1, 1000) g");
            cluster.awaitReplication();
            printNodes("The cluster, after 1000 inserts on the primary:", cluster);

            String url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
            showRouting(cluster, url);
            if (standbys > 0) {
                showLagBudget(cluster, url);
            }
            showReadYourWrites(cluster, url);
            if (standbys > 0) {
                showSyncModes(cluster, url);
                showFailover(cluster, url);
            }

            if (hold) {
                out.println("Junction URL: " + url + " (user postgres, no password)");
                out.println("Press Ctrl-C to stop the cluster.");
                new CountDownLatch(1).await();
            }
            out.println("Stopping every server by PID ...");
        }
        out.println("Done: no server left running.");
        return 0;
    }

    /** Where each kind of statement runs, as the serving server itself reports it. */
    private void showRouting(PostgresCluster cluster, String url) throws SQLException {
        out.println("Where statements run through " + url + ":");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"statement", "ran on"});
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < 3; i++) {
                rows.add(new String[] {
                    "select count(*), server_port() from demo_orders",
                    nodeName(cluster, portOf(statement, "select count(*), server_port() from demo_orders", 2))
                });
            }
            rows.add(new String[] {
                "select server_port() from demo_orders where id = 1 for update",
                nodeName(cluster, portOf(statement, "select server_port() from demo_orders where id = 1 for update", 1))
            });
            rows.add(new String[] {
                "insert into demo_orders(item) values ('x') returning server_port()",
                nodeName(
                        cluster,
                        portOf(statement, "insert into demo_orders(item) values ('x') returning server_port()", 1))
            });
            rows.add(new String[] {
                "select nextval('demo_orders_id_seq'), server_port()",
                nodeName(cluster, portOf(statement, "select nextval('demo_orders_id_seq'), server_port()", 2))
            });
        }
        out.print(new TextTable(rows).render());
        out.println();
    }

    /**
     * Pauses replay on one standby while a writer keeps the primary busy, and samples where reads go: the
     * paused standby drops out once it is staler than the budget and comes back after it catches up.
     */
    private void showLagBudget(PostgresCluster cluster, String url) throws Exception {
        PostgresNode paused = cluster.standbys().get(0);
        String budgetUrl = url + "?readConsistency=eventual&maxReplicaLag=" + lagBudget;
        out.println("Lag budget: reads with maxReplicaLag=" + lagBudget + " while replay is paused on " + paused.name()
                + " and a writer keeps inserting:");
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(
                List.of("time", "phase", paused.name() + " behind (bytes)", paused.name() + " staleness (Junction)"));
        for (PostgresNode node : cluster.nodes()) {
            header.add("reads on " + node.name());
        }
        rows.add(header.toArray(String[]::new));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(
                () -> {
                    while (writing.get()) {
                        cluster.primary().execute("insert into demo_orders(item) values ('busy')");
                    }
                },
                "demo-writer");
        writer.start();
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(budgetUrl, "postgres", "");
                Statement statement = connection.createStatement()) {
            JunctionConnection junction = connection.unwrap(JunctionConnection.class);
            sample(rows, "all replaying", cluster, paused, junction, statement, start, 2);
            paused.pauseReplay();
            sample(rows, "replay paused", cluster, paused, junction, statement, start, 6);
            paused.resumeReplay();
            sample(rows, "replay resumed", cluster, paused, junction, statement, start, 4);
        } finally {
            writing.set(false);
            writer.join();
            if (paused.isReplayPaused()) {
                paused.resumeReplay();
            }
        }
        out.print(new TextTable(rows).render());
        out.println();
    }

    private void sample(
            List<String[]> rows,
            String phase,
            PostgresCluster cluster,
            PostgresNode watched,
            JunctionConnection junction,
            Statement statement,
            long start,
            int samples)
            throws Exception {
        for (int s = 0; s < samples; s++) {
            Map<Integer, Integer> readsByPort = new LinkedHashMap<>();
            long windowEnd = System.nanoTime() + Duration.ofMillis(250).toNanos();
            while (System.nanoTime() < windowEnd) {
                readsByPort.merge(portOf(statement, "select server_port()", 1), 1, Integer::sum);
            }
            long behind = Math.max(0, cluster.primary().lsn().bytesAfter(watched.lsn()));
            String staleness = junction.topologyReport().stream()
                    .filter(n -> n.address().equals(watched.address()))
                    .findFirst()
                    .flatMap(NodeStatus::stalenessBound)
                    .map(d -> d.toMillis() + " ms")
                    .orElse("unknown");
            List<String> row = new ArrayList<>(List.of(
                    String.format("%.2f s", (System.nanoTime() - start) / 1e9),
                    phase,
                    Long.toString(behind),
                    staleness));
            for (PostgresNode node : cluster.nodes()) {
                row.add(Integer.toString(readsByPort.getOrDefault(node.port(), 0)));
            }
            rows.add(row.toArray(String[]::new));
        }
    }

    /** A write on one pooled connection, read at once on another: with the default consistency it is seen. */
    private void showReadYourWrites(PostgresCluster cluster, String url) throws SQLException {
        out.println(
                "Read-your-writes (default readConsistency=global): insert on one connection, count on another at once:");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"round", "rows written", "rows counted", "count ran on"});
        try (Connection writer = DriverManager.getConnection(url, "postgres", "");
                Connection reader = DriverManager.getConnection(url, "postgres", "");
                Statement write = writer.createStatement();
                Statement read = reader.createStatement()) {
            write.execute("create table demo_events(id bigserial primary key, at timestamptz default now())");
            for (int round = 1; round <= 5; round++) {
                write.executeUpdate("insert into demo_events default values");
                try (ResultSet row = read.executeQuery("select count(*), server_port() from demo_events")) {
                    row.next();
                    rows.add(new String[] {
                        Integer.toString(round),
                        Integer.toString(round),
                        Long.toString(row.getLong(1)),
                        nodeName(cluster, row.getInt(2))
                    });
                }
            }
            // Once the monitor's next probes have located the last commit and seen a standby replay it (about two
            // probe intervals), the same read may leave the primary.
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (ResultSet row = read.executeQuery("select count(*), server_port() from demo_events")) {
                row.next();
                rows.add(new String[] {
                    "5, 300 ms later", "5", Long.toString(row.getLong(1)), nodeName(cluster, row.getInt(2))
                });
            }
        }
        out.print(new TextTable(rows).render());
        out.println(
                "A count right after a write runs on the primary until a probe of the primary sent after the commit has"
                        + " answered; later ones run on a standby that has replayed it.");
        out.println();
    }

    /**
     * Commit latency of each write sync mode, each commit checked on every standby the moment it returns; then what
     * {@code sync} does while a standby's replay is paused: the committed-but-not-replicated error, or a warning.
     */
    private void showSyncModes(PostgresCluster cluster, String url) throws SQLException {
        out.println(
                "Write sync modes: 100 single-row commits each (after 300 unmeasured), every standby read the moment"
                        + " each commit returns:");
        cluster.primary().execute("create table demo_payments(id bigint primary key, amount int)");
        cluster.awaitReplication();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"syncMode", "median commit", "p99 commit", "standbys holding the row at return (mean)"});
        long id = 0;
        List<String> modes = new ArrayList<>(List.of("async", "semi-sync", "sync"));
        if (standbys >= 2) {
            modes.add(2, "quorum:2");
        }
        List<Connection> standbyConnections = new ArrayList<>();
        for (PostgresNode standby : cluster.standbys()) {
            standbyConnections.add(standby.connect());
        }
        for (String mode : modes) {
            List<Long> nanos = new ArrayList<>();
            long held = 0;
            try (Connection connection = DriverManager.getConnection(url + "?syncMode=" + mode, "postgres", "");
                    java.sql.PreparedStatement insert =
                            connection.prepareStatement("insert into demo_payments(id, amount) values (?, 1)")) {
                // Unmeasured first: a cold JVM interprets the first commits of each mode's path, and the first mode
                // shown would otherwise pay for all of them.
                for (int i = 0; i < 300; i++) {
                    insert.setLong(1, ++id);
                    insert.executeUpdate();
                }
                for (int i = 0; i < 100; i++) {
                    insert.setLong(1, ++id);
                    long start = System.nanoTime();
                    insert.executeUpdate();
                    nanos.add(System.nanoTime() - start);
                    held += holders(standbyConnections, id);
                }
            }
            nanos.sort(null);
            rows.add(new String[] {
                mode,
                String.format(java.util.Locale.ROOT, "%.2f ms", nanos.get(49) / 1e6),
                String.format(java.util.Locale.ROOT, "%.2f ms", nanos.get(98) / 1e6),
                String.format(java.util.Locale.ROOT, "%.2f of %d", held / 100.0, standbys)
            });
        }
        for (Connection standby : standbyConnections) {
            standby.close();
        }
        out.print(new TextTable(rows).render());

        PostgresNode paused = cluster.standbys().get(0);
        paused.pauseReplay();
        out.println("With replay paused on " + paused.name() + ", syncMode=sync&syncTimeout=1s:");
        try (Connection connection =
                        DriverManager.getConnection(url + "?syncMode=sync&syncTimeout=1s", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into demo_payments(id, amount) values (" + (++id) + ", 1)");
            out.println("  acknowledged (unexpected)");
        } catch (SQLException e) {
            out.println("  " + e.getSQLState() + " " + e.getMessage());
        }
        out.println("  the row is on the primary: "
                + cluster.primary().queryString("select count(*) from demo_payments where id = " + id));
        out.println("The same with syncTimeoutAction=degrade: the commit returns, with a warning on the connection;"
                + " the next ones no longer wait out syncTimeout while the mode is degraded:");
        try (Connection connection = DriverManager.getConnection(
                        url + "?syncMode=sync&syncTimeout=1s&syncTimeoutAction=degrade", "postgres", "");
                Statement statement = connection.createStatement()) {
            for (int commit = 1; commit <= 3; commit++) {
                long started = System.nanoTime();
                statement.executeUpdate("insert into demo_payments(id, amount) values (" + (++id) + ", 1)");
                long millis = (System.nanoTime() - started) / 1_000_000;
                java.sql.SQLWarning warning = connection.getWarnings();
                connection.clearWarnings();
                out.println("  commit " + commit + ", " + millis + " ms: "
                        + (warning == null
                                ? "no warning (unexpected)"
                                : warning.getSQLState() + " " + warning.getMessage()));
            }
        }
        paused.resumeReplay();
        cluster.awaitReplication();
        out.println();
    }

    /** How many standbys have row {@code id} of {@code demo_payments} now, asked over open connections. */
    private static int holders(List<Connection> standbys, long id) throws SQLException {
        int count = 0;
        for (Connection standby : standbys) {
            try (Statement statement = standby.createStatement();
                    ResultSet row = statement.executeQuery("select count(*) from demo_payments where id = " + id)) {
                row.next();
                count += row.getInt(1);
            }
        }
        return count;
    }

    private static int portOf(Statement statement, String sql, int column) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getInt(column);
        }
    }

    private static String nodeName(PostgresCluster cluster, int port) {
        return cluster.nodes().stream()
                .filter(n -> n.port() == port)
                .map(PostgresNode::name)
                .findFirst()
                .orElse("port " + port);
    }

    /**
     * A failover drill: two writers and two readers on Junction connections while the primary is crashed (SIGKILL to
     * it and every process it forked) and, 300 ms later, the standby that received most is promoted, as a cluster
     * manager would. Junction holds the writes meanwhile and resumes them on the promoted node; what each failed
     * operation was told is printed with the gaps.
     */
    private void showFailover(PostgresCluster cluster, String url) throws Exception {
        PostgresNode primary = cluster.primary();
        primary.execute("create table demo_failover(id bigint primary key)");
        cluster.awaitReplication();
        out.println("Failover drill: 2 writers and 2 readers (syncMode=sync) while " + primary.name()
                + " is killed (SIGKILL) and the most advanced standby promoted 300 ms later:");
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong nextId = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastWrite = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean writer = i < 2;
            Thread thread = new Thread(() -> {
                try (Connection connection =
                        DriverManager.getConnection(url + "?syncMode=sync&failoverTimeout=20s", "postgres", "")) {
                    while (running.get()) {
                        try (Statement statement = connection.createStatement()) {
                            if (writer) {
                                statement.executeUpdate(
                                        "insert into demo_failover(id) values (" + nextId.incrementAndGet() + ")");
                                lastWrite.set(System.nanoTime());
                            } else {
                                try (ResultSet rows = statement.executeQuery("select count(*) from demo_failover")) {
                                    rows.next();
                                    reads.incrementAndGet();
                                }
                            }
                        } catch (SQLException e) {
                            failures.merge((writer ? "write " : "read ") + e.getSQLState(), 1, Integer::sum);
                        }
                    }
                } catch (SQLException e) {
                    failures.merge("connect " + e.getSQLState(), 1, Integer::sum);
                }
            });
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(1_000);
        long readsBefore = reads.get();
        long crashed = System.nanoTime();
        primary.crash();
        Thread.sleep(300);
        long promoting = System.nanoTime();
        PostgresNode promoted = cluster.promoteMostAdvanced();
        long promotedAt = System.nanoTime();
        long deadline = promotedAt + Duration.ofSeconds(20).toNanos();
        while (lastWrite.get() - promotedAt < 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long readsDuring = reads.get() - readsBefore;
        Thread.sleep(500);
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"event", "after the kill"});
        rows.add(new String[] {primary.name() + " killed", "0 ms"});
        rows.add(new String[] {
            promoted.name() + " promoted (pg_promote took " + (promotedAt - promoting) / 1_000_000 + " ms)",
            (promotedAt - crashed) / 1_000_000 + " ms"
        });
        if (lastWrite.get() - promotedAt > 0) {
            rows.add(new String[] {
                "first write acknowledged on " + promoted.name() + ": " + (lastWrite.get() - promotedAt) / 1_000_000
                        + " ms after the promotion",
                (lastWrite.get() - crashed) / 1_000_000 + " ms"
            });
        } else {
            rows.add(new String[] {"writes did not resume within 20 s of the promotion", "-"});
        }
        out.print(new TextTable(rows).render());
        out.println("Reads served from the kill until writes resumed: " + readsDuring + "; failed operations, by"
                + " SQLState (08007: outcome unknown, 08S02: retry the transaction): "
                + (failures.isEmpty() ? "none" : new java.util.TreeMap<>(failures)));
        out.println();
    }

    private void printNodes(String title, PostgresCluster cluster) {
        out.println(title);
        Lsn primaryLsn = cluster.primary().lsn();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"node", "role", "address", "pid", "replay position", "lag (bytes)", "rows"});
        for (PostgresNode node : cluster.nodes()) {
            ServerRole role = node.role();
            Lsn lsn = node.lsn();
            rows.add(new String[] {
                node.name(),
                role.name().toLowerCase(java.util.Locale.ROOT),
                node.address(),
                Long.toString(node.process().pid()),
                lsn.toString(),
                role == ServerRole.PRIMARY ? "-" : Long.toString(Math.max(0, primaryLsn.bytesAfter(lsn))),
                node.queryString("select count(*) from demo_orders"),
            });
        }
        out.print(new TextTable(rows).render());
        out.println();
    }
}
