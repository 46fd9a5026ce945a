package dev.junction.driver.internal.pipeline;

import dev.junction.router.Classification;

/**
 * What the driver needs to know about one SQL text to route and track it: the router's {@link Classification}
 * (what the routing policy decides on) and the driver's reading of it (what to replay, what ends a transaction,
 * what pins).
 *
 * @param kind       what the statement does to the session and the data
 * @param hint       an explicit {@code /* junction:primary *}{@code /} or {@code replica} hint, else {@link Hint#NONE}
 * @param pinReason  non-null when running this statement pins the session to the primary (design §2 rule 1):
 *                   a temporary table, a session-level lock, LISTEN, a named server-side PREPARE, SERIALIZABLE
 * @param sessionKey for {@link Kind#SESSION}: what the statement sets, so that a later statement setting the same
 *                   thing replaces it in the replay log ({@code search_path}, {@code catalog}); {@link #RESET_ALL}
 *                   when it resets everything; null when the statement's key is unknown (it is then replayed as is)
 * @param classification the router's classification, which the routing policy decides on
 */
public record StatementInfo(Kind kind, Hint hint, String pinReason, String sessionKey, Classification classification) {
    /** The session key of {@code RESET ALL} and {@code DISCARD ALL}: they clear the replay log. */
    public static final String RESET_ALL = "*";

    /** What a statement does. */
    public enum Kind {
        /** A plain read: eligible for a replica in autocommit. */
        READ,
        /** Anything that writes, locks, has side effects or is not understood: the primary. */
        WRITE,
        /** Changes session state ({@code SET}, {@code USE}, {@code RESET}): tracked and replayed on every node. */
        SESSION,
        /** {@code BEGIN} / {@code START TRANSACTION}: a transaction opened in SQL, which keeps its node. */
        BEGIN,
        /** {@code COMMIT}, {@code ROLLBACK}, {@code END}, {@code ABORT}: ends the SQL-opened transaction. */
        END,
        /** Savepoints and {@code SET TRANSACTION}/{@code SET LOCAL}: stays on the transaction's node. */
        IN_TRANSACTION,
        /**
         * MySQL/MariaDB {@code SET autocommit = 0|1} in SQL: changes the logical connection's auto-commit mode as
         * {@code setAutoCommit} would. {@link #sessionKey} holds {@code "0"}, {@code "1"}, or null when the
         * statement's effect on auto-commit cannot be read from its text (refused).
         */
        AUTOCOMMIT
    }

    /** An explicit routing hint in a leading comment. */
    public enum Hint {
        NONE,
        PRIMARY,
        REPLICA
    }

    public boolean isRead() {
        return kind == Kind.READ;
    }
}
