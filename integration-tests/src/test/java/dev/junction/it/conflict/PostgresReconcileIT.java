package dev.junction.it.conflict;

import dev.junction.cluster.PostgresTwoMasterCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ReconcileContract} on PostgreSQL 16+ bidirectional logical replication. A master keeps a session's writes to
 * itself when the session has a replication origin: subscriptions with {@code origin = none} do not send them.
 */
class PostgresReconcileIT extends ReconcileContract {
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
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    @Override
    Connection rawMaster(int index) throws SQLException {
        return cluster.masters().get(index).connect();
    }

    @Override
    void keepToItself(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select pg_replication_origin_create('junction_it_local') where not exists"
                    + " (select 1 from pg_replication_origin where roname = 'junction_it_local')");
            statement.execute("select pg_replication_origin_session_setup('junction_it_local')");
        }
    }

    @Override
    void createOnBoth(String ddl) {
        cluster.executeOnBoth(ddl);
    }

    @Override
    void alterOne(int index, String ddl) {
        cluster.masters().get(index).execute(ddl); // logical replication does not carry DDL
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
