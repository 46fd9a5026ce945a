package dev.junction.driver.internal;

import dev.junction.driver.JunctionErrorCode;

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
     * @throws SQLException with SQLState 22023 that says what is wrong (secrets in the URL masked)
     */
    public static JunctionUrl parse(String url) throws SQLException {
        if (!isJunctionUrl(url)) {
            throw malformed(url, "it does not start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        int scheme = rest.indexOf("://");
        if (scheme < 0) {
            throw malformed(url, "\"://\" must follow the backend name");
        }
        String backendName = rest.substring(0, scheme);
        Backend backend = Backend.fromUrlName(backendName);
        if (backend == null) {
            if (backendName.startsWith("mysql:") || backendName.startsWith("mariadb:")) {
                String form = backendName.substring(backendName.indexOf(':') + 1);
                throw JunctionErrorCode.REPLACED_BACKEND_PROPERTY.exception("jdbc:mysql:" + form + "://", "MySQL Connector/J",
                        "use jdbc:junction:mysql://host1,host2,.../database; Junction discovers the source and replicas itself");
            }
            throw JunctionErrorCode.UNKNOWN_BACKEND.exception(backendName, CredentialMask.url(url));
        }
        String afterScheme = rest.substring(scheme + 3);
        int query = afterScheme.indexOf('?');
        String authorityAndPath = query < 0 ? afterScheme : afterScheme.substring(0, query);
        int slash = authorityAndPath.indexOf('/');
        String hostList = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
        String database = slash < 0 ? "" : decode(url, authorityAndPath.substring(slash + 1), "database name");
        if (database.contains("/")) {
            throw malformed(url, "the database name \"" + database + "\" contains \"/\"");
        }
        if (hostList.contains("@")) {
            throw malformed(url, "credentials before the hosts are not supported; pass user and password as properties");
        }
        List<HostAndPort> hosts = parseHosts(url, hostList, backend);
        Map<String, String> parameters = query < 0 ? Map.of() : parseParameters(url, afterScheme.substring(query + 1));
        return new JunctionUrl(backend, hosts, database, parameters);
    }

    private static List<HostAndPort> parseHosts(String url, String hostList, Backend backend) throws SQLException {
        if (hostList.isEmpty()) {
            throw malformed(url, "no host is given");
        }
        List<HostAndPort> hosts = new ArrayList<>();
        for (String entry : hostList.split(",", -1)) {
            HostAndPort host = parseHost(url, entry.trim(), backend);
            if (hosts.contains(host)) {
                throw malformed(url, "host " + host + " is listed twice");
            }
            hosts.add(host);
        }
        return hosts;
    }

    private static HostAndPort parseHost(String url, String entry, Backend backend) throws SQLException {
        if (entry.isEmpty()) {
            throw malformed(url, "an empty host between commas");
        }
        String host;
        String portText = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw malformed(url, "IPv6 address \"" + entry + "\" lacks its closing \"]\"");
            }
            host = entry.substring(1, close);
            String tail = entry.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    throw malformed(url, "unexpected \"" + tail + "\" after IPv6 address [" + host + "]");
                }
                portText = tail.substring(1);
            }
        } else {
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                throw malformed(url, "IPv6 address \"" + entry + "\" must be written in brackets, as [" + entry + "]:port");
            }
            host = colon < 0 ? entry : entry.substring(0, colon);
            portText = colon < 0 ? null : entry.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw malformed(url, "a host name is empty in \"" + entry + "\"");
        }
        int port = backend.defaultPort();
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw malformed(url, "port \"" + portText + "\" of host " + host + " is not a number from 1 to 65535");
            }
        }
        return new HostAndPort(host, port);
    }

    private static Map<String, String> parseParameters(String url, String query) throws SQLException {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(url, equals < 0 ? pair : pair.substring(0, equals), "parameter name");
            String value = equals < 0 ? "" : decode(url, pair.substring(equals + 1), "value of parameter " + name);
            if (name.isEmpty()) {
                throw malformed(url, "a parameter has no name");
            }
            parameters.put(name, value);
        }
        return parameters;
    }

    private static String decode(String url, String text, String what) throws SQLException {
        try {
            // URLDecoder turns '+' into a space, which is right for query strings and harmless in database names.
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(url, "the " + what + " has a bad %-escape");
        }
    }

    private static SQLException malformed(String url, String reason) {
        return JunctionErrorCode.MALFORMED_URL.exception(CredentialMask.url(url), reason);
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
