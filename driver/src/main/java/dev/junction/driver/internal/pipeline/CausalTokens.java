package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.NodeConnector;
import dev.junction.driver.internal.topology.ClusterTopology;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.driver.internal.topology.monitor.TopologyMonitor;
import dev.junction.router.NodeRole;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Read-your-writes across services (design §5): a token that names a position covering every commit this session
 * made, and the wait for another service's token. One per logical connection.
 */
public final class CausalTokens {
    private final ClusterTopology topology;
    private final NodeConnector connector;
    private final SessionFreshness freshness;
    private final boolean recordsCommits;
    private final NodeAccess nodes;

    /** @param recordsCommits whether the session's commits are recorded (else only the primary knows a covering position) */
    CausalTokens(
            ClusterTopology topology,
            NodeConnector connector,
            SessionFreshness freshness,
            boolean recordsCommits,
            NodeAccess nodes) {
        this.topology = topology;
        this.connector = connector;
        this.freshness = freshness;
        this.recordsCommits = recordsCommits;
        this.nodes = nodes;
    }

    /**
     * A token covering the session's commits, or null without a monitor.
     *
     * @param inTransaction the connection holding the session's open transaction, or null
     */
    public String issue(NodeSession inTransaction) throws SQLException {
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            return null;
        }
        ReplicationPosition position;
        OptionalLong commit = freshness.latestCommit();
        if (!recordsCommits) {
            // This session's commits were not recorded: only the primary knows a position that covers them.
            position = askPrimary(monitor, inTransaction);
        } else if (commit.isEmpty()) {
            position = monitor.primaryPosition().orElse(null);
        } else {
            position = monitor.primarySamples().covering(commit.getAsLong()).orElse(null);
            if (position == null) {
                position = askPrimary(monitor, inTransaction);
            }
        }
        return position == null ? null : CausalToken.format(monitor.probe(), position);
    }

    /** Makes the session's reads wait for {@code token}'s position. */
    public void await(String token) throws SQLException {
        TopologyMonitor monitor = topology.monitor();
        if (monitor == null) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(token, "this connection has no topology monitor");
        }
        freshness.await(CausalToken.parse(monitor.probe(), token));
    }

    /**
     * Asks the primary where it is now, on this session's own connection to it (one round trip, for a token only),
     * and keeps the answer as a sample of the primary sent at the instant taken just before asking, which locates
     * every commit acknowledged until then for every connection.
     */
    private ReplicationPosition askPrimary(TopologyMonitor monitor, NodeSession inTransaction) throws SQLException {
        topology.ensureProbed(connector);
        NodeSession session = nodes.open(nodes.primary());
        try {
            Connection physical = session.physical();
            long sent = monitor.nanoTime();
            ReplicationProbe.Answer answer = monitor.probe().probe(physical);
            if (session != inTransaction && !physical.getAutoCommit()) {
                physical.rollback(); // as in askReplica: no transaction of the session's has begun on it
            }
            if (answer.role() == NodeRole.PRIMARY && answer.position() != null) {
                monitor.primarySamples().record(sent, answer.position());
            }
            return answer.position();
        } catch (SQLException e) {
            throw nodes.failed(e, session);
        }
    }
}
