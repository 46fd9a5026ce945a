package dev.junction.driver.internal.topology;

import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.router.NodeId;
import dev.junction.router.NodeLoad;
import dev.junction.router.NodeLoads;

/**
 * One server of a cluster as the driver sees it: its address and its role at the last probe. Shared by every
 * connection to the cluster; the role is volatile because probes update it while sessions read it.
 */
public final class Node {
    private final HostAndPort address;
    private final NodeId id;
    private volatile ProbedRole role;
    private volatile String lastError;
    private volatile Exception lastException;
    private final java.util.concurrent.atomic.LongAdder readOnlyRefusals = new java.util.concurrent.atomic.LongAdder();

    private final NodeLoad load;

    /** A node of its own, whose load no balancer reads (tests). */
    public Node(HostAndPort address, ProbedRole role) {
        this(address, role, new NodeLoads());
    }

    /** A node of a cluster whose balancers read {@code loads}. */
    public Node(HostAndPort address, ProbedRole role, NodeLoads loads) {
        this.address = address;
        this.id = NodeId.of(address.host(), address.port());
        this.role = role;
        this.load = loads.of(id);
    }

    /** What this JVM asks of the node now: counted around each execution while a strategy reads it. */
    public NodeLoad load() {
        return load;
    }

    /** The router's name for this node. */
    public NodeId id() {
        return id;
    }

    public HostAndPort address() {
        return address;
    }

    public ProbedRole role() {
        return role;
    }

    public void role(ProbedRole role, String error) {
        role(role, error, null);
    }

    void role(ProbedRole role, String error, Exception exception) {
        this.role = role;
        this.lastError = error;
        this.lastException = exception;
    }

    /** The exception of the last failed probe, or null. */
    Exception lastException() {
        return lastException;
    }

    /** Counts a statement this node refused as read-only while Junction had routed it here as a read. */
    public void refusedAsReadOnly() {
        readOnlyRefusals.increment();
    }

    /** Statements this node refused as read-only that Junction had routed here as reads (and then ran on the primary). */
    public long readOnlyRefusals() {
        return readOnlyRefusals.sum();
    }

    /** Why the last probe failed, or null. */
    public String lastError() {
        return lastError;
    }

    /** {@code pg1:5432 primary}: what messages and {@code toString()} of wrappers print. */
    @Override
    public String toString() {
        return address + " " + role.label();
    }
}
