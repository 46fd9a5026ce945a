package dev.junction.driver.internal.backend;

/**
 * One seed of a Junction URL. IPv6 literals are held without brackets and printed with them, so that
 * {@code toString()} is what a JDBC URL needs.
 */
public record HostAndPort(String host, int port) {
    public HostAndPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
