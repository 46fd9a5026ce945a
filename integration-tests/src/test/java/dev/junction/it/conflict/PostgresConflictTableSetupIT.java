package dev.junction.it.conflict;

import dev.junction.cluster.PostgresTwoMasterCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ConflictTableSetupContract} on PostgreSQL 16+ bidirectional logical replication. */
class PostgresConflictTableSetupIT extends ConflictTableSetupContract {
    private static PostgresTwoMasterCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresTwoMasterCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String url(String parameters) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres" + parameters;
    }

    @Override
    Properties adminCredentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    @Override
    Connection rawMaster(int index) throws SQLException {
        return cluster.masters().get(index).connect();
    }

    @Override
    String address(int index) {
        return cluster.masters().get(index).address();
    }

    @Override
    void createOnBoth(String ddl) {
        cluster.executeOnBoth(ddl);
    }

    @Override
    void pauseReplication() {
        cluster.pauseReplication();
    }

    @Override
    void resumeReplication() {
        cluster.resumeReplication();
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
