package dev.junction.cluster;

import dev.junction.cluster.internal.Command;
import dev.junction.cluster.internal.LoopbackPorts;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import dev.junction.cluster.internal.TemporaryDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pgpool-II (Debian package {@code pgpool2}) doing read/write splitting in front of a {@link PostgresCluster}:
 * streaming-replication mode, load balancing on, the primary's weight 0 so that reads go to standbys.
 * It exists so the benchmarks can compare Junction with a proxy peer in the same run.
 */
public final class PgpoolProxy implements AutoCloseable {
    private static final Path PGPOOL = Path.of("/usr/sbin/pgpool");

    private final Path directory;
    private final int port;
    private final ServerProcess process;

    private PgpoolProxy(Path directory, int port, ServerProcess process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(PGPOOL);
    }

    /** Starts Pgpool-II on a free loopback port in front of every node of {@code cluster}. */
    public static PgpoolProxy start(PostgresCluster cluster) {
        if (!installed()) {
            throw new ClusterException(
                    "Pgpool-II is not installed (" + PGPOOL + "); install the Debian package pgpool2.");
        }
        ServerAccount account = ServerAccount.forServers("postgres", "nobody");
        Path directory = TemporaryDirectories.create("junction-pgpool-");
        account.ownedDirectory(directory);
        List<Integer> ports = LoopbackPorts.free(2);
        int port = ports.get(0);
        List<String> conf = new ArrayList<>(List.of(
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                "unix_socket_directories = '" + directory + "'",
                "pcp_listen_addresses = ''",
                "pcp_port = " + ports.get(1),
                "pcp_socket_dir = '" + directory + "'",
                "pid_file_name = '" + directory.resolve("pgpool.pid") + "'",
                "logdir = '" + directory + "'",
                "backend_clustering_mode = 'streaming_replication'",
                "load_balance_mode = on",
                "num_init_children = 32",
                "max_pool = 4",
                "enable_pool_hba = off",
                "sr_check_period = 0",
                "health_check_period = 0",
                "failover_on_backend_error = off",
                "memory_cache_enabled = off",
                "log_min_messages = warning"));
        List<PostgresNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            PostgresNode node = nodes.get(i);
            conf.add("backend_hostname" + i + " = '" + node.host() + "'");
            conf.add("backend_port" + i + " = " + node.port());
            // Weight 0 keeps load-balanced reads off the primary, which is what read/write splitting means here.
            conf.add("backend_weight" + i + " = " + (i == 0 ? "0" : "1"));
            conf.add("backend_flag" + i + " = 'DISALLOW_TO_FAILOVER'");
            conf.add("backend_application_name" + i + " = '" + node.name() + "'");
        }
        try {
            Files.writeString(directory.resolve("pgpool.conf"), String.join("\n", conf) + "\n");
            Files.writeString(directory.resolve("pcp.conf"), "");
            Files.writeString(directory.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 trust\n");
            account.ownRecursively(directory);
        } catch (IOException e) {
            throw new ClusterException(
                    "Could not write the Pgpool-II configuration in " + directory + ": " + e.getMessage(), e);
        }
        Path log = directory.resolve("pgpool.log");
        Process started = Command.start(
                account.command(List.of(
                        PGPOOL.toString(),
                        "-n",
                        "-f",
                        directory.resolve("pgpool.conf").toString(),
                        "-F",
                        directory.resolve("pcp.conf").toString(),
                        "-a",
                        directory.resolve("pool_hba.conf").toString())),
                Map.of(),
                log);
        PgpoolProxy proxy =
                new PgpoolProxy(directory, port, new ServerProcess("pgpool :" + port, started.pid(), log, "INT"));
        proxy.awaitReady();
        return proxy;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection ignored = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
                return;
            } catch (SQLException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new ClusterException(
                            "Pgpool-II did not accept connections on port " + port + ": " + e.getMessage() + " (log: "
                                    + process.logFile() + ")",
                            e);
                }
                Pause.of(Duration.ofMillis(50));
            }
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public ServerProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
        TemporaryDirectories.delete(directory);
    }
}
