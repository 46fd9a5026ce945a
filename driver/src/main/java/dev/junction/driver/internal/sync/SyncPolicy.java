package dev.junction.driver.internal.sync;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.SyncAck;
import dev.junction.driver.SyncMode;
import dev.junction.driver.SyncTable;
import dev.junction.driver.SyncTimeoutAction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A data source's sync configuration, read once from its properties: the default requirement ({@code syncMode}),
 * the tables that need more ({@code syncTables}), how far a replica must have come ({@code syncAck}) and the bound of
 * the wait ({@code syncTimeout}, {@code syncTimeoutAction}). Immutable.
 *
 * <p>Table names match case-insensitively; a name on one side that is not schema-qualified matches the same table
 * name in any schema on the other (an unqualified write may reach a configured {@code shop.orders} through the search
 * path or the current database, and waiting once too often is the safe side). A commit whose tables are not known
 * (a statement not parsed, a table with triggers, a function that may write) takes every configured table's mode.
 */
public final class SyncPolicy {
    private final SyncRequirement base;
    /** The data source's {@code syncMode} as written, which names {@link #base} in messages ({@link #describe}). */
    private final SyncMode baseMode;
    /** The nodes the URL names: a {@code majority} is counted of them. */
    private final int nodes;

    private final List<SyncTable> tables;
    private final SyncRequirement everyTable;
    private final SyncAck ack;
    private final Duration timeout;
    private final SyncTimeoutAction timeoutAction;

    private SyncPolicy(
            SyncMode baseMode,
            int nodes,
            List<SyncTable> tables,
            SyncAck ack,
            Duration timeout,
            SyncTimeoutAction timeoutAction) {
        this.baseMode = baseMode;
        this.nodes = nodes;
        this.base = SyncRequirement.of(baseMode, nodes);
        this.tables = List.copyOf(tables);
        SyncRequirement all = base;
        for (SyncTable table : tables) {
            all = all.and(SyncRequirement.of(table.mode(), nodes));
        }
        this.everyTable = all;
        this.ack = ack;
        this.timeout = timeout;
        this.timeoutAction = timeoutAction;
    }

    /** @param nodes the nodes the URL names, one primary and the rest replicas */
    public static SyncPolicy of(JunctionProperties properties, int nodes) {
        return new SyncPolicy(
                properties.get(JunctionProperty.SYNC_MODE),
                nodes,
                properties.get(JunctionProperty.SYNC_TABLES),
                properties.get(JunctionProperty.SYNC_ACK),
                properties.get(JunctionProperty.SYNC_TIMEOUT),
                properties.get(JunctionProperty.SYNC_TIMEOUT_ACTION));
    }

    /**
     * Fails when a configured mode needs more replicas than the URL names ({@code nodes} hosts: one primary, the rest
     * replicas): such a commit could never be acknowledged, which is a configuration error to report at connect
     * rather than a timeout at every commit.
     *
     * @throws SQLException 22023 naming the property, the value and the replicas there are
     */
    public static void checkReplicas(JunctionProperties properties, int nodes) throws SQLException {
        int replicas = Math.max(0, nodes - 1);
        SyncMode mode = properties.get(JunctionProperty.SYNC_MODE);
        if (SyncRequirement.of(mode, nodes).atLeast() > replicas) {
            throw tooFew(JunctionProperty.SYNC_MODE.name(), mode.toString(), replicas, nodes);
        }
        for (SyncTable table : properties.get(JunctionProperty.SYNC_TABLES)) {
            if (SyncRequirement.of(table.mode(), nodes).atLeast() > replicas) {
                throw tooFew(JunctionProperty.SYNC_TABLES.name(), table.toString(), replicas, nodes);
            }
        }
    }

