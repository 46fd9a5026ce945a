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
                    // Every socket first: Connector/J's abort of a connection to a hung server blocks while it
                    // connects there to KILL the session, and would hold up the connections after it.
                    for (Connection connection : doomed) {
                        closeSocketOfMariaDb(connection);
                    }
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

    /**
     * MariaDB Connector/J (3.x) aborts a connection whose statement is running by first connecting to the server to
     * {@code KILL} it, which a hung server never answers: the aborting thread, and the application's blocked one,
     * would wait until the server thaws. Closing the connection's socket ends the blocked read at once. Connector/J
     * offers no public way to do it, so its client's {@code socket} field is closed by reflection; if that is not
     * possible (another version, a security manager), the ordinary abort is all there is.
     */
    private static void closeSocketOfMariaDb(Connection connection) {
        if (!connection.getClass().getName().startsWith("org.mariadb.jdbc.")) {
            return;
        }
        try {
            java.lang.reflect.Field clientField = connection.getClass().getDeclaredField("client");
            clientField.setAccessible(true);
            Object client = clientField.get(connection);
            for (Class<?> type = client.getClass(); type != null; type = type.getSuperclass()) {
                for (java.lang.reflect.Field field : type.getDeclaredFields()) {
                    if (field.getType() == java.net.Socket.class) {
                        field.setAccessible(true);
                        java.net.Socket socket = (java.net.Socket) field.get(client);
                        if (socket != null) {
                            socket.close();
                        }
                        return;
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            // not this Connector/J's layout: the abort below is the only way left
        }
    }
}
