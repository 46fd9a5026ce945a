package dev.junction.driver.internal.topology.monitor;

import dev.junction.router.replication.MySqlGtidSet;
import dev.junction.router.replication.ReplicationPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;

/**
 * Either Connector/J talks to MySQL and MariaDB alike, and a Junction URL names the driver, not the server: this probe
 * tells the servers apart by the version the driver already holds (no round trip; MariaDB reports
 * {@code 5.5.5-10.11.6-MariaDB} through MySQL Connector/J, {@code 10.11.6-MariaDB} through MariaDB's) and
 * delegates to {@link MariaDbReplicationProbe} or {@link MySqlReplicationProbe}. Positions parse by shape: MySQL GTID
 * sets name a server UUID followed by a colon, MariaDB GTIDs never contain one.
 */
public final class MySqlFamilyProbe implements ReplicationProbe {
    private final MariaDbReplicationProbe mariaDb;
    private final MySqlReplicationProbe mySql;

    public MySqlFamilyProbe() {
        this(false);
    }

    /** @param multiMaster whether a writable server is a master even while it replicates ({@link MySqlRoles}) */
    public MySqlFamilyProbe(boolean multiMaster) {
        this.mariaDb = new MariaDbReplicationProbe(multiMaster);
        this.mySql = new MySqlReplicationProbe(multiMaster);
    }

    @Override
    public Answer probe(Connection connection) throws SQLException {
        return of(connection).probe(connection);
    }

    @Override
    public ReplicationPosition parsePosition(String text) {
        return text.contains(":") ? mySql.parsePosition(text) : mariaDb.parsePosition(text);
    }

    @Override
    public boolean awaitPosition(Connection replica, ReplicationPosition position, Duration timeout)
            throws SQLException {
        return of(replica).awaitPosition(replica, position, timeout);
    }

    @Override
    public String tokenPrefix(ReplicationPosition position) {
        return position instanceof MySqlGtidSet ? "mysql" : "mariadb";
    }

    private ReplicationProbe of(Connection connection) throws SQLException {
        String version = connection.getMetaData().getDatabaseProductVersion();
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? mariaDb : mySql;
    }
}
