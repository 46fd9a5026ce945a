package dev.junction.router;

/**
 * The parts of a logical connection's state that routing depends on (design §2, rules 1 and 2).
 * The driver implements it over its own session object; {@link #builder()} makes an immutable one
 * for tests and simple callers.
 */
public interface SessionState {

    /** JDBC auto-commit. */
    boolean autoCommit();

    /** JDBC {@code setReadOnly(true)}, e.g. Spring {@code @Transactional(readOnly = true)}. */
    boolean readOnly();

    /** A transaction has started (its first statement ran) and has not ended yet. */
    boolean inTransaction();

    /**
     * The replica the current transaction runs on, or {@code null} when there is no transaction or it
     * runs on the primary.
     */
    NodeId transactionReplica();

    /**
     * Auto-commit is off, the session is not read-only, no statement of the transaction has run yet, and the driver
     * lets it start on a replica if its first statement is a plain read ({@code transactionRouting=optimistic}, or
     * {@code learned} and that statement's shape has begun transactions that stayed read-only).
     */
    default boolean optimisticStart() {
        return false;
    }

    /** Why the session is pinned to a node, or {@code null} when it is not. */
    PinReason pinReason();

    /**
     * The replica that holds the session's pinned state, or {@code null} when the pin (if any) is on
     * the primary. State is pinned on a replica only when it was created inside a transaction that ran
     * there (a backend connection unwrapped in a read-only transaction, for example).
     */
    default NodeId pinnedReplica() {
        return null;
    }

    /**
     * The session's isolation level is SERIALIZABLE on PostgreSQL, which hot standbys refuse (SQLState
     * 0A000), so such sessions stay on the primary.
     */
    boolean serializableOnPostgres();

    /** A fresh auto-commit session: not read-only, no transaction, no pin. */
    static SessionState autoCommitSession() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** Builds an immutable {@link SessionState}. */
    final class Builder {
        private boolean autoCommit = true;
        private boolean readOnly;
        private boolean inTransaction;
        private NodeId transactionReplica;
        private PinReason pinReason;
        private NodeId pinnedReplica;
        private boolean serializableOnPostgres;
        private boolean optimisticStart;

        private Builder() {}

        public Builder autoCommit(boolean value) {
            autoCommit = value;
            return this;
        }

        public Builder readOnly(boolean value) {
            readOnly = value;
            return this;
        }

        /** Marks a transaction in progress on the primary. */
        public Builder inTransactionOnPrimary() {
            inTransaction = true;
            transactionReplica = null;
            return this;
        }

        /** Marks a transaction in progress on the given replica. */
        public Builder inTransactionOn(NodeId replica) {
            inTransaction = true;
            transactionReplica = replica;
            return this;
        }

        public Builder pinnedBecause(PinReason reason) {
            pinReason = reason;
            pinnedReplica = null;
            return this;
        }

        /** Marks the session pinned to the given replica, which holds the state. */
        public Builder pinnedOn(NodeId replica, PinReason reason) {
            pinReason = reason;
            pinnedReplica = replica;
            return this;
        }

        /** Lets a transaction that is not read-only start on a replica (see {@link SessionState#optimisticStart()}). */
        public Builder optimisticStart(boolean value) {
            optimisticStart = value;
            return this;
        }

        public Builder serializableOnPostgres(boolean value) {
            serializableOnPostgres = value;
            return this;
        }

        public SessionState build() {
            return new Fixed(
                    autoCommit,
                    readOnly,
                    inTransaction,
                    transactionReplica,
                    pinReason,
                    pinnedReplica,
                    serializableOnPostgres,
                    optimisticStart);
        }

        private record Fixed(
                boolean autoCommit,
                boolean readOnly,
                boolean inTransaction,
                NodeId transactionReplica,
                PinReason pinReason,
                NodeId pinnedReplica,
                boolean serializableOnPostgres,
                boolean optimisticStart)
                implements SessionState {}
    }
}
