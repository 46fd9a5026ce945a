package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.BackendDialect;
import java.sql.SQLException;

/**
 * What a backend failure says about the node and the work, read from the whole exception: the exception itself, its
 * {@code getNextException} chain (PgJDBC puts a batch's real cause there) and its causes. The failure seam of a
 * statement's execution decides on it: a lost connection is dropped and its node reported, a read-only refusal may
 * move an auto-commit statement to the primary, a serialization failure reaches the application untouched (its retry
 * loop needs SQLState {@code 40001}).
 */
enum FailureKind {
    /** The physical connection is unusable: SQLState class 08, 57P01–57P03 shutdowns, the recoverable subclasses. */
    CONNECTION_LOST,
    /** The node refuses writes: PostgreSQL 25006, MySQL/MariaDB 1290 or 1792. */
    NODE_READ_ONLY,
    /** A serialization failure or deadlock: 40001, 40P01. */
    SERIALIZATION,
    /** Anything else: the statement's own error. */
    OTHER;

    /** Bound on the chain walked: chains are short, a cycle must not hang the funnel. */
    private static final int MAX_DEPTH = 16;

    /** The most consequential kind found anywhere in {@code e}'s next-exception chain and causes. */
    static FailureKind of(SQLException e, BackendDialect dialect) {
        FailureKind found = OTHER;
        int depth = 0;
        for (SQLException next = e; next != null && depth < MAX_DEPTH; next = next.getNextException(), depth++) {
            Throwable cause = next;
            for (int causes = 0; cause != null && causes < MAX_DEPTH; cause = cause.getCause(), causes++) {
                if (cause instanceof SQLException sql) {
                    FailureKind kind = ofOne(sql, dialect);
                    if (kind.ordinal() < found.ordinal()) {
                        found = kind;
                    }
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
        }
        return found;
    }

    private static FailureKind ofOne(SQLException e, BackendDialect dialect) {
        if (BackendDialect.isConnectionLoss(e)) {
            return CONNECTION_LOST;
        }
        if (dialect.isReadOnlyRefusal(e)) {
            return NODE_READ_ONLY;
        }
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) ? SERIALIZATION : OTHER;
    }
}
