package dev.junction.router;

import java.util.Objects;

/**
 * Identifies a database server as {@code host:port}. Ordered by host, then port, so that ties in
 * replica choice are broken the same way in every JVM.
 */
public final class NodeId implements Comparable<NodeId> {

    private final String host;
    private final int port;
    private final String text;

    private NodeId(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Invalid node host \"" + host + "\": expected a host name or address.");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid port " + port + " for node " + host + ": expected 1 to 65535.");
        }
        this.host = host;
        this.port = port;
        this.text = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    public static NodeId of(String host, int port) {
        return new NodeId(host, port);
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static NodeId parse(String hostAndPort) {
        Objects.requireNonNull(hostAndPort, "hostAndPort");
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException(
                    "Invalid node \"" + hostAndPort + "\": expected host:port such as db1:5432.");
        }
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Invalid node \"" + hostAndPort + "\": expected host:port such as db1:5432.", e);
        }
        return new NodeId(host, port);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Override
    public int compareTo(NodeId o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && port == n.port && host.equals(n.host);
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port;
    }

    /** {@code host:port}. */
    @Override
    public String toString() {
        return text;
    }
}
