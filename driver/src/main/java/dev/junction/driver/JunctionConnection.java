package dev.junction.driver;

import java.sql.Connection;
import java.util.Set;

/**
 * What a Junction connection adds to {@link Connection}; reach it with
 * {@code connection.unwrap(JunctionConnection.class)}, also through a pool.
 *
 * <p>One {@code JunctionConnection} is one logical session: it opens a physical connection to each node it needs,
 * lazily, and keeps every one of them in the state the application set (auto-commit, isolation, read-only,
 * schema, {@code SET}s, client info, network timeout).
 */
public interface JunctionConnection extends Connection {
    /** The cluster's nodes and their roles as this connection knows them: {@code pg1:5432 primary, pg2:5432 replica}. */
    String topology();

    /** The node that ran this session's last statement ({@code pg2:5432 replica}), or null before the first. */
    String lastNode();

    /** Why the session is pinned to one node (design §2 rule 1), empty when it is not. */
    Set<String> pins();
}
