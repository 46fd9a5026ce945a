package dev.junction.it.sync;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.router.replication.MariaDbGtidPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SyncModesContract} on a MariaDB primary and two GTID replicas (semi-sync off), through Connector/J. */
class MariaDbSyncModesIT extends SyncModesContract {
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        try (Connection primary = cluster.primary().connectAsApplicationUser()) {
            createTables(primary);
        }
        cluster.awaitReplication();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String url(String parameters) {
        return "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE + parameters;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return properties;
    }

    @Override
    Connection rawPrimary() throws SQLException {
        return cluster.primary().connectAsApplicationUser();
    }

    @Override
    Connection rawReplica(int index) throws SQLException {
        return replica(index).connectAsApplicationUser();
    }

    private static MariaDbNode replica(int index) {
        return cluster.replicas().get(index);
    }

    /**
     * {@code MASTER_DELAY}: the replica receives at once and applies each event that many seconds later. MariaDB
     * changes it only with both replication threads stopped.
     */
    @Override
    void delayApply(int index, int seconds) {
        replica(index).execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = " + seconds, "START SLAVE");
    }

    @Override
    void stopApplying(int index) {
        replica(index).stopReplicaSqlThread();
    }

    @Override
    void resumeApplying(int index) {
        replica(index).startReplicaSqlThread();
    }

    @Override
    boolean flushedEverything(int index) throws SQLException {
        MariaDbGtidPosition primary =
                MariaDbGtidPosition.parse(cluster.primary().gtidBinlogPos());
        try (Connection replica = replica(index).connect();
                Statement statement = replica.createStatement();
                ResultSet status = statement.executeQuery("SHOW ALL SLAVES STATUS")) {
            status.next();
            return MariaDbGtidPosition.parse(status.getString("Gtid_IO_Pos")).covers(primary);
        }
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
