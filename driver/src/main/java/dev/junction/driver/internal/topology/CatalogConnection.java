package dev.junction.driver.internal.topology;

import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.NodeConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one connection to the primary over which the catalogs of one {@link ClusterTopology} ask their questions
 * (function volatility, unsafe views, standalone tables): opened at the first question with the topology's own
 * credentials, kept while the topology lives, reopened after it broke or after the primary moved, and closed when the
 * topology is released. A lookup batch used to open a connection of its own, which an application's statement log
 * showed as a login per batch.
 *
 * <p>Thread-safety: sessions classify concurrently and the table catalog asks from its own thread, so every use
 * holds a {@link ReentrantLock} for the length of its queries (a connection runs one statement at a time). The lock is
 * reentrant because proving a MySQL view safe classifies its definition, which may look a function up. A question
 * waits for the one before it; each is a few catalog reads, bounded by the connection's socket timeout.
 *
 * <p>The connection is the catalogs' alone and runs in auto-commit: no session state reaches it, and a failed query
 * leaves no transaction behind. Only a lost connection (or an unexpected runtime error) discards it; a query that
 * fails for another reason (a privilege) keeps it.
 */
final class CatalogConnection implements AutoCloseable {
    /** Work done over the connection, which must not escape it. */
    @FunctionalInterface
    interface Questions<T> {
        T ask(Connection connection) throws SQLException;
    }

    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}; volatile so that {@link #close} can abort it while another thread holds the lock. */
    private volatile Connection connection;

    private HostAndPort openedTo;
    private volatile boolean closed;

    /** @param connector opens connections with the topology's credentials (and the catalogs' timeouts) */
    CatalogConnection(ClusterTopology topology, NodeConnector connector) {
        this.topology = topology;
        this.connector = connector;
    }

    /**
     * Runs {@code questions} on the primary over the shared connection, opening it first if needed.
     *
     * @throws SQLException no primary is known, the connection could not be opened, a query failed, or the catalogs
     *                      have been released
     */
    <T> T onPrimary(Questions<T> questions) throws SQLException {
        HostAndPort primary = topology.primary().address();
        lock.lock();
        try {
            if (closed) {
                throw new SQLException("The catalog connection of " + topology.name() + " was released", "08003");
            }
            if (connection != null && !primary.equals(openedTo)) {
                discard(); // the primary moved: the old one may be a standby by now, or gone
            }
            if (connection == null) {
                connection = connector.open(primary);
                openedTo = primary;
            }
            try {
                return questions.ask(connection);
            } catch (SQLException e) {
                if (BackendDialect.isConnectionLoss(e)) {
                    discard();
                }
                throw e;
            } catch (RuntimeException e) {
                discard();
                throw e;
            }
        } finally {
            if (closed) {
                discard(); // released while this thread asked: the connection is not left open
            }
            lock.unlock();
        }
    }

    /** Whether a connection is open now; for tests. */
    boolean isOpen() {
        return connection != null;
    }

    /** Closes the connection; later questions fail. A question in flight on another thread is aborted. */
    @Override
    public void close() {
        closed = true;
        if (lock.tryLock()) {
            try {
                discard();
            } finally {
                lock.unlock();
            }
            return;
        }
        Connection busy = connection;
        if (busy != null) {
            try {
                // The holder may be blocked on a server that does not answer: abort does not wait for it. The holder
                // sees the failure and discards the connection on its way out.
                busy.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // the holder closes it when its query returns or times out
            }
        }
    }

    private void discard() {
        Connection current = connection;
        connection = null;
        openedTo = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException | RuntimeException e) {
                // It is being discarded; nothing more to learn from it.
            }
        }
    }

    @Override
    public String toString() {
        return "CatalogConnection[" + topology.name() + (openedTo == null ? "" : " primary " + openedTo) + "]";
    }
}
