package dev.junction.driver.internal.config;

import dev.junction.driver.JunctionErrorCode;
import dev.junction.driver.JunctionProperties;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.pipeline.FailureClassifier;
import dev.junction.driver.internal.sync.SyncPolicy;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Everything a logical connection is configured with: the parsed URL, Junction's validated properties, and the
 * properties that pass through to the backend driver (user, password, ssl...).
 *
 * <p>Precedence, lowest first: the {@link Properties} given to {@code Driver.connect}, then the URL's parameters,
 * then explicit {@code JunctionDataSource} setters. URL over {@code Properties} is PgJDBC's rule (the
 * {@code Properties} are defaults a URL refines) and what {@code DriverManager} users expect; a data source's
 * setters are the most explicit configuration there is.
 */
public final class ConnectionSettings {
    private final JunctionUrl url;
    private final JunctionProperties properties;
    private final Properties backendProperties;
    private volatile String credentialKey;

    /** MySQL Connector/J's property that makes it read the server's session state reports. */
    static final String TRACK_SESSION_STATE = "trackSessionState";

    /**
     * Whether Junction added {@link #TRACK_SESSION_STATE} itself: then it is left out of {@link #credentialKey}, so
     * that a data source that may wait shares its cluster's monitor, catalog and connections with one that does not.
     */
    private final boolean addedTracking;

    private ConnectionSettings(
            JunctionUrl url, JunctionProperties properties, Properties backendProperties, boolean addedTracking) {
        this.url = url;
        this.properties = properties;
        this.backendProperties = backendProperties;
        this.addedTracking = addedTracking;
    }

