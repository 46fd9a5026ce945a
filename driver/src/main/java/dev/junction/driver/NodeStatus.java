package dev.junction.driver;

import java.time.Duration;
import java.util.Optional;

/**
 * One node as the topology monitor last saw it, for {@code junction status} and dashboards: from
 * {@link JunctionConnection#topologyReport()} or {@link JunctionDataSource#topologyReport()}.
 *
 * @param address            {@code host:port}
 * @param role               {@code primary}, {@code replica} or {@code unknown} (never answered, or down)
 * @param up                 whether the last probe answered; false while probes fail, whatever routing still tolerates
 * @param position           the replayed (replica) or current (primary) position as the server prints it
 * @param stalenessBound     how far behind the primary the replica may be, at its last probe; zero for the primary
 * @param roundTrip          the last probe's round-trip time
 * @param consecutiveFailures failed probes in a row
 * @param lastError          the last probe error, starting with "could not be reached" or "refused the connection"
 *                           and the SQLState; never containing credentials
 */
public record NodeStatus(
        String address,
        String role,
        boolean up,
        Optional<String> position,
        Optional<Duration> stalenessBound,
        Optional<Duration> roundTrip,
        int consecutiveFailures,
        Optional<String> lastError) {}
