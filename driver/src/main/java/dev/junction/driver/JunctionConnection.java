package dev.junction.driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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

    /**
     * A causal token for read-your-writes across services (design §5): the position of this session's latest commit,
     * else of the latest commit through Junction in this JVM, else the primary's last probed position;
     * {@code pg:0/16B3748}, {@code mariadb:0-1-42}. Null when no position is known yet.
     */
    String causalToken() throws SQLException;

    /**
     * Makes every later read of this connection see the commits {@code token} stands for: a replica qualifies only
     * once it has replayed that position (with {@code staleReadFallback} and {@code replicaWaitTimeout} as for the
     * session's own writes).
     *
     * @throws SQLException 22023 when the token is malformed or from another kind of cluster
     */
    void awaitToken(String token) throws SQLException;

    /**
     * The sync mode of this connection's next commit of written work (design §6): the open transaction's commit, or
     * with auto-commit on the next write. It adds to the data source's {@code syncMode} and {@code syncTables}
     * (the strongest applies) and is forgotten once that commit is acknowledged or its transaction rolled back.
     *
     * @param mode {@code async}, {@code semi-sync}, {@code sync} or {@code quorum:N}
     * @throws SQLException 22023 when {@code mode} is none of these
     */
    void setCommitSyncMode(String mode) throws SQLException;

    /** Every node as the cluster's topology monitor last saw it: role, position, staleness, round trip, health. */
    List<NodeStatus> topologyReport() throws SQLException;
}
