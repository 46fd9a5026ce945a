package dev.junction.router;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The {@link NodeLoad} of each node of one cluster, made on first use. Thread-safe. */
public final class NodeLoads {
    private final ConcurrentMap<NodeId, NodeLoad> loads = new ConcurrentHashMap<>();

    /** The load of {@code node}, the same object on every call. */
    public NodeLoad of(NodeId node) {
        NodeLoad load = loads.get(node); // a plain get first: computeIfAbsent locks a bin even when present
        return load != null ? load : loads.computeIfAbsent(node, id -> new NodeLoad());
    }

    @Override
    public String toString() {
        return loads.toString();
    }
}
