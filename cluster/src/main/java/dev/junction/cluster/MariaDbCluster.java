package dev.junction.cluster;

import dev.junction.cluster.internal.LoopbackPorts;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import dev.junction.cluster.internal.TemporaryDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID replication cluster on loopback, in one of two shapes:
 * <ul>
 *   <li>{@link #primaryReplica()}: one primary and N replicas, all in GTID domain 0, read-only unless
 *       {@link PrimaryReplicaBuilder#replicaReadOnly(boolean)} says otherwise;</li>
 *   <li>{@link #masterMaster()}: a ring of two writable masters, each replicating from the other, each writing
 *       in its own GTID domain (1 and 2) and handing out interleaved auto-increment ids (odd, even).</li>
 * </ul>
 *
 * <p>Bring-up runs {@code mariadb-install-db} once, for the first node, and copies that data directory
 * ({@code cp -a}, the servers still stopped) to the others, which is several times faster than installing
 * each. The replication and application accounts are created in that same bootstrap, where nothing is
 * binlogged, so every GTID position starts empty. All servers then start together; replication is set up
 * over JDBC ({@code CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos}) and the cluster is returned once every
 * replication thread runs.
 *
 * <p>Settings trade durability for speed ({@code innodb_flush_log_at_trx_commit=2}, {@code sync_binlog=0}):
 * a killed server loses nothing because the operating system keeps what it had written; only a machine
 * crash would. The machine's own MariaDB (port 3306, {@code /var/lib/mysql}) is never touched:
 * {@code --no-defaults} keeps its configuration out.
 *
 * <p>{@link #close()} stops every server by PID and deletes the directory; a JVM shutdown hook does the same
 * for clusters a crashed test never closed.
 */
public final class MariaDbCluster implements AutoCloseable {
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(60);

    /** Small, fast-starting storage; given to {@code mariadb-install-db} too, so the redo log is created at this size. */
    static final List<String> STORAGE_SETTINGS = List.of("--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M");

    private final Path root;
    private final MariaDbBinaries binaries;
    private final List<MariaDbNode> nodes;
    private final List<ReplicationLink> links;
    private final Duration startupTime;

    /** {@code replica} replicates from {@code source}. */
    private record ReplicationLink(MariaDbNode replica, MariaDbNode source) {}

    private MariaDbCluster(
            Path root,
            MariaDbBinaries binaries,
            List<MariaDbNode> nodes,
            List<ReplicationLink> links,
            Duration startupTime) {
        this.root = root;
        this.binaries = binaries;
        this.nodes = List.copyOf(nodes);
        this.links = List.copyOf(links);
        this.startupTime = startupTime;
    }

    /**
     * A primary and replicas (one unless {@link PrimaryReplicaBuilder#replicas(int)} says otherwise), read-only
     * unless {@link PrimaryReplicaBuilder#replicaReadOnly(boolean)} says otherwise.
     */
    public static PrimaryReplicaBuilder primaryReplica() {
        return new PrimaryReplicaBuilder();
    }

    /** Two writable masters, each replicating from the other. */
    public static MasterMasterBuilder masterMaster() {
        return new MasterMasterBuilder();
    }

    /** Every node, in creation order: the primary first, or master1 then master2. */
    public List<MariaDbNode> nodes() {
        return nodes;
    }

    /** The node created as the primary; in a ring, master1. */
    public MariaDbNode primary() {
        return nodes.get(0);
    }

    /** The nodes created as replicas (whether {@code read_only} or not); none in a ring, where every node is a master. */
    public List<MariaDbNode> replicas() {
        return nodes.stream().filter(this::isReadOnlyReplica).toList();
    }

    /** The nodes created writable: the primary, or both masters of a ring. */
    public List<MariaDbNode> masters() {
        return nodes.stream().filter(n -> !isReadOnlyReplica(n)).toList();
    }

    private boolean isReadOnlyReplica(MariaDbNode node) {
        return links.stream().anyMatch(l -> l.replica() == node)
                && links.stream().noneMatch(l -> l.source() == node);
    }

    public MariaDbNode node(String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name + " in " + this));
    }

    /** The one running node that accepts writes ({@code read_only} off) now, if exactly one does. */
    public java.util.Optional<MariaDbNode> currentPrimary() {
        List<MariaDbNode> primaries =
                nodes.stream().filter(n -> n.role() == ServerRole.PRIMARY).toList();
        return primaries.size() == 1 ? java.util.Optional.of(primaries.get(0)) : java.util.Optional.empty();
    }

    /**
     * What a cluster manager does when the primary of a primary-replica cluster is lost: the running replica whose
     * relay log holds the most ({@code Gtid_IO_Pos}) applies all of it, stops replicating ({@code RESET SLAVE ALL})
     * and takes writes ({@code read_only} off); every other running replica is repointed to it by GTID.
     *
     * @return the promoted node, which accepts writes when this returns
     */
    public MariaDbNode promoteMostAdvanced() {
        MariaDbNode chosen = null;
        String most = null;
        for (MariaDbNode node : nodes) {
            if (node.isRunning() && node.role() == ServerRole.REPLICA) {
                String received = node.replicationStatus().getOrDefault("Gtid_IO_Pos", "");
                if (most == null || GtidPositions.covers(received, most)) {
                    chosen = node;
                    most = received;
                }
            }
        }
        if (chosen == null) {
            throw new ClusterException("No running replica to promote in " + this);
        }
        if (!most.isEmpty()) {
            chosen.queryString("select master_gtid_wait('" + most + "', 60)");
        }
        chosen.execute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
        for (MariaDbNode other : nodes) {
            if (other != chosen && other.isRunning() && other.role() == ServerRole.REPLICA) {
                other.execute("STOP SLAVE");
                other.replicateFrom(chosen);
            }
        }
        return chosen;
    }

    /**
     * What a cluster manager does with a former primary once another node was promoted: a fresh copy, not a rewind
     * (MariaDB has none), because it may hold commits the promoted node never received. Its data directory is
     * deleted and initialised again, it starts read-only, and it replicates from {@code primary} from the start of
     * {@code primary}'s binary log, which holds every transaction since the cluster started ({@code
     * log-slave-updates}). Those include the former primary's own: a server skips events that carry its own
     * {@code server_id}, so the rebuilt node takes a new one. Returns once it replicates.
     */
    public void rebuildAsReplica(MariaDbNode former, MariaDbNode primary) {
        if (former.isRunning()) {
            former.stop();
        }
        former.wipeData();
        former.initialize(writeAccountsSql(root));
        former.launch();
        former.awaitReady();
        former.execute("SET GLOBAL read_only = ON", "SET GLOBAL server_id = " + (former.serverId() + 1000));
        former.replicateFrom(primary);
        former.awaitReplicating(REPLICATION_TIMEOUT);
    }

    /** Seeds for a Junction URL: every node's host:port, comma-separated. */
    public String hostList() {
        return nodes.stream().map(MariaDbNode::address).collect(Collectors.joining(","));
    }

    /**
     * Waits until every running node whose SQL thread runs has applied everything its source had written when
     * this method was called. Only the source's own GTID domain is awaited: in a ring, a master's binary log
     * also holds the other master's domain (log_slave_updates), which the other master never applies
     * from it, since those events carry its own server id.
     */
    public void awaitReplication() {
        Map<ReplicationLink, String> targets = new LinkedHashMap<>();
        for (ReplicationLink link : links) {
            if (link.replica().isRunning()
                    && link.source().isRunning()
                    && link.replica().isApplyingReplication()) {
                targets.put(link, ownDomainPosition(link.source()));
            }
        }
        targets.forEach((link, position) -> link.replica().awaitGtid(position, REPLICATION_TIMEOUT));
    }

    private static String ownDomainPosition(MariaDbNode node) {
        String prefix = node.gtidDomainId() + "-";
        return Arrays.stream(node.gtidBinlogPos().split(","))
                .map(String::strip)
                .filter(gtid -> gtid.startsWith(prefix))
                .collect(Collectors.joining(","));
    }

    /**
     * Turns semi-synchronous replication on at every node (see {@link MariaDbNode#enableSemiSync()}) and waits
     * until each source counts its semi-sync replicas ({@code Rpl_semi_sync_master_clients}).
     */
    public void enableSemiSync() {
        nodes.forEach(MariaDbNode::enableSemiSync);
        for (MariaDbNode source :
                links.stream().map(ReplicationLink::source).distinct().toList()) {
            long expected = links.stream()
                    .filter(l -> l.source() == source && l.replica().isRunning())
                    .count();
            long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
            while (Long.parseLong(source.globalStatus("Rpl_semi_sync_master_clients")) < expected) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterException(source + " has fewer than " + expected + " semi-sync replicas after "
                            + REPLICATION_TIMEOUT + "; see the logs in " + root);
                }
                Pause.of(Duration.ofMillis(10));
            }
        }
    }

    /** Back to asynchronous replication everywhere. */
    public void disableSemiSync() {
        nodes.forEach(MariaDbNode::disableSemiSync);
    }

    public MariaDbBinaries binaries() {
        return binaries;
    }

    /** Wall time from {@code mariadb-install-db} to every replication thread running. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path directory() {
        return root;
    }

    /** Stops every node by PID (in parallel) and deletes the cluster's directory. */
    @Override
    public void close() {
        nodes.parallelStream().forEach(MariaDbNode::stop);
        TemporaryDirectories.delete(root);
    }

    @Override
    public String toString() {
        return "MariaDbCluster["
                + nodes.stream().map(n -> n.name() + " " + n.address()).collect(Collectors.joining(", ")) + "]";
    }

    /** Options every node shares, after the per-node paths, port and ids. */
    private static List<String> commonSettings() {
        List<String> settings = new ArrayList<>(STORAGE_SETTINGS);
        settings.addAll(List.of(
                "--log-bin=binlog",
                // Named explicitly: the default relay log name contains the host name.
                "--relay-log=relay-bin",
                "--log-slave-updates",
                "--binlog-format=ROW",
                "--innodb-flush-log-at-trx-commit=2",
                "--sync-binlog=0",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci",
                "--max-connections=200",
                // With MASTER_HEARTBEAT_PERIOD=1, a replica notices a hung source within seconds, not a minute.
                "--slave-net-timeout=5"));
        return settings;
    }

    /** The accounts every node gets, run inside mariadb-install-db's bootstrap (see {@link MariaDbNode}). */
    private static Path writeAccountsSql(Path root) {
        String sql = String.join(
                "\n",
                // The bootstrap runs with the grant tables off; loading them is what makes CREATE USER possible.
                "FLUSH PRIVILEGES;",
                "CREATE DATABASE " + MariaDbNode.DATABASE + ";",
                "CREATE USER '" + MariaDbNode.REPLICATION_USER + "'@'127.0.0.1' IDENTIFIED BY '"
                        + MariaDbNode.REPLICATION_PASSWORD + "';",
                "GRANT REPLICATION SLAVE ON *.* TO '" + MariaDbNode.REPLICATION_USER + "'@'127.0.0.1';",
                "CREATE USER '" + MariaDbNode.APPLICATION_USER + "'@'%' IDENTIFIED BY '"
                        + MariaDbNode.APPLICATION_PASSWORD + "';",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES,"
                        + " EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES,"
                        + " BINLOG MONITOR, SLAVE MONITOR ON *.* TO '" + MariaDbNode.APPLICATION_USER + "'@'%';",
                "CREATE USER '" + MariaDbNode.PRIVILEGED_USER + "'@'%' IDENTIFIED BY '"
                        + MariaDbNode.PRIVILEGED_PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO '" + MariaDbNode.PRIVILEGED_USER + "'@'%';",
                "");
        Path file = root.resolve("accounts.sql");
        try {
            Files.writeString(file, sql, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            return file;
        } catch (IOException e) {
            throw new ClusterException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** What differs between the two shapes: which nodes exist, with which options, and who replicates from whom. */
    private interface Topology {
        List<MariaDbNode> nodes(Path root, List<Integer> ports, MariaDbBinaries binaries, ServerAccount account);

        List<ReplicationLink> links(List<MariaDbNode> nodes);
    }

    private static MariaDbCluster start(int size, MariaDbBinaries requested, Topology topology) {
        long started = System.nanoTime();
        MariaDbBinaries binaries = requested != null ? requested : MariaDbBinaries.find();
        ServerAccount account = ServerAccount.forServers("mysql");
        Path root = TemporaryDirectories.create("junction-mariadb-");
        List<MariaDbNode> nodes = topology.nodes(root, LoopbackPorts.free(size), binaries, account);
        try {
            MariaDbNode first = nodes.get(0);
            first.initialize(writeAccountsSql(root));
            for (MariaDbNode node : nodes.subList(1, nodes.size())) {
                node.copyDataFrom(first);
            }
            nodes.forEach(MariaDbNode::launch);
            nodes.forEach(MariaDbNode::awaitReady);
            List<ReplicationLink> links = topology.links(nodes);
            for (ReplicationLink link : links) {
                link.replica().replicateFrom(link.source());
            }
            for (ReplicationLink link : links) {
                link.replica().awaitReplicating(REPLICATION_TIMEOUT);
            }
            return new MariaDbCluster(root, binaries, nodes, links, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            nodes.forEach(MariaDbNode::stop);
            TemporaryDirectories.delete(root);
            throw e;
        }
    }

    /** Options for {@link #primaryReplica()}; {@link #start()} brings the cluster up. */
    public static final class PrimaryReplicaBuilder {
        private int replicas = 1;
        private boolean replicaReadOnly = true;
        private MariaDbBinaries binaries;
        private final List<String> extraSettings = new ArrayList<>();

        private PrimaryReplicaBuilder() {}

        /** How many read-only replicas (default 1). */
        public PrimaryReplicaBuilder replicas(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("replicas must be >= 0, was " + count);
            }
            this.replicas = count;
            return this;
        }

        /**
         * Whether replicas start with {@code --read-only=1} (default) or {@code --read-only=0}, which is MariaDB's
         * own default and what many deployments run: a writable replica accepts any client's writes, and
         * {@link MariaDbNode#role()} reports it PRIMARY since it reads {@code @@read_only}.
         */
        public PrimaryReplicaBuilder replicaReadOnly(boolean readOnly) {
            this.replicaReadOnly = readOnly;
            return this;
        }

        /** Which server (default: the installed one). */
        public PrimaryReplicaBuilder binaries(MariaDbBinaries binaries) {
            this.binaries = binaries;
            return this;
        }

        /** An extra server option for every node, such as {@code --binlog-row-image=MINIMAL}. */
        public PrimaryReplicaBuilder setting(String option) {
            extraSettings.add(option);
            return this;
        }

        public MariaDbCluster start() {
            List<String> extra = List.copyOf(extraSettings);
            String replicaReadOnlySetting = replicaReadOnly ? "--read-only=1" : "--read-only=0";
            return MariaDbCluster.start(replicas + 1, binaries, new Topology() {
                @Override
                public List<MariaDbNode> nodes(
                        Path root, List<Integer> ports, MariaDbBinaries chosen, ServerAccount account) {
                    List<MariaDbNode> nodes = new ArrayList<>();
                    for (int i = 0; i <= replicas; i++) {
                        String name = i == 0 ? "primary" : "replica" + i;
                        List<String> settings = new ArrayList<>(commonSettings());
                        settings.add(i == 0 ? "--read-only=0" : replicaReadOnlySetting);
                        settings.addAll(extra);
                        nodes.add(new MariaDbNode(
                                name, ports.get(i), root.resolve(name), chosen, account, i + 1, 0, settings));
                    }
                    return nodes;
                }

                @Override
                public List<ReplicationLink> links(List<MariaDbNode> nodes) {
                    return nodes.subList(1, nodes.size()).stream()
                            .map(r -> new ReplicationLink(r, nodes.get(0)))
                            .toList();
                }
            });
        }
    }

    /** Options for {@link #masterMaster()}; {@link #start()} brings the ring up. */
    public static final class MasterMasterBuilder {
        private MariaDbBinaries binaries;
        private final List<String> extraSettings = new ArrayList<>();

        private MasterMasterBuilder() {}

        /** Which server (default: the installed one). */
        public MasterMasterBuilder binaries(MariaDbBinaries binaries) {
            this.binaries = binaries;
            return this;
        }

        /** An extra server option for both masters. */
        public MasterMasterBuilder setting(String option) {
            extraSettings.add(option);
            return this;
        }

        public MariaDbCluster start() {
            List<String> extra = List.copyOf(extraSettings);
            return MariaDbCluster.start(2, binaries, new Topology() {
                @Override
                public List<MariaDbNode> nodes(
                        Path root, List<Integer> ports, MariaDbBinaries chosen, ServerAccount account) {
                    List<MariaDbNode> nodes = new ArrayList<>();
                    for (int i = 1; i <= 2; i++) {
                        String name = "master" + i;
                        List<String> settings = new ArrayList<>(commonSettings());
                        settings.addAll(List.of(
                                "--read-only=0", "--auto-increment-increment=2", "--auto-increment-offset=" + i));
                        settings.addAll(extra);
                        nodes.add(new MariaDbNode(
                                name, ports.get(i - 1), root.resolve(name), chosen, account, i, i, settings));
                    }
                    return nodes;
                }

                @Override
                public List<ReplicationLink> links(List<MariaDbNode> nodes) {
                    return List.of(
                            new ReplicationLink(nodes.get(0), nodes.get(1)),
                            new ReplicationLink(nodes.get(1), nodes.get(0)));
                }
            });
        }
    }
}
