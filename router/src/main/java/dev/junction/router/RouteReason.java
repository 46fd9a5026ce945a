package dev.junction.router;

/** Why a statement went where it went; one counter per value makes the routing metrics. */
public enum RouteReason {
    /** The session is pinned to the primary (temporary table, advisory lock, LISTEN, named PREPARE...). */
    PINNED,
    /** The session runs SERIALIZABLE on PostgreSQL, which standbys refuse. */
    SERIALIZABLE_ISOLATION,
    /** A read-write transaction (or {@code autoCommit=false} without read-only) runs on the primary. */
    TRANSACTION,
    /** A read-only transaction runs on one replica from its first statement to its end. */
    READ_ONLY_TRANSACTION,
    /**
     * A transaction not declared read-only starts on a replica ({@code transactionRouting=optimistic} or {@code
     * learned}) and moves to the primary at its first statement that needs it.
     */
    OPTIMISTIC_TRANSACTION,
    /** {@code /* junction:primary * /}. */
    HINT_PRIMARY,
    /** {@code /* junction:replica * /} sent a plain read to a replica. */
    HINT_REPLICA,
    /** Several statements in one string. */
    MULTI_STATEMENT,
    /** INSERT, UPDATE, DELETE, MERGE, SELECT INTO, or anything naming a table it writes. */
    WRITE,
    /** Schema change. */
    DDL,
    /** Maintenance or server command (VACUUM, CALL, DO, NOTIFY, SET GLOBAL...). */
    UTILITY_WRITE,
    /** The statement could not be classified. */
    UNKNOWN_STATEMENT,
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT outside a replica transaction. */
    TRANSACTION_CONTROL,
    /** SET, USE, RESET...: run on the primary, replayed elsewhere by the driver. */
    SESSION_STATEMENT,
    /** SELECT ... FOR UPDATE/SHARE, LOCK IN SHARE MODE. */
    LOCKING_READ,
    /** A function with side effects: nextval, pg_advisory_lock, GET_LOCK, LAST_INSERT_ID... */
    SIDE_EFFECT_FUNCTION,
    /** A user function whose volatility is unknown. */
    UNVERIFIED_FUNCTION,
    /** The answer depends on the node (replication status, WAL position, server statistics). */
    NODE_SPECIFIC,
    /** The statement creates state that pins the session. */
    PINNING_STATEMENT,
    /** {@code readConsistency=strong}, from the properties or a hint. */
    STRONG_CONSISTENCY,
    /** The topology has no replica at all. */
    NO_REPLICAS_CONFIGURED,
    /** A plain read went to a qualifying replica. */
    REPLICA_READ,
    /** Every replica is down. */
    NO_REPLICA_DOWN,
    /** Every replica that is up is beyond the lag budget (or its lag is unknown). */
    NO_REPLICA_STALE,
    /** Replicas within the lag budget have not replayed the commits this read must see. */
    NO_REPLICA_BEHIND,
    /** A read a replica could serve, which the primary takes because it has room ({@code primaryReads}). */
    PRIMARY_HAS_ROOM
}