    /**
     * Merges and validates.
     *
     * @param info      properties given to {@code Driver.connect} (may be null)
     * @param overrides explicit data-source settings (may be empty)
     * @throws SQLException 22023 for an invalid Junction value, a replaced backend property, or a misspelt Junction name
     */
    public static ConnectionSettings of(JunctionUrl url, Properties info, Map<String, String> overrides)
            throws SQLException {
        Map<String, String> merged = new LinkedHashMap<>();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                merged.put(name, info.getProperty(name));
            }
        }
        merged.putAll(url.parameters());
        merged.putAll(overrides);
        Properties backend = new Properties();
        for (Map.Entry<String, String> entry : merged.entrySet()) {
            String name = entry.getKey();
            if (JunctionProperty.named(name).isPresent()) {
                continue;
            }
            String replacement = url.backend().replacedProperties().get(name);
            if (replacement != null) {
                throw JunctionErrorCode.REPLACED_BACKEND_PROPERTY.exception(
                        name, url.backend().productName(), replacement);
            }
            for (JunctionProperty<?> property : JunctionProperty.all()) {
                if (property.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    // Passing it on would make the backend driver ignore it silently.
                    throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                            CredentialMask.isSecret(name) ? "***" : entry.getValue(),
                            name,
                            "the property name spelt " + property.name() + " (names are case-sensitive)");
                }
            }
            if (entry.getValue() != null) {
                backend.setProperty(name, entry.getValue());
            }
        }
        JunctionProperties properties = JunctionProperties.parse(merged);
        refuseWhatHasNoMeaning(properties, merged, url);
        SyncPolicy.checkReplicas(properties, url.hosts().size()); // the same count as nodes()
        boolean addsTracking = url.backend() == Backend.MYSQL
                && !backend.containsKey(TRACK_SESSION_STATE)
                && SyncPolicy.of(properties, url.hosts().size()).mayWait();
        if (addsTracking) {
            // Connector/J then reads each commit's GTID from the server's answer to it, and a sync wait asks the
            // primary nothing after the commit (CommittingSession.trackedCommitGtid).
            backend.setProperty(TRACK_SESSION_STATE, "true");
        }
        return new ConnectionSettings(url, properties, backend, addsTracking);
    }

    /**
     * Multi-master (design §8): {@code topology=multi-master} routes to the home master and stamps the tables of
     * {@code conflictTables}, with {@code readRepair} on their reads by key. Refused is what has no meaning between
     * masters that write alike (a sync mode counts replicas) or without them (conflict tables, read repair and a home
     * master need multi-master).
     */
    private static void refuseWhatHasNoMeaning(
            JunctionProperties properties, Map<String, String> given, JunctionUrl url) throws SQLException {
        boolean multiMaster = properties.get(JunctionProperty.TOPOLOGY) == dev.junction.driver.Topology.MULTI_MASTER;
        for (dev.junction.driver.ConflictTable table : properties.get(JunctionProperty.CONFLICT_TABLES)) {
            if (!multiMaster) {
                throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                        given.get(JunctionProperty.CONFLICT_TABLES.name()),
                        JunctionProperty.CONFLICT_TABLES.name(),
                        "no conflict tables without topology=multi-master (one primary has no conflicts to resolve)");
            }
        }
        dev.junction.driver.ReadRepair readRepair = properties.get(JunctionProperty.READ_REPAIR);
        if (!readRepair.isOff()
                && (!multiMaster
                        || properties.get(JunctionProperty.CONFLICT_TABLES).isEmpty())) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                    given.get(JunctionProperty.READ_REPAIR.name()),
                    JunctionProperty.READ_REPAIR.name(),
                    "off without topology=multi-master and conflictTables (it repairs conflict tables' rows between"
                            + " masters)");
        }
        for (String table : readRepair.tables()) {
            boolean repairable = properties.get(JunctionProperty.CONFLICT_TABLES).stream()
                    .anyMatch(configured -> configured.table().equalsIgnoreCase(table)
                            && configured.policy() != dev.junction.driver.ConflictPolicy.COUNTER);
            if (!repairable) {
                throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                        given.get(JunctionProperty.READ_REPAIR.name()),
                        JunctionProperty.READ_REPAIR.name(),
                        "off, on, or lww and version-vector tables of conflictTables (" + table + " is not one)");
            }
        }
        String home = properties.get(JunctionProperty.HOME_MASTER);
        if (!home.isEmpty()) {
            if (!multiMaster) {
                throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                        home, JunctionProperty.HOME_MASTER.name(), "no home master without topology=multi-master");
            }
            if (url.hosts().stream().noneMatch(host -> host.toString().equalsIgnoreCase(home))) {
                throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                        home,
                        JunctionProperty.HOME_MASTER.name(),
                        "one of the URL's hosts, as host:port (" + url.hosts() + ")");
            }
        }
        if (multiMaster && !properties.get(JunctionProperty.SYNC_TABLES).isEmpty()) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                    given.get(JunctionProperty.SYNC_TABLES.name()),
                    JunctionProperty.SYNC_TABLES.name(),
                    "no sync tables with topology=multi-master (sync modes count the replicas of one primary)");
        }
        if (multiMaster && !properties.get(JunctionProperty.SYNC_MODE).equals(dev.junction.driver.SyncMode.ASYNC)) {
            throw JunctionErrorCode.INVALID_PROPERTY_VALUE.exception(
                    given.get(JunctionProperty.SYNC_MODE.name()),
                    JunctionProperty.SYNC_MODE.name(),
                    "async with topology=multi-master (sync modes count the replicas of one primary)");
        }
    }

    /** How many nodes the URL names: one primary, the rest replicas (a {@code syncMode=majority} counts them). */
    public int nodes() {
        return url.hosts().size();
    }

    public JunctionUrl url() {
        return url;
    }

    public Backend backend() {
        return url.backend();
    }

    public JunctionProperties properties() {
        return properties;
    }

    /**
     * A new classifier for one connection's failure seam: the application's {@code exceptionOverrideClassName}
     * (instantiated once, when these settings were parsed) first, then Junction's own reading in {@code dialect}.
     */
    public FailureClassifier failureClassifier(BackendDialect dialect) {
        return new FailureClassifier(properties.get(JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME), dialect);
    }

    /** A copy of what goes to the backend driver for every node. */
    public Properties backendProperties() {
        Properties copy = new Properties();
        copy.putAll(backendProperties);
        return copy;
    }

    /**
     * Whether the backend driver's own properties make connections read-only: PgJDBC's {@code readOnly=true} (in the
     * URL or the properties). Junction then starts each logical connection read-only for routing, as if the
     * application had called {@code setReadOnly(true)}, so its transactions run on replicas rather than as
     * {@code BEGIN READ ONLY} on the primary.
     */
    public boolean backendReadOnly() {
        return backend() == Backend.POSTGRESQL
                && "true"
                        .equalsIgnoreCase(
                                backendProperties.getProperty("readOnly", "").trim());
    }

    /** The user name, or null when the backend's default applies. Never the password. */
    public String user() {
        return backendProperties.getProperty("user");
    }

    /** Identity of the cluster for sharing its topology: backend, seeds and database, never credentials. */
    public String clusterKey() {
        if (properties.get(JunctionProperty.TOPOLOGY) != dev.junction.driver.Topology.MULTI_MASTER) {
            return url.toString();
        }
        // Another topology of the same hosts routes otherwise: it must not share this one's monitor and roles.
        String home = properties.get(JunctionProperty.HOME_MASTER);
        return url + "?topology=multi-master" + (home.isEmpty() ? "" : "&homeMaster=" + home);
    }

    /**
     * What tells one set of credentials from another without holding them: a SHA-256 of every backend property
     * (user, password, certificates, and whatever else decides whether a server lets the connection in), salted with
     * a random value of this JVM so that the hash of a short password cannot be looked up. Two connections with the
     * same key would be let in or turned away alike.
     */
    public String credentialKey() {
        String key = credentialKey;
        if (key == null) {
            java.security.MessageDigest digest;
            try {
                digest = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
            digest.update(CredentialSalt.VALUE);
            for (String name : new java.util.TreeSet<>(backendProperties.stringPropertyNames())) {
                if (addedTracking && name.equals(TRACK_SESSION_STATE)) {
                    continue; // Junction's own addition, which no server looks at to let a connection in
                }
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(backendProperties.getProperty(name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            key = java.util.HexFormat.of().formatHex(digest.digest());
            credentialKey = key;
        }
        return key;
    }

    /** Holds the salt; a class of its own so that it is made only when a connection is first opened. */
    private static final class CredentialSalt {
        private static final byte[] VALUE = salt();

        private static byte[] salt() {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            return salt;
        }
    }

    @Override
    public String toString() {
        return url + " user=" + user() + " " + properties;
    }
}
