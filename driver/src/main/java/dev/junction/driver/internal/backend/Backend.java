package dev.junction.driver.internal.backend;

import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database product family Junction fronts, with the backend JDBC driver it delegates to and the backend
 * properties whose job Junction does itself (multi-host routing), each with the Junction property to use instead.
 */
public enum Backend {
    POSTGRESQL(
            "postgresql",
            "PostgreSQL",
            5432,
            "org.postgresql.Driver",
            "org.postgresql:postgresql",
            "jdbc:postgresql://",
            Map.of(
                    "targetServerType",
                    "Junction discovers each node's role and routes by statement; use readConsistency, hints such as /* junction:primary */, or Connection.setReadOnly",
                    "loadBalanceHosts",
                    "use loadBalance (round-robin, random, least-lag, least-busy, fastest)",
                    "hostRecheckSeconds",
                    "use monitorInterval")),
    MYSQL(
            "mysql",
            "MySQL Connector/J",
            3306,
            "com.mysql.cj.jdbc.Driver",
            "com.mysql:mysql-connector-j",
            "jdbc:mysql://",
            Map.of(
                    "ha.loadBalanceStrategy",
                    "use loadBalance (round-robin, random, least-lag, least-busy, fastest)",
                    "loadBalanceStrategy",
                    "use loadBalance (round-robin, random, least-lag, least-busy, fastest)",
                    "readFromSourceWhenNoReplicas",
                    "use staleReadFallback=primary",
                    "readFromMasterWhenNoSlaves",
                    "use staleReadFallback=primary",
                    "allowSourceDownConnections",
                    "use failoverTimeout",
                    "allowMasterDownConnections",
                    "use failoverTimeout")),
    /*
     * MariaDB Connector/J chooses among several hosts only through the high-availability modes of its URL
     * (jdbc:mariadb:replication:, loadbalance:, sequential:), which a Junction URL cannot name; none of its properties
     * does Junction's job on its own.
     */
    MARIADB(
            "mariadb",
            "MariaDB Connector/J",
            3306,
            "org.mariadb.jdbc.Driver",
            "org.mariadb.jdbc:mariadb-java-client",
            "jdbc:mariadb://",
            Map.of());

    private final String urlName;
    private final String productName;
    private final int defaultPort;
    private final String driverClassName;
    private final String artifact;
    private final String urlPrefix;
    private final Map<String, String> replacedProperties;

    Backend(
            String urlName,
            String productName,
            int defaultPort,
            String driverClassName,
            String artifact,
            String urlPrefix,
            Map<String, String> replacedProperties) {
        this.urlName = urlName;
        this.productName = productName;
        this.defaultPort = defaultPort;
        this.driverClassName = driverClassName;
        this.artifact = artifact;
        this.urlPrefix = urlPrefix;
        this.replacedProperties = replacedProperties;
    }

    /**
     * The backend named in a Junction URL: {@code mysql} runs on MySQL Connector/J and {@code mariadb} on MariaDB
     * Connector/J, so that an application keeps the driver it used; both talk to either server.
     */
    public static Backend fromUrlName(String name) {
        for (Backend backend : values()) {
            if (backend.urlName.equals(name)) {
                return backend;
            }
        }
        return null;
    }

    /** Whether the servers behind this driver are MySQL or MariaDB (same SQL, roles and replication probes). */
    public boolean isMySqlFamily() {
        return this != POSTGRESQL;
    }

    public String urlName() {
        return urlName;
    }

    public String productName() {
        return productName;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public String driverClassName() {
        return driverClassName;
    }

    /** Maven coordinates of the backend driver, for the message when it is missing. */
    public String artifact() {
        return artifact;
    }

    /** Backend properties Junction refuses, each with what to use instead. */
    public Map<String, String> replacedProperties() {
        return replacedProperties;
    }

    /** The backend driver's URL for one node. Properties travel in {@link java.util.Properties}, never in this URL. */
    public String nodeUrl(HostAndPort node, String database) {
        return urlPrefix + node + "/" + database;
    }

    /**
     * The name of the property {@code e} says this backend driver refused, or null when {@code e} is about something
     * else. Both Connector/Js check their properties before they open a socket, so such an error is the same for
     * every node, up or down. MySQL Connector/J: SQLState {@code S1009}, "The connection property 'x' acceptable
     * values are..." or "...only accepts integer values"; MariaDB Connector/J: no SQLState, "error parsing url:
     * Optional parameter x must be...", "Value for x must be >= 1", "Wrong argument value 'v' for SslMode". PgJDBC
     * logs a bad value and uses the default: null.
     */
    public String rejectedProperty(SQLException e) {
        String message = e.getMessage();
        if (message == null) {
            return null;
        }
        switch (this) {
            case MYSQL: {
                Matcher property = PropertyErrors.CONNECTOR_J.matcher(message);
                return "S1009".equals(e.getSQLState()) && property.lookingAt() ? property.group(1) : null;
            }
            case MARIADB: {
                if (e.getSQLState() != null || !message.startsWith(PropertyErrors.MARIADB_PREFIX)) {
                    return null;
                }
                Matcher property = PropertyErrors.MARIADB.matcher(message);
                if (!property.find()) {
                    return null;
                }
                return property.group(1) != null ? property.group(1) : "sslMode";
            }
            default:
                return null;
        }
    }

    /** The backend drivers' words for a property they refuse (compiled once, outside the enum's initialisation). */
    private static final class PropertyErrors {
        static final Pattern CONNECTOR_J = Pattern.compile("The connection property '([^']+)'");
        static final String MARIADB_PREFIX = "error parsing url: ";
        static final Pattern MARIADB = Pattern.compile(
                "(?:Optional parameter|Value for) (\\S+) must|Wrong argument value '[^']*' for (SslMode)");
    }

    /** The role-probing and position SQL of this backend. */
    public BackendDialect dialect() {
        return isMySqlFamily() ? BackendDialect.MYSQL : BackendDialect.POSTGRESQL;
    }
}
