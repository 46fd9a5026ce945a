package dev.junction.driver.internal.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The physical connections the sessions of one topology hold, by node. When another node has become the primary, the
 * connections still open to the former one are aborted at once ({@link #abortAll}): a statement blocked on a primary
 * that hangs (SIGSTOP, a frozen virtual machine) would otherwise wait for its socket timeout, which PostgreSQL's and
 * MariaDB's drivers leave infinite by default, and one that completed when the former primary came back would commit
 * on a node the cluster no longer follows. The blocked caller gets the connection loss, which the failure seam turns
 * into {@code 08S02} or {@code 08007}. Registered once per physical connection opened, not per statement.
 */
public final class LiveConnections {
    private final ConcurrentHashMap<Node, Set<Connection>> byNode = new ConcurrentHashMap<>();

    /** {@code physical} is open to {@code node}; the returned handle forgets it again. */
    public Registration add(Node node, Connection physical) {
        Set<Connection> open = byNode.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
        open.add(physical);
        return () -> open.remove(physical);
    }

    /** Forgets one physical connection; called when the session closes it. */
    @FunctionalInterface
    public interface Registration {
        void release();
    }

    /**
     * Aborts every connection open to {@code node}, on a thread of its own: aborting a connection to a server that does
     * not answer must not hold the routing thread that noticed the new primary.
     *
     * @return how many connections were aborted
     */
    int abortAll(Node node) {
        Set<Connection> open = byNode.get(node);
        if (open == null || open.isEmpty()) {
            return 0;
        }
        Connection[] doomed = open.toArray(Connection[]::new);
        open.clear();
        Thread aborter = new Thread(
                () -> {
                    for (Connection connection : doomed) {
                        try {
                            connection.abort(Runnable::run);
                        } catch (SQLException | RuntimeException e) {
                            // already closed or broken: nothing left to stop
                        }
                    }
                },
                "junction-abort " + node.address());
        aborter.setDaemon(true);
        aborter.start();
        return doomed.length;
    }
}
