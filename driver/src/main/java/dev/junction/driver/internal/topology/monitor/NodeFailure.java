package dev.junction.driver.internal.topology.monitor;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;

/**
 * Why a node gave no connection, in the two kinds a user acts on differently: it could not be reached (nothing
 * listens, the address does not resolve, the connect or the first answer timed out: look at the network or the
 * server's process), or it answered and refused (wrong credentials {@code 28xxx}, unknown database {@code 3D000},
 * {@code 08004} rejected, a backend property it does not accept, too many connections: look at the configuration).
 *
 * <p>Unreachable is an exception of SQLState class {@code 08} other than {@code 08004} (the server rejected the
 * connection) and {@code 08P01} (it answered, wrongly), a {@link SQLTimeoutException}, an exception without a
 * SQLState, or no answer at all; everything else was said by the server, or by the backend driver about the
 * properties it was given, and is a refusal.
 *
 * @param exception what the backend driver threw, or the timeout Junction counted; never null
 */
public record NodeFailure(Exception exception) {
    /** The failure of a probe still without an answer after {@code millis}. */
    public static NodeFailure noAnswerWithin(long millis) {
        return new NodeFailure(new SQLTimeoutException("no answer within " + millis + " ms", "08001"));
    }

    /** Whether the node answered and said no (see the class comment). */
    public boolean refused() {
        if (!(exception instanceof SQLException sql) || exception instanceof SQLTimeoutException) {
            return false;
        }
        String state = sql.getSQLState();
        if (state == null) {
            return false;
        }
        return !state.startsWith("08") || state.equals("08004") || state.equals("08P01");
    }

    /** The SQLState of the backend's exception, or null. */
    public String sqlState() {
        return exception instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /**
     * {@code refused the connection (SQLState 28P01: FATAL: password authentication failed for user "app")} or
     * {@code could not be reached (SQLState 08001: connect timed out)}: what messages and {@code junction status} say
     * after the node's address. Credentials in the backend's text are masked by the caller.
     */
    public String describe() {
        return (refused() ? "refused the connection (" : "could not be reached (") + detail() + ")";
    }

    /** {@code SQLState 28P01: FATAL: password authentication failed for user "app"}: the state and the backend's words. */
    public String detail() {
        String state = sqlState();
        return (state == null ? "" : "SQLState " + state + ": ") + message();
    }

    /** The backend's message without the {@code [node host:port]} Junction appended: the caller names the node. */
    private String message() {
        String message = exception.getMessage();
        if (message == null) {
            return exception.getClass().getSimpleName();
        }
        int node = message.lastIndexOf(" [node ");
        return node > 0 && message.endsWith("]") ? message.substring(0, node) : message;
    }
}
