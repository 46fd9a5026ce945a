package dev.junction.router.replication;

import dev.junction.router.NodeId;
import dev.junction.router.NodeRole;
import java.time.Duration;
import java.util.Optional;

/**
 * What the monitor knows of one node, for {@code junction status} and metrics: role, replayed (or, on the
 * primary, current) position, staleness bound, last round-trip time, health and the last probe error.
 */
public record NodeReport(
        NodeId node,
        NodeRole role,
        boolean up,
        Optional<ReplicationPosition> position,
        Optional<Duration> stalenessBound,
        Optional<Duration> roundTrip,
        int consecutiveFailures,
        Optional<String> lastError) {}
