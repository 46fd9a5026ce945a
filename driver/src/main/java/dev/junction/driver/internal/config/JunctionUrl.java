package dev.junction.driver.internal.config;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.HostAndPort;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code jdbc:junction:<backend>://host1[:port],host2[:port],.../database[?name=value&...]}.
 *
 * <p>Hosts are seeds, in the order written; the order means nothing for routing. IPv6 literals go in brackets
 * ({@code [::1]:5432}). Parameter names and values, and the database name, are URL-decoded (UTF-8). A parameter
 * without {@code =} has the empty value. When a parameter repeats, the last one wins, as in PgJDBC.
 */
public record JunctionUrl(Backend backend, List<HostAndPort> hosts, String database, Map<String, String> parameters) {
    /** What every Junction URL starts with; {@code acceptsURL} is true exactly for URLs with this prefix. */
    public static final String PREFIX = "jdbc:junction:";

    public JunctionUrl {
        hosts = List.copyOf(hosts);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Whether {@code url} is meant for Junction (it may still be malformed). */
    public static boolean isJunctionUrl(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /**
     * Parses a Junction URL.
     *
     * <p>Credentials do not go in the URL's authority: {@code user:password@host} is refused (JDBC drivers disagree
     * on it, and a password may hold any of {@code / , : ? @}, so that where it ends is a guess). A URL has such a
     * prefix when an {@code @} comes before the query string, or no {@code =} comes before its first {@code @}
     * (an {@code @} inside a parameter value always follows one). An {@code @} in a database name is written
     * {@code %40}. Messages about a URL that holds an {@code @} anywhere quote none of its parts.
     *
     * @throws SQLException with SQLState 22023 that says what is wrong (secrets in the URL masked)
     */
    public static JunctionUrl parse(String url) throws SQLException {
        return new Parser(url).parse();
    }

    /** One parse: the URL, and whether its parts may be quoted in messages. */
    private static final class Parser {
        private final String url;
        /** Set when the URL holds an {@code @}: a part quoted in a message might then be a piece of a password. */
        private final boolean hideParts;

        Parser(String url) {
            this.url = url;
            this.hideParts = url != null && url.indexOf('@') >= 0;
        }

        JunctionUrl parse() throws SQLException {
            if (!isJunctionUrl(url)) {
                throw malformed("it does not start with " + PREFIX);
            }
            String rest = url.substring(PREFIX.length());
            int scheme = rest.indexOf("://");
            if (scheme < 0) {
                throw malformed("\"://\" must follow the backend name");
            }
            String backendName = rest.substring(0, scheme);
            Backend backend = Backend.fromUrlName(backendName);
            if (backend == null) {
                if (!hideParts && (backendName.startsWith("mysql:") || backendName.startsWith("mariadb:"))) {
                    // Connector/J's replication:/loadbalance: URLs, MariaDB Connector/J's replication:/sequential:...
                    Backend family = Backend.fromUrlName(backendName.substring(0, backendName.indexOf(':')));
                    String form = backendName.substring(backendName.indexOf(':') + 1);
                    throw JunctionErrorCode.REPLACED_BACKEND_PROPERTY.exception(
                            "jdbc:" + family.urlName() + ":" + form + "://",
                            family.productName(),
                            "use jdbc:junction:" + family.urlName()
                                    + "://host1,host2,.../database; Junction discovers the source and replicas itself");
                }
                throw JunctionErrorCode.UNKNOWN_BACKEND.exception(
                        hideParts ? "(not shown)" : backendName, CredentialMask.url(url));
            }
            String afterScheme = rest.substring(scheme + 3);
            if (hasUserInfo(afterScheme)) {
                throw userInfo();
            }
            int query = afterScheme.indexOf('?');
            String authorityAndPath = query < 0 ? afterScheme : afterScheme.substring(0, query);
            int slash = authorityAndPath.indexOf('/');
            String hostList = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
            String database = slash < 0 ? "" : decode(authorityAndPath.substring(slash + 1), "database name");
            if (database.contains("/")) {
                throw malformed("the database name " + quoted(database) + " contains \"/\"");
            }
            List<HostAndPort> hosts;
            try {
                hosts = parseHosts(hostList, backend);
            } catch (SQLException e) {
                if (hideParts) {
                    // "user:pass?x=y@host": the query seemed to start inside the password, which broke the host list
                    throw userInfo();
                }
                throw e;
            }
            Map<String, String> parameters = query < 0 ? Map.of() : parseParameters(afterScheme.substring(query + 1));
            return new JunctionUrl(backend, hosts, database, parameters);
        }

        private SQLException userInfo() {
            return malformed(
                    "credentials before the hosts are not supported: pass user and password as properties or data "
                            + "source setters, not as user:password@ (an \"@\" in a database name or parameter value is written %40)");
        }

        /** See {@link JunctionUrl#parse}. */
        private static boolean hasUserInfo(String afterScheme) {
            int at = afterScheme.indexOf('@');
            if (at < 0) {
                return false;
            }
            int query = afterScheme.indexOf('?');
            return query < 0 || at < query || afterScheme.lastIndexOf('=', at) < 0;
        }

        private List<HostAndPort> parseHosts(String hostList, Backend backend) throws SQLException {
            if (hostList.isEmpty()) {
                throw malformed("no host is given");
            }
            List<HostAndPort> hosts = new ArrayList<>();
            for (String entry : hostList.split(",", -1)) {
                HostAndPort host = parseHost(entry.trim(), backend);
                if (hosts.contains(host)) {
                    throw malformed("host " + (hideParts ? "(not shown)" : host) + " is listed twice");
                }
                hosts.add(host);
            }
            return hosts;
        }

        private HostAndPort parseHost(String entry, Backend backend) throws SQLException {
            if (entry.isEmpty()) {
                throw malformed("an empty host between commas");
            }
            String host;
            String portText = null;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw malformed("IPv6 address " + quoted(entry) + " lacks its closing \"]\"");
                }
                host = entry.substring(1, close);
                String tail = entry.substring(close + 1);
                if (!tail.isEmpty()) {
                    if (!tail.startsWith(":")) {
                        throw malformed("unexpected " + quoted(tail) + " after IPv6 address "
                                + (hideParts ? "(not shown)" : "[" + host + "]"));
                    }
                    portText = tail.substring(1);
                }
            } else {
                int colon = entry.indexOf(':');
                if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                    throw malformed("IPv6 address " + quoted(entry) + " must be written in brackets, as "
                            + (hideParts ? "[address]:port" : "[" + entry + "]:port"));
                }
                host = colon < 0 ? entry : entry.substring(0, colon);
                portText = colon < 0 ? null : entry.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw malformed("a host name is empty in " + quoted(entry));
            }
            int port = backend.defaultPort();
            if (portText != null) {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw malformed("port " + quoted(portText) + " of host " + (hideParts ? "(not shown)" : host)
                            + " is not a number from 1 to 65535");
                }
            }
            return new HostAndPort(host, port);
        }

        private Map<String, String> parseParameters(String query) throws SQLException {
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals), "parameter name");
                String value = equals < 0
                        ? ""
                        : decode(
                                pair.substring(equals + 1), "value of parameter " + (hideParts ? "(not shown)" : name));
                if (name.isEmpty()) {
                    throw malformed("a parameter has no name");
                }
                parameters.put(name, value);
            }
            return parameters;
        }

        private String decode(String text, String what) throws SQLException {
            try {
                // URLDecoder turns '+' into a space, which is right for query strings and harmless in database names.
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw malformed("the " + what + " has a bad %-escape");
            }
        }

        /** {@code "part"}, or a placeholder when the URL holds an {@code @}. */
        private String quoted(String part) {
            return hideParts ? "(not shown)" : "\"" + part + "\"";
        }

        private SQLException malformed(String reason) {
            return JunctionErrorCode.MALFORMED_URL.exception(CredentialMask.url(url), reason);
        }
    }

    /** The URL again, with parameters, secrets masked: safe for messages. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(PREFIX).append(backend.urlName()).append("://");
        for (int i = 0; i < hosts.size(); i++) {
            text.append(i == 0 ? "" : ",").append(hosts.get(i));
        }
        text.append('/').append(database);
        return text.toString();
    }
}
