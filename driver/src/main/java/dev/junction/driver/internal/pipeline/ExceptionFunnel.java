package dev.junction.driver.internal.pipeline;

import java.sql.BatchUpdateException;
import java.sql.SQLClientInfoException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/**
 * The one path every backend {@link SQLException} takes on its way to the application: it comes out with the node
 * that raised it in the message ({@code ... [node 127.0.0.1:5433 replica]}) and everything else a caller decides
 * on intact: the SQLState, the vendor code, the most specific standard {@code java.sql} subclass (Spring's and
 * HikariCP's translators look at it), batch update counts, the chain of next exceptions. The backend's own
 * exception is the cause, for code that needs its vendor-specific details.
 *
 * <p>Exceptions Junction raised itself (vendor code 91xxx) and ones already funnelled pass through unchanged.
 */
public final class ExceptionFunnel {
    private static final String MARKER = " [node ";

    private ExceptionFunnel() {}

    /** {@code e} with {@code node} named in its message, of the same standard subclass. */
    public static SQLException withNode(SQLException e, Object node) {
        String message = e.getMessage();
        if (message != null && message.contains(MARKER) || isJunctions(e)) {
            return e;
        }
        String text = (message == null ? e.getClass().getSimpleName() : message) + MARKER + node + "]";
        SQLException copy = copy(e, text);
        if (e.getNextException() != null) {
            copy.setNextException(e.getNextException());
        }
        return copy;
    }

    private static boolean isJunctions(SQLException e) {
        return e.getErrorCode() >= 91000
                && e.getErrorCode() < 92000
                && e.getMessage() != null
                && e.getMessage().startsWith("[JCT-");
    }

    private static SQLException copy(SQLException e, String text) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        // Order matters: most specific standard subclasses first.
        if (e instanceof BatchUpdateException) {
            return new BatchUpdateException(text, state, code, ((BatchUpdateException) e).getLargeUpdateCounts(), e);
        }
        if (e instanceof SQLClientInfoException) {
            return new SQLClientInfoException(text, state, code, ((SQLClientInfoException) e).getFailedProperties(), e);
        }
        if (e instanceof SQLTransactionRollbackException) {
            return new SQLTransactionRollbackException(text, state, code, e);
        }
        if (e instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(text, state, code, e);
        }
        if (e instanceof SQLTimeoutException) {
            return new SQLTimeoutException(text, state, code, e);
        }
        if (e instanceof SQLTransientException) {
            return new SQLTransientException(text, state, code, e);
        }
        if (e instanceof SQLIntegrityConstraintViolationException) {
            return new SQLIntegrityConstraintViolationException(text, state, code, e);
        }
        if (e instanceof SQLSyntaxErrorException) {
            return new SQLSyntaxErrorException(text, state, code, e);
        }
        if (e instanceof SQLDataException) {
            return new SQLDataException(text, state, code, e);
        }
        if (e instanceof SQLFeatureNotSupportedException) {
            return new SQLFeatureNotSupportedException(text, state, code, e);
        }
        if (e instanceof SQLInvalidAuthorizationSpecException) {
            return new SQLInvalidAuthorizationSpecException(text, state, code, e);
        }
        if (e instanceof SQLNonTransientConnectionException) {
            return new SQLNonTransientConnectionException(text, state, code, e);
        }
        if (e instanceof SQLNonTransientException) {
            return new SQLNonTransientException(text, state, code, e);
        }
        if (e instanceof SQLRecoverableException) {
            return new SQLRecoverableException(text, state, code, e);
        }
        return new SQLException(text, state, code, e);
    }
}
