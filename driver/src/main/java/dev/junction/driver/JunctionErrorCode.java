package dev.junction.driver;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * Every error Junction raises itself, with its SQLState and message template. Errors that come from a backend
 * server keep the server's SQLState and vendor code; these are only Junction's own.
 *
 * <p>The vendor code ({@link SQLException#getErrorCode()}) of a Junction error is {@link #vendorCode()}, in the
 * range 91000–91999 so that it cannot be mistaken for a PostgreSQL (always 0) or MySQL/MariaDB (below 10000)
 * vendor code. SQLStates follow the standard classes: {@code 08} connection and topology, {@code 0A}
 * feature not supported, {@code 22023} invalid parameter value (all property and URL validation: one state,
 * so an application can tell configuration mistakes from runtime failures), {@code 40001} write conflict.
 *
 * <p>Templates use {@link String#format} placeholders. They say what happened, the bad value, and what to do;
 * no template takes a credential, and callers pass URLs through {@code CredentialMask} first.
 */
public enum JunctionErrorCode {
    /** A URL starting with {@code jdbc:junction:} that cannot be parsed. */
    MALFORMED_URL(
            91001,
            "22023",
            "Malformed Junction URL \"%s\": %s. Expected jdbc:junction:<postgresql|mysql|mariadb>://host1[:port],host2[:port],.../database[?name=value&...]."),
    /** A backend name other than postgresql, mysql or mariadb. */
    UNKNOWN_BACKEND(91002, "22023", "Unknown backend \"%s\" in URL \"%s\": expected postgresql, mysql or mariadb."),
    /** A Junction property whose value does not parse or validate. */
    INVALID_PROPERTY_VALUE(91003, "22023", "Invalid value \"%s\" for property \"%s\": expected %s."),
    /** A backend driver property or URL form whose job Junction does itself. */
    REPLACED_BACKEND_PROPERTY(
            91004,
            "22023",
            "Property \"%s\" of the %s driver is not supported by Junction, which chooses nodes itself: %s."),
    /** The backend JDBC driver class is not on the classpath. */
    BACKEND_DRIVER_MISSING(
            91005,
            "08001",
            "The %s JDBC driver (%s) is not on the classpath: add the Maven artifact %s to the application."),
    /**
     * A property naming an application class that cannot serve: not found, not of the required type, or not
     * constructible. The reason says which; the cause is the class loader's or constructor's exception, if any.
     */
    INVALID_PROPERTY_CLASS(
            91006,
            "22023",
            "Invalid value \"%s\" for property \"%s\": %s. Expected the fully qualified name "
                    + "(nested classes as Outer$Inner) of a public class with a public no-argument constructor that implements %s, "
                    + "on the class path of the application or of Junction."),
    /**
     * The backend driver refused a property it was given (a bare {@code ?useServerPrepStmts}, a timeout that is not a
     * number...) before it opened anything: every node refused the connection for it, although they may all be up.
     */
    BACKEND_PROPERTY_REJECTED(
            91007,
            "22023",
            "Invalid value \"%s\" for property \"%s\": the %s driver rejected it (%s). Correct or remove it in the URL or the connection properties."),
    /** No seed host could be reached: every connect failed or timed out. */
    NO_NODE_REACHABLE(91010, "08001", "None of the nodes of %s could be reached: %s."),
    /**
     * No seed host let a connection in, and some answered with a refusal (credentials, database, a property); raised
     * with the SQLState the refusing nodes agreed on ({@code 28P01}, {@code 28000}, {@code 3D000}...), else this one.
     */
    NO_NODE_ACCEPTED(91015, "08004", "No node of %s accepted the connection: %s."),
    /** Nodes answered, but none reports itself primary, and a statement needs one. */
    NO_PRIMARY(
            91011,
            "08004",
            "No primary among the nodes of %s (%s): a write needs a node that accepts writes. Check the cluster manager, or add the primary to the URL."),
    /** Several nodes report themselves primary in a primary-replica topology. */
    SEVERAL_PRIMARIES(
            91012,
            "08004",
            "Several nodes of %s report themselves primary (%s): writes are refused until one steps down."),
    /** A node could not be opened or used. */
    NODE_UNREACHABLE(91013, "08001", "Could not connect to %s: %s"),
    /** The logical connection was closed by the application. */
    CONNECTION_CLOSED(91020, "08003", "This Junction connection is closed."),
    /** The statement or result set was closed by the application. */
    STATEMENT_CLOSED(91021, "HY010", "This %s is closed."),
    /** A method that needs an executed statement was called before the first execution. */
    NOT_EXECUTED(91022, "HY010", "%s needs an executed statement: execute it first."),
    /** A JDBC method Junction does not implement (yet). */
    FEATURE_NOT_SUPPORTED(91030, "0A000", "%s is not supported by Junction: %s"),
    /** A wrapper asked for an interface it neither implements nor wraps. */
    NOT_A_WRAPPER(91031, "HY000", "%s does not wrap a %s."),
    /** Multi-master writes that conflict (issue: conflicts); the same state as serialization failures so retry loops work. */
    WRITE_CONFLICT(91040, "40001", "Write conflict on %s: %s. Retry the transaction."),
    /**
     * Reconcile or the conflict-table setup cannot work on a table across the masters: its columns or metadata
     * columns differ or have the wrong types, it has no primary key, or it is missing on one.
     */
    RECONCILE_REFUSED(
            91043,
            "55000",
            "Conflict table %s cannot be reconciled or prepared: %s. Nothing was changed; make the masters' tables alike"
                    + " and run it again."),
    /**
     * A write of a {@code conflictTables} table in a form Junction cannot stamp: run unstamped, it could overwrite a
     * newer row on another master, so it is refused before anything runs.
     */
    UNSTAMPABLE_WRITE(
            91042,
            "0A000",
            "Junction cannot stamp this write of conflict table %s (conflictTables), so it was not run: %s"),
    /**
     * An optimistic transaction had to move from its replica to the primary, and running its reads again there did
     * not return what they had returned: the transaction is rolled back, as a serialization failure.
     */
    OPTIMISTIC_TRANSACTION_CONFLICT(
            91041,
            "40001",
            "This transaction began on replica %s (transactionRouting=%s) and moved to the primary at a statement that "
                    + "needs it (%s); %s, so it was rolled back. Retry the transaction; transactionRouting=primary starts "
                    + "transactions that are not read-only on the primary."),
    /**
     * The commit succeeded on the primary but too few replicas confirmed it within {@code syncTimeout}. A dedicated
     * SQLState of class 01 (warning-like, not 40001/08) so that no retry loop re-applies a committed write.
     */
    COMMITTED_NOT_REPLICATED(
            91050,
            "01J01",
            "The transaction IS committed on %s but only %d of the %d replicas that syncMode %s requires confirmed it "
                    + "(%d replicas up) within syncTimeout=%s: do not retry it. Its data may be lost if the primary fails "
                    + "before a replica has it; syncTimeoutAction=degrade turns this into a warning."),
    /**
     * The same as a warning of {@code syncTimeoutAction=degrade} while the commit's rule is degraded
     * ({@code DegradedRules}): the commit waited the short wait of degraded mode, not {@code syncTimeout}.
     */
    COMMITTED_NOT_REPLICATED_DEGRADED(
            91057,
            "01J01",
            "The transaction IS committed on %s but only %d of the %d replicas that syncMode %s requires confirmed it "
                    + "(%d replicas up) within %s, the wait of degraded mode: an earlier commit of this mode was not "
                    + "confirmed within syncTimeout=%s, and commits wait that long again once one is confirmed in time. "
                    + "Do not retry it. Its data may be lost if the primary fails before a replica has it."),
    /**
     * The connection was lost while a commit was in flight ({@code COMMIT}, or an auto-commit statement that may
     * write): the transaction may or may not be committed. Never retried by Junction.
     */
    COMMIT_OUTCOME_UNKNOWN(
            91051,
            "08007",
            "The connection to %s was lost before %s was confirmed: the transaction may or may not be committed; check "
                    + "before retrying. This connection is still usable."),
    /**
     * The node that held the session's open transaction was lost: the transaction is gone, the logical connection
     * goes on, on new physical connections.
     */
    CONNECTION_SWITCHED(
            91052,
            "08S02",
            "The connection to %s, which held this transaction, was lost: nothing of the transaction is committed. This "
                    + "connection is still usable and its next statement runs wherever the cluster then allows (a new "
                    + "primary once one answers): retry the whole transaction."),
    /**
     * {@code commitOutcome=track}: the connection was lost during a commit, and the primary (the same node or the one
     * promoted) showed that the transaction did not commit and now cannot. Class 40, transaction rollback, so that
     * retry loops retry it.
     */
    COMMIT_ROLLED_BACK(
            91054,
            "40000",
            "The commit on %s was not confirmed (%s), and %s, the primary now, shows the transaction is NOT committed "
                    + "(commitOutcome=track; Junction has made sure it never will be there): it is safe to retry. This "
                    + "connection is still usable."),
    /** {@code commitOutcome=track} could not create the table its ids live in. */
    COMMIT_OUTCOME_TABLE(
            91055,
            "55000",
            "commitOutcome=track keeps a table %s, which could not be created on %s (%s). Create it as a user who may "
                    + "(%s) and grant this user INSERT, SELECT and DELETE on it, or set commitOutcome=off."),
    /** {@code transactionReplay=on} could not carry a transaction over to a new primary. */
    TRANSACTION_NOT_REPLAYED(
            91056,
            "08S02",
            "The connection to %s, which held this transaction, was lost, and transactionReplay could not carry the "
                    + "transaction over to %s: %s. Nothing of it is committed. This connection is still usable: retry "
                    + "the whole transaction."),
    /** Writes waited {@code failoverTimeout} for a new primary. */
    FAILOVER_TIMEOUT(
            91053,
            "08006",
            "No single primary among the nodes of %s within failoverTimeout=%s (%s): a write needs one. Junction never "
                    + "promotes a node: check the cluster manager, or raise failoverTimeout."),
    /** A read that must use a fresh replica found none and {@code staleReadFallback=fail}. */
    NO_FRESH_REPLICA(
            91060,
            "08004",
            "No replica of %s can serve this read within maxReplicaLag=%s with readConsistency=%s: %s. "
                    + "staleReadFallback=fail refuses to read elsewhere: use staleReadFallback=primary or wait, or a larger maxReplicaLag."),
    /** A causal token that does not parse, or comes from another kind of cluster. */
    INVALID_CAUSAL_TOKEN(
            91062,
            "22023",
            "Invalid causal token \"%s\": %s. Expected a token from causalToken(), such as pg:0/16B3748 or mariadb:0-1-42."),
    /** A statement the routing policy refuses (for example, a write hinted to a replica). */
    ROUTING_REFUSED(91061, "25006", "%s");

    private final int vendorCode;
    private final String sqlState;
    private final String template;

    JunctionErrorCode(int vendorCode, String sqlState, String template) {
        this.vendorCode = vendorCode;
        this.sqlState = sqlState;
        this.template = template;
    }

    public int vendorCode() {
        return vendorCode;
    }

    public String sqlState() {
        return sqlState;
    }

    public String template() {
        return template;
    }

    /** The formatted message, prefixed with the code so that logs can be searched for it. */
    public String message(Object... arguments) {
        return "[JCT-" + vendorCode + "] " + String.format(Locale.ROOT, template, arguments);
    }

    /** The same as a warning, for an outcome the application chose to be told of rather than fail on. */
    public java.sql.SQLWarning warning(Object... arguments) {
        return new java.sql.SQLWarning(message(arguments), sqlState, vendorCode);
    }

    /** A new exception of the {@link SQLException} subclass that matches this code's SQLState class. */
    public SQLException exception(Object... arguments) {
        return exception(null, arguments);
    }

    /** As {@link #exception(Object...)}, with a cause. */
    public SQLException exception(Throwable cause, Object... arguments) {
        return exceptionWithState(sqlState, cause, arguments);
    }

    /**
     * As {@link #exception(Throwable, Object...)} with another SQLState: for a Junction error whose cause is a state
     * every node agreed on (all nodes refusing the password is {@code 28P01}, not "unreachable").
     */
    public SQLException exceptionWithState(String sqlState, Throwable cause, Object... arguments) {
        String message = message(arguments);
        if (sqlState.equals("08001")
                || sqlState.equals("08003")
                || sqlState.equals("08004")
                || sqlState.equals("08006")) {
            return new SQLNonTransientConnectionException(message, sqlState, vendorCode, cause);
        }
        if (sqlState.startsWith("28")) {
            return new SQLInvalidAuthorizationSpecException(message, sqlState, vendorCode, cause);
        }
        if (sqlState.startsWith("08")) {
            // 08S02 and 08007: the session can go on, on another connection: a pool must not count it as fatal.
            return new SQLTransientConnectionException(message, sqlState, vendorCode, cause);
        }
        if (sqlState.startsWith("0A")) {
            return new SQLFeatureNotSupportedException(message, sqlState, vendorCode, cause);
        }
        if (sqlState.startsWith("40")) {
            return new SQLTransactionRollbackException(message, sqlState, vendorCode, cause);
        }
        if (sqlState.startsWith("22") || sqlState.startsWith("25")) {
            return new SQLNonTransientException(message, sqlState, vendorCode, cause);
        }
        return new SQLException(message, sqlState, vendorCode, cause);
    }
}
