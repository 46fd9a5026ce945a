package dev.junction.driver.internal.pipeline;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.topology.monitor.ReplicationProbe;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.SQLException;

/**
 * The text of a causal token (design §5): {@code <kind>:<position as the server prints it>}, for example
 * {@code pg:0/16B3748}, {@code mariadb:0-1-42,1-2-7} or {@code mysql:3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5}. Short,
 * ASCII, and safe in an HTTP header; the kind prefix catches a token carried to the wrong kind of cluster.
 */
final class CausalToken {
    private CausalToken() {}

    static String format(ReplicationProbe probe, ReplicationPosition position) {
        return probe.tokenPrefix(position) + ":" + position.text();
    }

    /** @throws SQLException {@link JunctionErrorCode#INVALID_CAUSAL_TOKEN} (22023) naming the token */
    static ReplicationPosition parse(ReplicationProbe probe, String token) throws SQLException {
        if (token == null || token.isBlank()) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(String.valueOf(token), "it is empty");
        }
        int colon = token.indexOf(':');
        if (colon <= 0) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(
                    token, "it has no kind prefix such as pg: or mariadb:");
        }
        ReplicationPosition position;
        try {
            position = probe.parsePosition(token.substring(colon + 1).trim());
        } catch (RuntimeException e) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(
                    token, "its position does not parse (" + e.getMessage() + ")");
        }
        String expected = probe.tokenPrefix(position);
        if (!expected.equals(token.substring(0, colon))) {
            throw JunctionErrorCode.INVALID_CAUSAL_TOKEN.exception(
                    token, "it is not a token of this " + expected + " cluster");
        }
        return position;
    }
}
