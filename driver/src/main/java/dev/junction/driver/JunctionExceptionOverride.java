package dev.junction.driver;

import java.sql.SQLException;

/**
 * An application's say in what a backend failure means, as HikariCP's {@code SQLExceptionOverride} has in whether the
 * pool evicts a connection. Every {@link SQLException} a physical connection raises passes through one failure seam,
 * which reads it as a lost connection (the connection is dropped, the node reported to the topology monitor, an
 * auto-commit read runs once more elsewhere), a read-only refusal (refused by a replica, an auto-commit statement runs
 * on the primary instead; refused by the primary, the monitor is asked to probe it, since it was demoted), or the
 * statement's own error (surfaced, the connection kept). Junction reads it from SQLStates and vendor codes anywhere in
 * the exception's {@code getNextException} chain and causes. An override sees the exception first and may force one
 * of these readings, for errors only the application knows: a proxy's or cloud service's vendor code that means "this
 * node is going away", or an {@code 08xxx} state that some middleware raises for a statement that merely timed out.
 * Whatever the reading, the application receives the exception itself (with the node named in its message).
 *
 * <p>Named by property {@code exceptionOverrideClassName} ({@link JunctionProperty#EXCEPTION_OVERRIDE_CLASS_NAME},
 * {@link JunctionDataSource#setExceptionOverrideClassName}): a public class with a public no-argument constructor,
 * loaded through the thread context class loader, else Junction's own. One instance serves each validated
 * configuration (a data source's for {@code getConnection()}; each {@code getConnection(user, password)} and
 * {@code DriverManager.getConnection} call has its own) and is constructed when that configuration is validated, so
 * the constructor should be cheap and free of side effects.
 *
 * <p>{@link #adjudicate} is called on whichever thread uses a connection, by every connection of the configuration at
 * once: it must be thread-safe, fast, and a function of its arguments (one failure may be adjudicated more than once,
 * say once to decide on a retry and once on its way to the application). An exception
 * it throws, or a {@code null} answer, counts as {@link Verdict#JUNCTION_DECIDES}; the first one on each connection is
 * logged at {@code WARNING} (logger {@code dev.junction.failures}), and the application still receives the original
 * {@link SQLException}.
 */
@FunctionalInterface
public interface JunctionExceptionOverride {
    /**
     * How Junction is to read {@code e}.
     *
     * @param e    the exception as the backend driver raised it (before Junction names the node in its message)
     * @param node the node whose connection raised it
     * @return {@link Verdict#JUNCTION_DECIDES} for every exception the application has no opinion on
     */
    Verdict adjudicate(SQLException e, Node node);

    /** What an override decides about one failure. */
    enum Verdict {
        /** No opinion: Junction's own reading of the exception applies. */
        JUNCTION_DECIDES,
        /**
         * The connection is unusable: Junction drops it, reports the node (a replica is taken out of routing until a
         * probe reaches it; for the primary, a probe is requested at once) and runs an auto-commit read outside any
         * transaction once more on another qualifying node.
         */
        CONNECTION_LOST,
        /**
         * The node refuses writes: an auto-commit statement a replica refused runs on the primary instead; a primary
         * that refuses is reported, as demoted, for a probe. The connection is kept.
         */
        NODE_READ_ONLY,
        /**
         * Not the node's trouble: the statement's own error, surfaced to the application with the connection kept and
         * the node left alone, whatever state the exception carries (a serialization failure stays one).
         */
        STATEMENT_ERROR
    }

    /**
     * The node a failure came from, as Junction saw it when the failure happened.
     *
     * @param address {@code host:port}, as the URL and Junction's messages print it
     * @param role    {@code primary}, {@code replica}, or {@code down} (a probe found it unreachable since the connection
     *                was opened)
     */
    record Node(String address, String role) {}
}
