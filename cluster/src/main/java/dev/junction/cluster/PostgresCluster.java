package dev.junction.cluster;

import dev.junction.cluster.internal.LoopbackPorts;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import dev.junction.cluster.internal.TemporaryDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A PostgreSQL streaming-replication cluster on loopback: one primary and N hot standbys, each on a free
 * port with its data in a fresh temporary directory.
 *
 * <p>Bring-up avoids base backups: the primary is initialised with {@code initdb}, and while it is still
 * stopped its data directory is copied (a cold copy is a consistent one) to each standby, which gets
 * {@code standby.signal}, {@code primary_conninfo} with its own {@code application_name} (so
 * {@code synchronous_standby_names} can name it) and a physical replication slot. Then all start together.
 * The same path works for installed and Maven-provided binaries, which lack {@code pg_basebackup}.
 *
 * <p>Settings trade durability for speed ({@code fsync=off}) but keep {@code full_page_writes} and
 * {@code wal_log_hints} on so that {@code pg_rewind} works after a failover.
 *
 * <p>{@link #close()} stops every server by PID and deletes the directory; a JVM shutdown hook does the
 * same for clusters a crashed test never closed.
 */
public final class PostgresCluster implements AutoCloseable {
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final PostgresBinaries binaries;
    private final List<PostgresNode> nodes;
    private final Duration startupTime;

    private PostgresCluster(Path root, PostgresBinaries binaries, List<PostgresNode> nodes, Duration startupTime) {
        this.root = root;
        this.binaries = binaries;
        this.nodes = List.copyOf(nodes);
        this.startupTime = startupTime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings every node of a replication cluster shares. */
    static List<String> baseSettings(String walLevel) {
        return List.of(
                "fsync = off",
                "full_page_writes = on",
                "wal_log_hints = on",
                "wal_level = " + walLevel,
                "max_wal_senders = 16",
                "max_replication_slots = 16",
                "wal_keep_size = '256MB'",
                "hot_standby = on",
                "hot_standby_feedback = on",
                "wal_receiver_status_interval = '1s'",
                "wal_retrieve_retry_interval = '100ms'",
                "wal_receiver_timeout = '10s'",
                "wal_sender_timeout = '10s'",
                "shared_buffers = '32MB'",
                "max_connections = 100",
                "logging_collector = off",
                "log_min_messages = warning",
                "log_line_prefix = '%m [%p] '");
    }

    private static List<String> standbySettings(String walLevel, PostgresNode primary, String applicationName) {
        List<String> settings = new ArrayList<>(baseSettings(walLevel));
        settings.add("primary_conninfo = '" + conninfo(primary, applicationName) + "'");
        settings.add("primary_slot_name = '" + applicationName + "'");
        return settings;
    }

    private static String conninfo(PostgresNode primary, String applicationName) {
        return "host=" + primary.host() + " port=" + primary.port() + " user=" + PostgresNode.SUPERUSER
                + " application_name=" + applicationName;
    }

    /** Every node, primary first, in the order they were created. */
    public List<PostgresNode> nodes() {
        return nodes;
    }

    /** The node created as the primary (after a failover, see {@link #currentPrimary()}). */
    public PostgresNode primary() {
        return nodes.get(0);
    }

    /** The nodes created as standbys. */
    public List<PostgresNode> standbys() {
        return nodes.subList(1, nodes.size());
    }

    public PostgresNode node(String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name + " in " + this));
    }

    /** The one running node that reports itself primary now, if exactly one does. */
    public Optional<PostgresNode> currentPrimary() {
        List<PostgresNode> primaries =
                nodes.stream().filter(n -> n.role() == ServerRole.PRIMARY).toList();
        return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
    }

    /**
     * What a cluster manager does when the primary is lost: promotes the running standby that has received the most
     * WAL (promotion replays all of it before the node takes writes, and returns once it does), then repoints every
     * other running standby to it (they follow the new timeline by themselves).
     *
     * @return the promoted node, which accepts writes when this returns
     */
    public PostgresNode promoteMostAdvanced() {
        PostgresNode chosen = nodes.stream()
                .filter(node -> node.isRunning() && node.role() == ServerRole.REPLICA)
                .max(java.util.Comparator.comparing(PostgresNode::receiveLsn, Lsn::compareTo))
                .orElseThrow(() -> new ClusterException("No running standby to promote in " + this));
        chosen.promote();
        for (PostgresNode other : nodes) {
            if (other != chosen && other.isRunning() && other.role() == ServerRole.REPLICA) {
                repoint(other, chosen);
            }
        }
        return chosen;
    }

    /**
     * Turns {@code former}, a primary that was promoted away from (crashed, or frozen and thawed), into a standby of
     * {@code primary}: stopped, rewound with {@code pg_rewind} to the new timeline (the cluster keeps
     * {@code wal_log_hints} on for this), given its own settings, {@code standby.signal} and a replication slot on
     * {@code primary}, and started; returns once it streams.
     */
    public void rebuildAsStandby(PostgresNode former, PostgresNode primary) {
        if (former.isRunning()) {
            former.stop();
        }
        // pg_rewind reads the source's timeline from its control file, which a promotion updates only at the next
        // checkpoint: without one, a node promoted a moment ago looks like it is still on the old timeline, pg_rewind
        // finds nothing to rewind, and the former primary, whose WAL went past the fork, streams from the new primary
        // but never replays (seen as a rebuilt standby stuck for good, the failover drill's flake).
        primary.execute("checkpoint");
        former.rewindFrom(primary);
        former.writeSettings(standbySettings("replica", primary, former.name()));
        // pg_rewind brought the source's ALTER SYSTEM settings along; this node's own are in junction.conf
        former.writeFile("postgresql.auto.conf", "# Rewritten by Junction's cluster module after pg_rewind.\n");
        former.writeFile("standby.signal", "");
        primary.queryString("select count(*) from (select pg_create_physical_replication_slot('" + former.name()
                + "', true) where not exists (select 1 from pg_replication_slots where slot_name = '" + former.name()
                + "')) s");
        former.start();
        long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
        while (!primary.queryString("select coalesce(string_agg(application_name, ','), '') from pg_stat_replication"
                        + " where state = 'streaming'")
                .contains(former.name())) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException(former + " does not stream from " + primary + " after its rebuild");
            }
            Pause.of(Duration.ofMillis(20));
        }
    }

    /** Seeds for a Junction URL: every node's host:port, comma-separated. */
    public String hostList() {
        return nodes.stream().map(PostgresNode::address).collect(Collectors.joining(","));
    }

    /**
     * Makes {@code standby} stream from {@code newPrimary}: a replication slot is created there and
     * {@code primary_conninfo} changed with a reload; the standby follows the new timeline by itself.
     */
    public void repoint(PostgresNode standby, PostgresNode newPrimary) {
        newPrimary.queryString("select count(*) from (select pg_create_physical_replication_slot('" + standby.name()
                + "', true) where not exists (select 1 from pg_replication_slots where slot_name = '" + standby.name()
                + "')) s");
        standby.execute(
                "alter system set primary_conninfo = '"
                        + conninfo(newPrimary, standby.name()).replace("'", "''") + "'",
                "alter system set primary_slot_name = '" + standby.name() + "'",
                "select pg_reload_conf()");
    }

    /** Sets {@code synchronous_standby_names} on the current primary (e.g. {@code ANY 1 (standby1, standby2)}). */
    public void setSynchronousStandbyNames(String value) {
        PostgresNode primary = currentPrimary().orElseThrow(() -> new ClusterException("No single primary in " + this));
        primary.execute(
                "alter system set synchronous_standby_names = '" + value.replace("'", "''") + "'",
                "select pg_reload_conf()");
    }

    /** Application names of the standbys streaming from the current primary right now. */
    public List<String> streamingStandbys() {
        PostgresNode primary = currentPrimary().orElseThrow(() -> new ClusterException("No single primary in " + this));
        List<String> names = new ArrayList<>();
        try (Connection connection = primary.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select application_name from pg_stat_replication where state = 'streaming' order by 1")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new ClusterException(primary + " could not list its standbys: " + e.getMessage(), e);
        }
        return names;
    }

    /** Waits until every running standby whose replay is not paused has replayed the primary's current position. */
    public void awaitReplication() {
        PostgresNode primary = currentPrimary().orElseThrow(() -> new ClusterException("No single primary in " + this));
        Lsn target = primary.lsn();
        for (PostgresNode node : nodes) {
            if (node != primary && node.isRunning() && node.role() == ServerRole.REPLICA && !node.isReplayPaused()) {
                node.awaitReplay(target, REPLICATION_TIMEOUT);
            }
        }
    }

    public PostgresBinaries binaries() {
        return binaries;
    }

    /** Wall time from the first {@code initdb} to every standby streaming. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path directory() {
        return root;
    }

    /** Stops every node by PID (in parallel) and deletes the cluster's directory. */
    @Override
    public void close() {
        nodes.parallelStream().forEach(PostgresNode::stop);
        TemporaryDirectories.delete(root);
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + nodes.stream().map(PostgresNode::address).collect(Collectors.joining(", ")) + "]";
    }

    /** Options for {@link PostgresCluster}; {@link #start()} brings the cluster up. */
    public static final class Builder {
        private int standbys = 2;
        private PostgresBinaries binaries;
        private final List<String> extraSettings = new ArrayList<>();

        private Builder() {}

        /** How many hot standbys (default 2). */
        public Builder standbys(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("standbys must be >= 0, was " + count);
            }
            this.standbys = count;
            return this;
        }

        /** Which server binaries (default: installed, else from Maven). */
        public Builder binaries(PostgresBinaries binaries) {
            this.binaries = binaries;
            return this;
        }

        /** An extra {@code name = value} line for every node's configuration. */
        public Builder setting(String line) {
            extraSettings.add(line);
            return this;
        }

        public PostgresCluster start() {
            long started = System.nanoTime();
            PostgresBinaries chosen = binaries != null ? binaries : PostgresBinaries.atLeast(0);
            ServerAccount account = ServerAccount.forServers("postgres", "nobody");
            Path root = TemporaryDirectories.create("junction-pg-");
            List<Integer> ports = LoopbackPorts.free(standbys + 1);
            List<PostgresNode> nodes = new ArrayList<>();
            try {
                PostgresNode primary =
                        new PostgresNode("primary", ports.get(0), root.resolve("primary"), chosen, account);
                nodes.add(primary);
                primary.initialize();
                List<String> primarySettings = new ArrayList<>(baseSettings("replica"));
                primarySettings.addAll(extraSettings);
                primary.writeSettings(primarySettings);
                for (int i = 1; i <= standbys; i++) {
                    String name = "standby" + i;
                    PostgresNode standby = new PostgresNode(name, ports.get(i), root.resolve(name), chosen, account);
                    nodes.add(standby);
                    standby.copyDataFrom(primary);
                    List<String> settings = standbySettings("replica", primary, name);
                    settings.addAll(extraSettings);
                    standby.writeSettings(settings);
                    standby.writeFile("standby.signal", "");
                }
                primary.start();
                for (PostgresNode standby : nodes.subList(1, nodes.size())) {
                    primary.queryString("select pg_create_physical_replication_slot('" + standby.name() + "', true)");
                    standby.launch();
                }
                for (PostgresNode standby : nodes.subList(1, nodes.size())) {
                    standby.awaitReady();
                }
                PostgresCluster cluster = new PostgresCluster(root, chosen, nodes, Duration.ZERO);
                awaitStreaming(cluster, standbys);
                return new PostgresCluster(root, chosen, nodes, Duration.ofNanos(System.nanoTime() - started));
            } catch (RuntimeException e) {
                nodes.forEach(PostgresNode::stop);
                TemporaryDirectories.delete(root);
                throw e;
            }
        }

        private static void awaitStreaming(PostgresCluster cluster, int expected) {
            long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
            while (cluster.streamingStandbys().size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterException("Only " + cluster.streamingStandbys() + " of " + expected
                            + " standbys streaming after " + REPLICATION_TIMEOUT + "; see the logs in " + cluster.root);
                }
                Pause.of(Duration.ofMillis(10));
            }
        }
    }
}
