package dev.junction.driver.reconcile;

import dev.junction.driver.ConflictTable;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.BackendDrivers;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.BackendNodeConnector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * One direct connection to every master of a Junction URL, with the URL's credentials: what the tools that work on
 * all masters at once ({@link Reconciler}, {@link ConflictTableSetup}) share. Connections in the URL's order.
 */
final class Masters implements AutoCloseable {
    final Map<String, Connection> connections;
    final MasterDialect dialect;
    final List<ConflictTable> conflictTables;
    /** {@code tombstoneRetention}: the guards' and the purge's horizon. */
    final java.time.Duration tombstoneRetention;

    private Masters(
            Map<String, Connection> connections,
            MasterDialect dialect,
            List<ConflictTable> conflictTables,
            java.time.Duration tombstoneRetention) {
        this.connections = connections;
        this.dialect = dialect;
        this.conflictTables = conflictTables;
        this.tombstoneRetention = tombstoneRetention;
    }

    /** @throws SQLException when the URL is invalid or a master cannot be reached: these tools need them all */
    static Masters open(String url, Properties info) throws SQLException {
        ConnectionSettings settings = ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of());
        BackendNodeConnector connector = new BackendNodeConnector(settings, BackendDrivers.of(settings.backend()));
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (HostAndPort host : settings.url().hosts()) {
                connections.put(host.toString(), connector.open(host));
            }
        } catch (SQLException e) {
            connections.values().forEach(Masters::closeQuietly);
            throw e;
        }
        return new Masters(
                connections,
                settings.backend() == Backend.POSTGRESQL ? MasterDialect.POSTGRESQL : MasterDialect.MYSQL,
                settings.properties().get(JunctionProperty.CONFLICT_TABLES),
                settings.properties().get(JunctionProperty.TOMBSTONE_RETENTION));
    }

    /**
     * Makes the session's writes stay on its master (PostgreSQL: a replication origin, whose changes subscriptions
     * with {@code origin = none} do not send; MariaDB: {@code sql_log_bin = 0}). Both need privileges (superuser,
     * or {@code SUPER}/{@code BINLOG ADMIN}); false without them, and the writes then replicate.
     */
    static boolean keepWritesLocal(Connection connection, MasterDialect dialect) {
        try (Statement statement = connection.createStatement()) {
            if (dialect == MasterDialect.MYSQL) {
                statement.execute("SET SESSION sql_log_bin = 0");
            } else {
                statement.execute("select pg_replication_origin_create('junction_reconcile') where not exists"
                        + " (select 1 from pg_replication_origin where roname = 'junction_reconcile')");
                statement.execute("select pg_replication_origin_session_setup('junction_reconcile')");
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** {@code table}'s columns and their types on {@code connection}, in order; empty when it has no such table. */
    Map<String, String> columns(Connection connection, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(dialect.columnsQuery())) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.put(
                            rows.getString(1).toLowerCase(Locale.ROOT),
                            rows.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    /** {@code table}'s primary key columns on {@code connection}, in order. */
    List<String> key(Connection connection, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(dialect.keyQuery())) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return key;
    }

    @Override
    public void close() {
        connections.values().forEach(Masters::closeQuietly);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to do with it
        }
    }
}
