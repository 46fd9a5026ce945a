package dev.junction.cli;

import dev.junction.cluster.Lsn;
import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.ServerRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code junction demo}: starts a local PostgreSQL cluster (primary + 2 standbys) on loopback and shows it
 * at work: writes on the primary, replicas following, and a standby falling behind while its replay is
 * paused. Everything started is stopped on exit, including Ctrl-C (the cluster module's shutdown hook).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local PostgreSQL cluster (primary + 2 standbys) and show replication at work.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--standbys", defaultValue = "2", description = "Number of hot standbys (default: ${DEFAULT-VALUE}).")
    private int standbys;

    @Option(names = "--hold", description = "Keep the cluster running until Ctrl-C, printing the JDBC URL to use.")
    private boolean hold;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws InterruptedException {
        out.println("Starting a PostgreSQL cluster on loopback: 1 primary + " + standbys + " standbys ...");
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(standbys).start()) {
            out.printf("Up in %d ms using %s.%n%n", cluster.startupTime().toMillis(), cluster.binaries());
            PostgresNode primary = cluster.primary();
            primary.execute("create table demo_orders(id bigserial primary key, item text not null, placed_at timestamptz default now())",
                    "insert into demo_orders(item) select 'item-' || g from generate_series(1, 1000) g");
            cluster.awaitReplication();
            printNodes("After 1000 inserts on the primary, every standby has replayed them:", cluster);

            if (!cluster.standbys().isEmpty()) {
                PostgresNode lagging = cluster.standbys().get(0);
                lagging.pauseReplay();
                primary.execute("insert into demo_orders(item) select 'late-' || g from generate_series(1, 5000) g");
                for (PostgresNode standby : cluster.standbys()) {
                    if (standby != lagging) {
                        standby.awaitReplay(primary.lsn(), Duration.ofSeconds(30));
                    }
                }
                printNodes("Replay paused on " + lagging.name() + ", 5000 more inserts: it falls behind, the others do not:", cluster);
                lagging.resumeReplay();
                cluster.awaitReplication();
                printNodes("Replay resumed on " + lagging.name() + ": caught up again.", cluster);
            }

            if (hold) {
                out.println("JDBC URL of the nodes: jdbc:postgresql://" + cluster.hostList() + "/postgres (user postgres, no password)");
                out.println("Press Ctrl-C to stop the cluster.");
                new CountDownLatch(1).await();
            }
            out.println("Stopping every server by PID ...");
        }
        out.println("Done: no server left running.");
        return 0;
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
