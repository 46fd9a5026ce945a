package dev.junction.router;

import java.util.Objects;

/**
 * Everything {@link RoutingPolicy#route(RoutingRequest)} decides from.
 *
 * @param classification the statement
 * @param session the logical connection's state
 * @param topology the latest topology snapshot
 * @param options the data source's routing properties
 * @param requirement read-your-writes check; {@link ReplicaRequirement#NONE} when not tracked
 */
public record RoutingRequest(
        Classification classification,
        SessionState session,
        TopologySnapshot topology,
        RoutingOptions options,
        ReplicaRequirement requirement) {

    public RoutingRequest {
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(requirement, "requirement");
    }
}
