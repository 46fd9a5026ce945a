package dev.junction.driver.internal.failover;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Commit outcome tracking ({@code commitOutcome=track}) for one cluster and credential set: every tracked transaction
 * inserts a client-generated id into {@value #TABLE} before it commits, in the same transaction, so the id is
 * committed exactly when the transaction is. When the connection is lost during the commit, {@link #resolve} asks the
 * primary (the same node, or the one promoted meanwhile) by inserting the same id itself, outside the transaction:
 *
 * <ul>
 *   <li>a unique violation means the transaction's own row is there: it committed, and on the node the cluster now
 *       follows;
 *   <li>an insert that succeeds means it did not, and now never will on that node: while the transaction was still
 *       open there, the insert waited on its row lock until it ended; after it ended rolled back (or on a promoted
 *       node that never received it), the blocker's row makes its commit impossible. That is what makes the answer
 *       "rolled back, safe to retry" true rather than likely: a lookup alone could race a commit still in flight.
 * </ul>
 *
 * <p>Rows older than the retention are deleted in the background, once a minute, on a connection of their own.
 */
public final class CommitOutcomes implements AutoCloseable {
    /** The table Junction keeps the ids in, in the connection's default schema (PostgreSQL) or database (MariaDB). */
    public static final String TABLE = "junction_commit_outcomes";

    private static final Logger LOG = Logger.getLogger("dev.junction.failover");
    private static final long PRUNE_PERIOD_SECONDS = 60;
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String clusterName;
    private final BackendDialect dialect;
    private final NodeConnector connector;
    private final ClusterTopology topology;
    private final Duration retention;
    private final ScheduledExecutorService pruner;
    private volatile boolean tableReady;

    /**
     * @param retention how long an id is kept: longer than any resolution can take ({@code failoverTimeout}) by far
     */
    public CommitOutcomes(
            String clusterName,
            BackendDialect dialect,
            NodeConnector connector,
            ClusterTopology topology,
            Duration retention) {
        this.clusterName = clusterName;
        this.dialect = dialect;
        this.connector = connector;
        this.topology = topology;
        this.retention = retention;
        this.pruner = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "junction-commit-outcomes");
            thread.setDaemon(true);
            return thread;
        });
        pruner.scheduleWithFixedDelay(this::prune, PRUNE_PERIOD_SECONDS, PRUNE_PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** A new id for one transaction. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Creates the table on {@code primary} if it does not exist, once per cluster: at connect, so that a role that may
     * not create it fails there, with what to do, rather than at its first commit.
     */
    public void ensureTable(Node primary) throws SQLException {
        if (tableReady) {
            return;
        }
        synchronized (this) {
            if (tableReady) {
                return;
            }
            try (Connection connection = connector.open(primary.address());
                    Statement statement = connection.createStatement()) {
                statement.execute(createTableSql());
            } catch (SQLException e) {
                throw JunctionErrorCode.COMMIT_OUTCOME_TABLE.exception(
                        e, TABLE, primary.address(), e.getMessage(), createTableSql());
            }
            tableReady = true;
        }
    }

    private String createTableSql() {
        return dialect == BackendDialect.POSTGRESQL
                ? "create table if not exists " + TABLE
                        + " (id varchar(36) primary key, created timestamptz not null default now())"
                : "create table if not exists " + TABLE
                        + " (id varchar(36) primary key, created timestamp(3) not null default current_timestamp(3))"
                        + " engine=InnoDB";
    }

    /** Inserts {@code id} in the transaction open on {@code physical}, just before its commit. */
    public static void record(Connection physical, String id) throws SQLException {
        try (PreparedStatement insert = physical.prepareStatement("insert into " + TABLE + " (id) values (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    /** What {@link #resolve} found. */
    public record Outcome(boolean committed, Node primary) {}

    /**
     * Whether the transaction that recorded {@code id} committed, asked of the node that is primary now: the same
     * node if it still is, else the one promoted (waited for up to {@code failoverTimeout}). A node that cannot be
     * reached is left for the monitor's hunt, and asked again after it.
     *
     * @throws SQLException when no primary answered the question within {@code failoverTimeout} (the caller reports
     *     the outcome as unknown, with this as the reason)
     */
    public Outcome resolve(String id, Node lostOn, Duration failoverTimeout) throws SQLException {
        long deadline = System.nanoTime() + failoverTimeout.toNanos();
        Node unreachable = null;
        SQLException last = null;
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Node primary;
            try {
                primary = unreachable == null ? topology.primary(left) : topology.primaryOtherThan(unreachable, left);
            } catch (SQLException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
            try {
                Outcome outcome = new Outcome(!blocked(primary, id, deadline), primary);
                LOG.log(
                        Level.INFO,
                        "Junction cluster {0}: a commit on {1} whose outcome was unknown is {2} (asked {3})",
                        new Object[] {
                            clusterName,
                            lostOn.address(),
                            outcome.committed() ? "committed" : "rolled back",
                            primary.address()
                        });
                return outcome;
            } catch (SQLException e) {
                last = e;
                unreachable = primary;
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            }
        }
    }

    /**
     * Inserts {@code id} on {@code primary}, outside any transaction: true when the insert succeeded (the tracked
     * transaction did not commit there, and now cannot), false for a unique violation (it did).
     */
    private boolean blocked(Node primary, String id, long deadline) throws SQLException {
        int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Connection connection = connector.open(primary.address())) {
            connection.setNetworkTimeout(Runnable::run, millis + 1_000);
            if (dialect.probeRole(connection) != dev.junction.driver.internal.backend.ProbedRole.PRIMARY) {
                throw new SQLException(primary.address() + " is no longer the primary", "08004");
            }
            if (dialect == BackendDialect.POSTGRESQL) {
                // The blocker's commit must not wait for synchronous standbys, which may be what is missing.
                try (Statement local = connection.createStatement()) {
                    local.execute("set synchronous_commit = local");
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into " + TABLE + " (id) values (?)")) {
                // The insert waits for a transaction still open with the same id: bounded like the rest.
                insert.setQueryTimeout(Math.max(1, (millis + 999) / 1000));
                insert.setString(1, id);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (uniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static boolean uniqueViolation(SQLException e) {
        // PostgreSQL 23505 unique_violation; MySQL/MariaDB 1062 ER_DUP_ENTRY (SQLState 23000)
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    /** Deletes the ids older than the retention, on the primary; a failure waits for the next round. */
    private void prune() {
        Node primary = topology.knownPrimary();
        if (primary == null || !tableReady) {
            return;
        }
        long seconds = retention.toSeconds();
        String sql = dialect == BackendDialect.POSTGRESQL
                ? "delete from " + TABLE + " where created < now() - make_interval(secs => " + seconds + ")"
                : "delete from " + TABLE + " where created < now(3) - interval " + seconds + " second";
        try (Connection connection = connector.open(primary.address());
                Statement statement = connection.createStatement()) {
            connection.setNetworkTimeout(Runnable::run, 30_000);
            statement.executeUpdate(sql);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Junction cluster {0}: pruning {1} failed: {2}", new Object[] {
                clusterName, TABLE, e.getMessage()
            });
        }
    }

    @Override
    public void close() {
        pruner.shutdownNow();
    }

    @Override
    public String toString() {
        return "CommitOutcomes[" + clusterName + "]";
    }
}