    private static SQLException tooFew(String property, String value, int replicas, int nodes) {
        return JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                value,
                property,
                "a mode that needs at most " + replicas + " replica" + (replicas == 1 ? "" : "s")
                        + ": the URL names " + nodes + " node" + (nodes == 1 ? "" : "s")
                        + ", one primary and the rest replicas (add the replicas to the URL, or ask for fewer)");
    }

    /**
     * What a connection to the primary runs, on PostgreSQL when {@code syncMode} makes every commit wait, given whether
     * the server itself waits for standbys now ({@code synchronous_standby_names} set); null for the server's own
     * {@code synchronous_commit}.
     *
     * <ul>
     *   <li>{@code syncAck=flush}: {@code synchronous_commit = on}. Where the server waits, it waits for its synchronous
     *       standbys' flush (the native path); where it does not, nothing waits on the server, and a standby reports
     *       each flush the moment it makes it anyway, so the primary's {@code pg_stat_replication} shows it at once,
     *       where Junction reads it ({@link #watchesPrimarySessions}).
     *   <li>{@code syncAck=apply}: {@code synchronous_commit = remote_apply} only while the server waits: then the
     *       server waits for its synchronous standbys to apply each commit. While it does not, the session keeps the
     *       server's level ({@link #SERVER_LEVEL_NOT_OFF}: raised to {@code local} from {@code off}), and Junction asks the standbys how far they have replayed. Until 2026-12-05 the session was
     *       set to {@code remote_apply} there as well, which makes every standby report each replayed commit to the
     *       primary: about 30 µs of WAL receiver CPU a commit on this machine, for an answer the primary learns later
     *       than the standby itself ({@code ReplicaAcknowledgements}). A 20-round probe: 412 µs a commit with it,
     *       392 µs without.
     * </ul>
     *
     * Null as well on MariaDB/MySQL and for {@code syncMode=async} (a session setting would change the server's own
     * rule for every commit, including those that do not ask).
     */
    public String primarySessionSql(boolean postgres, boolean serverWaits) {
        if (!watchesPrimarySessions(postgres)) {
            return null;
        }
        if (ack == SyncAck.FLUSH) {
            return "set synchronous_commit = on";
        }
        return serverWaits ? REMOTE_APPLY : null;
    }

    /**
     * The same level for one transaction ({@code SET LOCAL}): what a transaction's own commit is sent with when the
     * server's synchronous replication covers what it needs and its session was not set ({@code CommitSync}).
     */
    public String transactionLevelSql() {
        return ack == SyncAck.FLUSH
                ? "set local synchronous_commit = on"
                : "set local synchronous_commit = remote_apply";
    }

    /** The select list and source of the two questions below: the server's own level, {@code off} raised. */
    private static final String RAISED_FROM_OFF = "set_config('synchronous_commit',"
            + " case when reset_val = 'off' then 'local' else reset_val end, false)"
            + " from pg_settings where name = 'synchronous_commit'";

    /**
     * What a session keeps where {@link #primarySessionSql} leaves it the server's own level: that level, from the
     * server's configuration or the connection's options ({@code reset_val}), except that {@code off} becomes
     * {@code local}. Every commit of such a session waits for Junction's confirmation from the standbys, and an
     * asynchronous commit reaches a standby only once the WAL writer writes it: up to {@code wal_writer_delay} later
     * (198 ms a commit in a probe on 2026-12-06, against well under 1 ms at {@code local}), for a commit that returns
     * no sooner for being asynchronous. {@code local} waits for no standby, as {@code on} does while the server names
     * no synchronous ones. A session the application sets itself is left as it is ({@code CommitPositions} then waits
     * for its asynchronous commits correctly, if slowly).
     */
    public static final String SERVER_LEVEL_NOT_OFF = "select " + RAISED_FROM_OFF;

    /** {@link #SERVER_LEVEL_NOT_OFF} and the session's server process in one question, as a session opens. */
    public static final String PID_AND_SERVER_LEVEL_NOT_OFF = "select pg_backend_pid(), " + RAISED_FROM_OFF;

    /**
     * What a waiting transaction's {@code COMMIT} carries on a PostgreSQL session at {@code off} that Junction did not
     * set, where Junction confirms the commit itself: the commit is then flushed before it returns and reaches a
     * standby at once, instead of when the WAL writer next writes (up to {@code wal_writer_delay}). The session's
     * other commits stay asynchronous, as the server or the application set them.
     */
    public static final String RAISED_COMMIT = "set local synchronous_commit = local";

    /** The setting {@link #primarySessionSql} gives {@code syncAck=apply} sessions while the server waits. */
    public static final String REMOTE_APPLY = "set synchronous_commit = remote_apply";

    /**
     * Whether the connections to the primary are Junction's to set ({@link #primarySessionSql}) and their commits'
     * server-side waits to bound: PostgreSQL, with a {@code syncMode} that makes every commit wait.
     */
    public boolean watchesPrimarySessions(boolean postgres) {
        return postgres && base.waits();
    }

    /** Whether some commit may have to wait: the data source's mode waits, or some table's may. */
    public boolean mayWait() {
        return everyTable.waits();
    }

    /** Whether a commit's tables decide its requirement, so the commit seam must track them. */
    public boolean needsTables() {
        return !tables.isEmpty();
    }

    /**
     * What a commit that wrote {@code written} needs, before the transaction's own choice.
     *
     * @param written the tables the commit wrote; null or empty when they are not known
     */
    public SyncRequirement requirementFor(Set<String> written) {
        if (tables.isEmpty()) {
            return base;
        }
        if (written == null || written.isEmpty()) {
            return everyTable;
        }
        SyncRequirement requirement = base;
        for (SyncTable table : tables) {
            for (String name : written) {
                if (sameTable(table.table(), name)) {
                    requirement = requirement.and(SyncRequirement.of(table.mode(), nodes));
                }
            }
        }
        return requirement;
    }

    /** What {@code mode} asks of a commit in this data source's cluster ({@code majority} counts its URL's nodes). */
    public SyncRequirement requirementOf(SyncMode mode) {
        return SyncRequirement.of(mode, nodes);
    }

    /**
     * {@code requirement} as the application would name it: the data source's or a table's mode as written where it
     * is exactly that ({@code majority} rather than the replica count it came to), else the count.
     */
    public String describe(SyncRequirement requirement) {
        if (requirement.equals(base)) {
            return baseMode.toString();
        }
        for (SyncTable table : tables) {
            if (requirement.equals(SyncRequirement.of(table.mode(), nodes))) {
                return table.mode().toString();
            }
        }
        return requirement.toString();
    }

    /**
     * The sync-wait metrics' label of a commit's {@code requirement}, named {@code written} as the application wrote
     * it ({@link #describe}, a transaction's own choice): {@code majority} where that is the mode, else what the
     * requirement counts ({@link SyncRequirement#label}), as a majority of three nodes would otherwise count under
     * {@code semi-sync}.
     */
    public static String metricLabel(SyncRequirement requirement, String written) {
        return MAJORITY_LABEL.equals(written) ? MAJORITY_LABEL : requirement.label();
    }

    private static final String MAJORITY_LABEL = SyncMode.MAJORITY.toString();

    public SyncAck ack() {
        return ack;
    }

    public Duration timeout() {
        return timeout;
    }

    public SyncTimeoutAction timeoutAction() {
        return timeoutAction;
    }

    static boolean sameTable(String configured, String written) {
        String a = configured.toLowerCase(Locale.ROOT);
        String b = written.toLowerCase(Locale.ROOT);
        if (a.equals(b)) {
            return true;
        }
        int dotA = a.lastIndexOf('.');
        int dotB = b.lastIndexOf('.');
        if (dotA >= 0 && dotB >= 0) {
            return false; // both qualified, and not equal: two schemas
        }
        return a.substring(dotA + 1).equals(b.substring(dotB + 1));
    }
}
