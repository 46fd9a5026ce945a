package dev.junction.driver.metrics;

import java.util.List;
import java.util.Map;

/**
 * The JMX view of one cluster as one user's connections use it, registered as
 * {@code dev.junction:type=Cluster,name="<cluster URL>",user=<user>} while some connection with {@code metrics=on}
 * uses it (README, "Metrics"). Counters count since the cluster's first connection in this JVM; the maps are
 * {@code TabularData} of {@code key}/{@code value} rows in jconsole, with only the keys seen so far.
 */
public interface JunctionClusterMXBean {
    /** The cluster's URL without parameters or credentials. */
    String getCluster();

    /** The user its connections log in as; empty for the backend's default. */
    String getUser();

    /** Statements run on the primary because they belong there (writes, transactions, pins...). */
    long getStatementsToPrimary();

    /** Statements run on a replica. */
    long getStatementsToReplica();

    /** Reads that wanted a replica and ran on the primary because none qualified. */
    long getStatementsFallenBackToPrimary();

    /**
     * Statements by {@code target/REASON}: {@code primary/WRITE}, {@code replica/REPLICA_READ},
     * {@code fallback/NO_REPLICA_STALE}...; only the pairs seen.
     */
    Map<String, Long> getStatementsByRoute();

    /** Reads that waited for a replica to replay the commits they must see (read-your-writes). */
    long getReadYourWritesWaits();

    /** Their total wait, in milliseconds. */
    long getReadYourWritesWaitMillis();

    /** Reads that waited for a stale or down replica ({@code staleReadFallback=wait}). */
    long getStaleReplicaWaits();

    /** Their total wait, in milliseconds. */
    long getStaleReplicaWaitMillis();

    /** Commits that waited for replicas ({@code syncMode}), by mode: {@code semi-sync}, {@code sync}, {@code quorum}. */
    Map<String, Long> getSyncWaitsByMode();

    /** Their total wait, in milliseconds, by mode. */
    Map<String, Long> getSyncWaitMillisByMode();

    /** Commits too few replicas confirmed within {@code syncTimeout}, by mode (failed or degraded). */
    Map<String, Long> getSyncTimeoutsByMode();

    /**
     * Commits the server's own synchronous replication confirmed (PostgreSQL {@code synchronous_standby_names},
     * MariaDB semi-sync), which Junction then did not ask its replicas about.
     */
    long getSyncConfirmationsByServer();

    /** Commits not confirmed in time that were reported as warnings ({@code syncTimeoutAction=degrade}). */
    long getSyncDegradations();

    /**
     * The write sync modes degraded now by {@code syncTimeoutAction=degrade} (as {@code sync/apply}): their commits
     * wait 100 ms at most until one is confirmed in time. Empty when every mode is whole.
     */
    List<String> getDegradedSyncModes();

    /** Times another node became the primary: failovers and switchovers the monitor saw. */
    long getPrimaryChanges();

    /** Statements that pinned their session to a node, by cause. */
    Map<String, Long> getPinsByCause();

    /** Backend errors by SQLState. */
    Map<String, Long> getErrorsBySqlState();

    /** Classifications answered from the cache. */
    long getClassifierCacheHits();

    /** Classifications computed (cache misses). */
    long getClassifierCacheMisses();

    /** Statements Calcite could not parse, classified by the conservative token fallback. */
    long getClassifierParseFailures();

    /** Transactions started on a replica ({@code transactionRouting}). */
    long getTransactionsStartedOnReplica();

    /** Of those, moved to the primary. */
    long getTransactionsMoved();

    /** Moves that ended in a serialization failure because a replayed read differed. */
    long getTransactionMoveConflicts();

    /** Each node's role, as the monitor last saw it. */
    Map<String, String> getNodeRoles();

    /** Each replica's staleness bound in milliseconds; nodes whose bound is unknown are left out. */
    Map<String, Long> getReplicaStalenessMillis();

    /** Each node's replay (or, for the primary, write) position, in the server's own notation. */
    Map<String, String> getReplicationPositions();
}
