package dev.junction.spring;

import dev.junction.driver.JunctionProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Junction's own connection properties, {@code spring.datasource.junction.*}: one field for each
 * {@link JunctionProperty}, named as it is and described by its description, values and default (the field's
 * Javadoc, which the configuration processor turns into IDE metadata; {@code JunctionDataSourcePropertiesTest} fails
 * when it differs from the registry, which stays the single source of truth for parsing and validation). Values are text, as in a URL; unset ones keep the driver's
 * default. The auto-configuration validates them at start-up with {@link JunctionProperty#parse} and hands them to
 * the pool as JDBC properties, where the driver reads them; a parameter in {@code spring.datasource.url} takes
 * precedence over them, as URL parameters do over JDBC properties.
 */
@ConfigurationProperties(prefix = JunctionDataSourceProperties.PREFIX)
public class JunctionDataSourceProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = "spring.datasource.junction";

    /**
     * A read may use a replica only if the replica's staleness bound is within this budget. Values: duration (`500ms`,
     * `2s`, `1m`); default `1s`.
     */
    private String maxReplicaLag;

    /**
     * `eventual`: lag budget only; `session`: read-your-writes per connection; `global`: every write committed through
     * Junction in this JVM is visible; `strong`: every statement to the primary. Values: `eventual`, `session`,
     * `global`, `strong`; default `global`.
     */
    private String readConsistency;

    /**
     * What a read does when no replica qualifies: read from the primary, wait up to `replicaWaitTimeout`, or fail.
     * Values: `primary`, `wait`, `fail`; default `primary`.
     */
    private String staleReadFallback;

    /**
     * Where a transaction with auto-commit off that is not read-only starts: `primary` always; `optimistic` on a
     * qualifying replica when its first statement is a plain read, moving to the primary at its first statement that
     * needs it (its reads replayed there and compared; `40001` if they differ); `learned` as `optimistic` for the
     * transactions whose shape (first statement, refined by the application code that began it where transactions of
     * one first statement both write and do not) recently wrote less often than `learnedWriteShare`, the primary for
     * the others and for shapes not seen yet. Values: `primary`, `optimistic`, `learned`; default `learned`.
     */
    private String transactionRouting;

    /**
     * With `transactionRouting=learned`, a transaction shape starts on a replica while fewer than this share of its
     * recent transactions wrote (each writer there pays a rollback and a replay on the primary). Raise it to serve more
     * reads from replicas where the same code sometimes writes; `transactionRouting=optimistic` starts every shape
     * there. Values: number, more than `0`, at most `1` (`0.1`, `0.25`); default `0.1`.
     */
    private String learnedWriteShare;

    /**
     * How long a read waits for a replica to catch up (`staleReadFallback=wait`, read-your-writes) before using the
     * primary. Values: duration (`500ms`, `2s`, `1m`); default `1s`.
     */
    private String replicaWaitTimeout;

    /**
     * Network timeout of connections to replicas: a replica that does not answer within it is reported down and the
     * read runs once more on another qualifying replica or the primary. Reads that run longer on a replica need a
     * larger value; `0ms` disables it. Values: duration (`500ms`, `2s`, `1m`); default `5s`.
     */
    private String replicaReadTimeout;

    /**
     * How many replicas must have a write transaction's commit before it is acknowledged: none, one, every replica
     * that is up, enough to make a majority of the URL's nodes with the primary, or N. Values: `async`, `semi-sync`,
     * `sync`, `majority`, `quorum:N`; default `async`.
     */
    private String syncMode;

    /**
     * Sync modes of single tables: a commit that wrote one of them waits for the strongest of their modes and
     * `syncMode`. Values: `table:mode,…`; no default.
     */
    private String syncTables;

    /**
     * What a replica must have done with the commit for it to count: flushed it, or applied it (visible to reads).
     * Values: `flush`, `apply`; default `apply`.
     */
    private String syncAck;

    /**
     * How long a commit waits for the replicas its `syncMode` requires. Values: duration (`500ms`, `2s`, `1m`);
     * default `5s`.
     */
    private String syncTimeout;

    /**
     * After `syncTimeout`: `fail` with a committed-but-not-replicated error (SQLState 01J01), or `degrade` to a
     * warning; once degraded, commits of that mode wait 100 ms at most, each warned of, until one is confirmed in
     * time. Values: `fail`, `degrade`; default `fail`.
     */
    private String syncTimeoutAction;

    /**
     * How a read chooses among the replicas that qualify. `least-busy`: the fewest statements in flight from this JVM,
     * then the shortest measured service time. Values: `round-robin`,
     * `random`, `least-lag`, `least-busy`, `fastest`; default `least-busy`.
     */
    private String loadBalance;

    /**
     * Whether an auto-commit read a replica could serve may run on the primary, to use its spare capacity: `never`;
     * `when-idle`, only while the primary has nothing in flight from this JVM and the chosen replica has; `weighted`,
     * the primary ranked with the replicas by `least-busy`'s rule, its writes in flight counting. Reads in
     * transactions and reads hinted to a replica stay on replicas. Values: `never`, `when-idle`, `weighted`; default
     * `never`.
     */
    private String primaryReads;

    /**
     * Probe period for roles, replay positions and health of every node. Values: duration (`500ms`, `2s`, `1m`), at
     * least `10ms`; default `100ms`.
     */
    private String monitorInterval;

    /**
     * How long a statement that needs the primary waits, while no node answers as primary (the primary lost, a
     * promotion under way), for exactly one to answer; then `08006`. `0ms` fails at once with `08004`. Reads that may
     * use a replica do not wait. Values: duration (`500ms`, `2s`, `1m`); default `30s`.
     */
    private String failoverTimeout;

    /**
     * `off`: a commit (`commit()` or an auto-commit write) whose connection is lost is `08007`, outcome unknown;
     * `track`: each transaction that writes also inserts an id of its own into `junction_commit_outcomes` (created at
     * connect; old ids pruned in the background), auto-commit writes run as such a transaction, and a lost commit is
     * answered from the primary, the same node or the one promoted: committed (the call returns) or rolled back, safe
     * to retry (`40000`). `COMMIT` sent as SQL is not tracked. Values: `off`, `track`; default `off`.
     */
    private String commitOutcome;

    /**
     * `off`: a transaction whose node is lost is `08S02`, to retry; `on`: a transaction with auto-commit off that runs
     * on the primary keeps a log of what it ran (text, parameters, a checksum of the rows read, update counts); when
     * the primary is lost before its commit, the transaction is run again on the primary that answers next (within
     * `failoverTimeout`) and goes on there only if every read returns the same rows and every write changes as many
     * rows, else `08S02`. Not replayed: batches, calls, updatable result sets, savepoints, transactions opened with
     * SQL `BEGIN`, a lost `COMMIT`. Values: `off`, `on`; default `off`.
     */
    private String transactionReplay;

    /**
     * An application class implementing `dev.junction.driver.JunctionExceptionOverride` (public, with a public
     * no-argument constructor; HikariCP's name and idea), which may force how a backend failure is read: lost
     * connection, read-only node, or the statement's own error. Loaded through the thread context class loader, else
     * Junction's; a bad name fails the connection with `22023`. Values: class name (`com.example.MyOverride`); no
     * default.
     */
    private String exceptionOverrideClassName;

    /**
     * `primary-replica`: one primary takes writes; `multi-master`: several nodes take writes and replicate to each
     * other: every statement runs on the home master (`homeMaster`), statements of `conflictTables` stamped,
     * `readRepair` available; a `syncMode` other than `async` is refused with it. Values: `primary-replica`,
     * `multi-master`; default `primary-replica`.
     */
    private String topology;

    /**
     * With `topology=multi-master`: the master every statement runs on while it is up; empty: the first master up in
     * the URL's order. Another master up takes over while it is down. A host not in the URL fails the connection with
     * `22023`. Values: `host:port` of the URL; no default.
     */
    private String homeMaster;

    /**
     * With `topology=multi-master`: tables whose writes Junction stamps with `_hlc` and `_origin`, each with its
     * conflict policy: `lww` INSERTs, UPDATEs and DELETEs are stamped (a DELETE leaves a tombstone that reads skip and
     * an INSERT of its key brings back), `counter` tables take increments (`UPDATE t SET c = c + ? WHERE k = ?`, one
     * row per key and master), `version-vector` tables are stamped like `lww` and carry a version vector (`_vv`): a
     * concurrent write is kept as a sibling until the application merges it (`Reconciler.mergeSiblings`); a statement
     * that cannot be stamped (REPLACE, TRUNCATE, INSERT without a column list) is refused with `0A000`. Values:
     * `table[:policy],…`, policy `lww` (default), `version-vector`, `counter`; no default.
     */
    private String conflictTables;

    /**
     * `on` or a list of tables (with `topology=multi-master` and `conflictTables`): an auto-commit read of one row of
     * such a `lww` or `version-vector` conflict table by its whole primary key first fetches the row from every master
     * up, writes the winner (the latest stamp, a tombstone included) to the masters that miss it or hold an older
     * version, then reads it on the home master. A table that is not a conflict table is refused. Values: `off`, `on`,
     * `table,…`; default `off`.
     */
    private String readRepair;

    /**
     * With `conflictTables`: how old a tombstone must be before `junction reconcile --purge-tombstones` removes it
     * (once every master holds it), and how old a replicated write may be before the masters' guards, installed by
     * `junction conflict-tables`, refuse it (an older one could bring a purged row back). Longer than any replication
     * outage to ride through. Values: duration (`500ms`, `2s`, `1m`), at least `1s`; default `168h`.
     */
    private String tombstoneRetention;

    /**
     * `on`: count statements by target and reason, waits, pins, errors, and publish them with the cluster's state as
     * the MBean `dev.junction:type=Cluster,…` and, through `JunctionMeterBinder`, as Micrometer meters; `off`: this
     * data source's connections count nothing and register no MBean. Values: `on`, `off`; default `on`.
     */
    private String metrics;

    /**
     * The values that are set, by {@link JunctionProperty#name()}, in the registry's order: what goes to the driver.
     */
    public Map<JunctionProperty<?>, String> values() {
        Map<JunctionProperty<?>, String> values = new LinkedHashMap<>();
        putIfSet(values, JunctionProperty.MAX_REPLICA_LAG, maxReplicaLag);
        putIfSet(values, JunctionProperty.READ_CONSISTENCY, readConsistency);
        putIfSet(values, JunctionProperty.STALE_READ_FALLBACK, staleReadFallback);
        putIfSet(values, JunctionProperty.TRANSACTION_ROUTING, transactionRouting);
        putIfSet(values, JunctionProperty.LEARNED_WRITE_SHARE, learnedWriteShare);
        putIfSet(values, JunctionProperty.REPLICA_WAIT_TIMEOUT, replicaWaitTimeout);
        putIfSet(values, JunctionProperty.REPLICA_READ_TIMEOUT, replicaReadTimeout);
        putIfSet(values, JunctionProperty.SYNC_MODE, syncMode);
        putIfSet(values, JunctionProperty.SYNC_TABLES, syncTables);
        putIfSet(values, JunctionProperty.SYNC_ACK, syncAck);
        putIfSet(values, JunctionProperty.SYNC_TIMEOUT, syncTimeout);
        putIfSet(values, JunctionProperty.SYNC_TIMEOUT_ACTION, syncTimeoutAction);
        putIfSet(values, JunctionProperty.LOAD_BALANCE, loadBalance);
        putIfSet(values, JunctionProperty.PRIMARY_READS, primaryReads);
        putIfSet(values, JunctionProperty.MONITOR_INTERVAL, monitorInterval);
        putIfSet(values, JunctionProperty.FAILOVER_TIMEOUT, failoverTimeout);
        putIfSet(values, JunctionProperty.COMMIT_OUTCOME, commitOutcome);
        putIfSet(values, JunctionProperty.TRANSACTION_REPLAY, transactionReplay);
        putIfSet(values, JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME, exceptionOverrideClassName);
        putIfSet(values, JunctionProperty.TOPOLOGY, topology);
        putIfSet(values, JunctionProperty.HOME_MASTER, homeMaster);
        putIfSet(values, JunctionProperty.CONFLICT_TABLES, conflictTables);
        putIfSet(values, JunctionProperty.READ_REPAIR, readRepair);
        putIfSet(values, JunctionProperty.TOMBSTONE_RETENTION, tombstoneRetention);
        putIfSet(values, JunctionProperty.METRICS, metrics);
        return Collections.unmodifiableMap(values);
    }

    private static void putIfSet(Map<JunctionProperty<?>, String> values, JunctionProperty<?> property, String value) {
        if (value != null) {
            values.put(property, value);
        }
    }

    // spotless:off
    public String getMaxReplicaLag() { return maxReplicaLag; }
    public void setMaxReplicaLag(String value) { this.maxReplicaLag = value; }
    public String getReadConsistency() { return readConsistency; }
    public void setReadConsistency(String value) { this.readConsistency = value; }
    public String getStaleReadFallback() { return staleReadFallback; }
    public void setStaleReadFallback(String value) { this.staleReadFallback = value; }
    public String getTransactionRouting() { return transactionRouting; }
    public void setTransactionRouting(String value) { this.transactionRouting = value; }
    public String getLearnedWriteShare() { return learnedWriteShare; }
    public void setLearnedWriteShare(String value) { this.learnedWriteShare = value; }
    public String getReplicaWaitTimeout() { return replicaWaitTimeout; }
    public void setReplicaWaitTimeout(String value) { this.replicaWaitTimeout = value; }
    public String getReplicaReadTimeout() { return replicaReadTimeout; }
    public void setReplicaReadTimeout(String value) { this.replicaReadTimeout = value; }
    public String getSyncMode() { return syncMode; }
    public void setSyncMode(String value) { this.syncMode = value; }
    public String getSyncTables() { return syncTables; }
    public void setSyncTables(String value) { this.syncTables = value; }
    public String getSyncAck() { return syncAck; }
    public void setSyncAck(String value) { this.syncAck = value; }
    public String getSyncTimeout() { return syncTimeout; }
    public void setSyncTimeout(String value) { this.syncTimeout = value; }
    public String getSyncTimeoutAction() { return syncTimeoutAction; }
    public void setSyncTimeoutAction(String value) { this.syncTimeoutAction = value; }
    public String getLoadBalance() { return loadBalance; }
    public void setLoadBalance(String value) { this.loadBalance = value; }
    public String getPrimaryReads() { return primaryReads; }
    public void setPrimaryReads(String value) { this.primaryReads = value; }
    public String getMonitorInterval() { return monitorInterval; }
    public void setMonitorInterval(String value) { this.monitorInterval = value; }
    public String getFailoverTimeout() { return failoverTimeout; }
    public void setFailoverTimeout(String value) { this.failoverTimeout = value; }
    public String getCommitOutcome() { return commitOutcome; }
    public void setCommitOutcome(String value) { this.commitOutcome = value; }
    public String getTransactionReplay() { return transactionReplay; }
    public void setTransactionReplay(String value) { this.transactionReplay = value; }
    public String getExceptionOverrideClassName() { return exceptionOverrideClassName; }
    public void setExceptionOverrideClassName(String value) { this.exceptionOverrideClassName = value; }
    public String getTopology() { return topology; }
    public void setTopology(String value) { this.topology = value; }
    public String getHomeMaster() { return homeMaster; }
    public void setHomeMaster(String value) { this.homeMaster = value; }
    public String getConflictTables() { return conflictTables; }
    public void setConflictTables(String value) { this.conflictTables = value; }
    public String getReadRepair() { return readRepair; }
    public void setReadRepair(String value) { this.readRepair = value; }
    public String getTombstoneRetention() { return tombstoneRetention; }
    public void setTombstoneRetention(String value) { this.tombstoneRetention = value; }
    public String getMetrics() { return metrics; }
    public void setMetrics(String value) { this.metrics = value; }
    // spotless:on
}
