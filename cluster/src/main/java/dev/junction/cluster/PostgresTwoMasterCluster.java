package dev.junction.cluster;

import dev.junction.cluster.internal.LoopbackPorts;
import dev.junction.cluster.internal.Pause;
import dev.junction.cluster.internal.ServerAccount;
import dev.junction.cluster.internal.TemporaryDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Two PostgreSQL primaries on loopback that replicate to each other with logical replication: each
 * publishes all its tables ({@code FOR ALL TABLES}) and subscribes to the other's publication
 * {@code WITH (origin = none, copy_data = false)}. {@code origin = none} (PostgreSQL 16+) makes each side
 * forward only the changes written on it, not the ones it applied from the other, so a change crosses once
 * and never loops.
 *
 * <p>This is the test bed for multi-master conflict handling, and it has the weaknesses that work has to
 * deal with: nothing detects concurrent updates of one row (each master applies the other's change over its
 * own, so both can end up holding different values), and DDL is not replicated. {@link #executeOnBoth}
 * runs DDL on both masters and then refreshes both subscriptions so that new tables replicate.
 * UPDATE and DELETE of a table need a replica identity (a primary key) on the publishing side.
 *
 * <p>Bring-up initialises one data directory and cold-copies it to the second master before either
 * starts. The copies share a system identifier, which physical replication cares about and logical
 * replication does not: subscriptions are matched by slot and publication name.
 */
public final class PostgresTwoMasterCluster implements AutoCloseable {
    /** {@code origin = none} for subscriptions appeared in PostgreSQL 16. */
    public static final int MINIMUM_MAJOR = 16;

    private static final String PUBLICATION = "junction_all";
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(5);

    private final Path root;
    private final PostgresBinaries binaries;
    private final List<PostgresNode> masters;
    private final Duration startupTime;

    private PostgresTwoMasterCluster(
            Path root, PostgresBinaries binaries, List<PostgresNode> masters, Duration startupTime) {
        this.root = root;
        this.binaries = binaries;
        this.masters = List.copyOf(masters);
        this.startupTime = startupTime;
    }

    /** Two masters on the newest binaries of at least PostgreSQL 16, with default settings. */
    public static PostgresTwoMasterCluster start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Both masters, {@code master1} first. */
    public List<PostgresNode> masters() {
        return masters;
    }

    public PostgresNode node(String name) {
        return masters.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node named " + name + " in " + this));
    }

    /** Seeds for a Junction URL: both masters' host:port, comma-separated. */
    public String hostList() {
        return masters.stream().map(PostgresNode::address).collect(Collectors.joining(","));
    }

    /**
     * Runs {@code statements} (DDL) on each master in turn, then refreshes both subscriptions so that tables
     * created by them replicate from now on. Rows written to a new table before this method returns may
     * not replicate. Both masters must get the same statements; running them on one only diverges the schemas.
     * Fails if replication is paused, since a disabled subscription cannot be refreshed.
     */
    public void executeOnBoth(String... statements) {
        for (PostgresNode master : masters) {
            master.execute(statements);
        }
        for (PostgresNode subscriber : masters) {
            subscriber.execute("alter subscription " + subscriptionOn(subscriber)
                    + " refresh publication with (copy_data = false)");
        }
    }

    /**
     * Waits until each master has applied everything the other had written when this method was called.
     * Like PostgreSQL's own TAP tests ({@code wait_for_catchup}), it watches the publisher's
     * {@code pg_stat_replication.replay_lsn} for the subscription: the subscriber reports it only for
     * transactions it has applied and committed, so at the target every earlier change is visible there.
     *
     * <p>Fails at once, rather than at the timeout, when a subscriber fails to apply a change (its
     * {@code apply_error_count} rises): the apply worker would retry the same change forever, as it does
     * for a duplicate key from rows inserted on both masters.
     */
    public void awaitReplication() {
        for (PostgresNode subscriber : masters) {
            if (!"t"
                    .equals(subscriber.queryString("select subenabled from pg_subscription where subname = '"
                            + subscriptionOn(subscriber) + "'"))) {
                throw new ClusterException(
                        "Replication into " + subscriber + " is paused; call resumeReplication() before awaiting it.");
            }
        }
        List<Lsn> targets = masters.stream().map(PostgresNode::lsn).toList();
        for (int i = 0; i < masters.size(); i++) {
            PostgresNode publisher = masters.get(i);
            awaitApplied(publisher, otherThan(publisher), targets.get(i));
        }
    }

    private static void awaitApplied(PostgresNode publisher, PostgresNode subscriber, Lsn target) {
        String subscription = subscriptionName(subscriber, publisher);
        long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
        try (Connection onPublisher = publisher.connect();
                Connection onSubscriber = subscriber.connect();
                PreparedStatement appliedQuery = onPublisher.prepareStatement(
                        "select max(replay_lsn)::text from pg_stat_replication where application_name = ?");
                PreparedStatement errorQuery = onSubscriber.prepareStatement(
                        "select apply_error_count from pg_stat_subscription_stats where subname = ?")) {
            appliedQuery.setString(1, subscription);
            errorQuery.setString(1, subscription);
            long errorsBefore = firstLong(errorQuery);
            while (true) {
                Lsn applied;
                try (ResultSet rows = appliedQuery.executeQuery()) {
                    rows.next();
                    applied = Lsn.parse(rows.getString(1));
                }
                if (applied.compareTo(target) >= 0) {
                    return;
                }
                long errors = firstLong(errorQuery);
                if (errors > errorsBefore) {
                    throw new ClusterException(
                            subscriber + " failed to apply changes from " + publisher + " (apply_error_count of "
                                    + subscription + " rose from " + errorsBefore + " to " + errors
                                    + "), and will keep retrying them;"
                                    + " the cause, such as a duplicate key, is in "
                                    + subscriber.process().logFile() + " (JUNCTION_KEEP_CLUSTERS=1 keeps it).");
                }
                if (System.nanoTime() > deadline) {
                    throw new ClusterException(subscriber + " applied " + publisher + "'s changes only up to " + applied
                            + " (0/0: not connected), not " + target + ", within " + REPLICATION_TIMEOUT
                            + "; see the logs in " + publisher.dataDirectory().getParent());
                }
                Pause.of(POLL_INTERVAL);
            }
        } catch (SQLException e) {
            throw new ClusterException("Could not follow what " + subscription + " has applied: " + e.getMessage(), e);
        }
    }

    private static long firstLong(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /**
     * Stops the flow both ways ({@code ALTER SUBSCRIPTION … DISABLE}) and waits until both apply workers
     * have exited, so that nothing written from now on reaches the other master until
     * {@link #resumeReplication()}. The publishers keep the changes in their replication slots.
     */
    public void pauseReplication() {
        for (PostgresNode subscriber : masters) {
            subscriber.execute("alter subscription " + subscriptionOn(subscriber) + " disable");
        }
        for (PostgresNode subscriber : masters) {
            awaitApplyWorkerGone(subscriber);
        }
    }

    /** Lets the changes kept since {@link #pauseReplication()} flow again; {@link #awaitReplication()} waits for them. */
    public void resumeReplication() {
        for (PostgresNode subscriber : masters) {
            subscriber.execute("alter subscription " + subscriptionOn(subscriber) + " enable");
        }
    }

    private void awaitApplyWorkerGone(PostgresNode subscriber) {
        String workers = "select count(*) from pg_stat_subscription where subname = '" + subscriptionOn(subscriber)
                + "' and pid is not null";
        long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
        while (!"0".equals(subscriber.queryString(workers))) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException("The apply worker of " + subscriber + " was still running "
                        + REPLICATION_TIMEOUT + " after its subscription was disabled");
            }
            Pause.of(POLL_INTERVAL);
        }
    }

    private PostgresNode otherThan(PostgresNode master) {
        return masters.get(0) == master ? masters.get(1) : masters.get(0);
    }

    private String subscriptionOn(PostgresNode subscriber) {
        return subscriptionName(subscriber, otherThan(subscriber));
    }

    /** Named for both ends (e.g. {@code master1_from_master2}): the publisher's slot and walsender carry the same name. */
    private static String subscriptionName(PostgresNode subscriber, PostgresNode publisher) {
        return subscriber.name() + "_from_" + publisher.name();
    }

    public PostgresBinaries binaries() {
        return binaries;
    }

    /** Wall time from {@code initdb} to both subscriptions streaming. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path directory() {
        return root;
    }

    /** Stops both masters by PID (in parallel) and deletes the cluster's directory. */
    @Override
    public void close() {
        masters.parallelStream().forEach(PostgresNode::stop);
        TemporaryDirectories.delete(root);
    }

    @Override
    public String toString() {
        return "PostgresTwoMasterCluster["
                + masters.stream().map(PostgresNode::address).collect(Collectors.joining(" <-> ")) + "]";
    }

    /** Options for {@link PostgresTwoMasterCluster}; {@link #start()} brings it up. */
    public static final class Builder {
        private PostgresBinaries binaries;
        private final List<String> extraSettings = new ArrayList<>();

        private Builder() {}

        /** Which server binaries (default: installed if 16+, else from Maven); must be PostgreSQL 16+. */
        public Builder binaries(PostgresBinaries binaries) {
            if (binaries.major() < MINIMUM_MAJOR) {
                throw new IllegalArgumentException("Two-master replication needs PostgreSQL " + MINIMUM_MAJOR
                        + "+ (subscriptions with origin = none), but " + binaries + " was given.");
            }
            this.binaries = binaries;
            return this;
        }

        /** An extra {@code name = value} line for both masters' configuration. */
        public Builder setting(String line) {
            extraSettings.add(line);
            return this;
        }

        public PostgresTwoMasterCluster start() {
            long started = System.nanoTime();
            PostgresBinaries chosen = binaries != null ? binaries : PostgresBinaries.atLeast(MINIMUM_MAJOR);
            ServerAccount account = ServerAccount.forServers("postgres", "nobody");
            Path root = TemporaryDirectories.create("junction-pg2m-");
            List<Integer> ports = LoopbackPorts.free(2);
            List<PostgresNode> masters = new ArrayList<>();
            try {
                List<String> settings = new ArrayList<>(PostgresCluster.baseSettings("logical"));
                settings.addAll(extraSettings);
                PostgresNode first =
                        new PostgresNode("master1", ports.get(0), root.resolve("master1"), chosen, account);
                masters.add(first);
                first.initialize();
                first.writeSettings(settings);
                PostgresNode second =
                        new PostgresNode("master2", ports.get(1), root.resolve("master2"), chosen, account);
                masters.add(second);
                second.copyDataFrom(first);
                second.writeSettings(settings);
                masters.forEach(PostgresNode::launch);
                masters.forEach(PostgresNode::awaitReady);
                for (PostgresNode master : masters) {
                    master.execute("create publication " + PUBLICATION + " for all tables");
                }
                // One after the other: creating the subscription's slot on the publisher waits for the
                // publisher's running transactions, and the other CREATE SUBSCRIPTION would be one of them.
                subscribe(first, second);
                subscribe(second, first);
                awaitStreaming(second, subscriptionName(first, second));
                awaitStreaming(first, subscriptionName(second, first));
                return new PostgresTwoMasterCluster(
                        root, chosen, masters, Duration.ofNanos(System.nanoTime() - started));
            } catch (RuntimeException e) {
                masters.forEach(PostgresNode::stop);
                TemporaryDirectories.delete(root);
                throw e;
            }
        }

        /**
         * {@code synchronous_commit = on} for the apply worker (its default is off) makes it report each
         * applied transaction as flushed at once; with {@code fsync = off} that costs nothing, and
         * {@link #awaitReplication()} then returns without waiting for the WAL writer's next round.
         */
        private static void subscribe(PostgresNode subscriber, PostgresNode publisher) {
            subscriber.execute("create subscription " + subscriptionName(subscriber, publisher)
                    + " connection 'host=" + publisher.host() + " port=" + publisher.port() + " user="
                    + PostgresNode.SUPERUSER + " dbname=postgres'"
                    + " publication " + PUBLICATION
                    + " with (origin = none, copy_data = false, synchronous_commit = on)");
        }

        private static void awaitStreaming(PostgresNode publisher, String subscription) {
            String streaming = "select exists (select 1 from pg_stat_replication where application_name = '"
                    + subscription + "' and state = 'streaming')";
            long deadline = System.nanoTime() + REPLICATION_TIMEOUT.toNanos();
            while (!"t".equals(publisher.queryString(streaming))) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterException("Subscription " + subscription + " is not streaming from " + publisher
                            + " after " + REPLICATION_TIMEOUT + "; see the logs in "
                            + publisher.dataDirectory().getParent());
                }
                Pause.of(POLL_INTERVAL);
            }
        }
    }
}
