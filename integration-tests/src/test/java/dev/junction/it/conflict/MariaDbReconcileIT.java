package dev.junction.it.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ReconcileContract} on a MariaDB master-master ring. A master keeps a session's writes to itself with
 * {@code sql_log_bin = 0}: they never reach its binary log.
 */
class MariaDbReconcileIT extends ReconcileContract {
    private static MariaDbCluster ring;

    @BeforeAll
    static void startRing() {
        ring = MariaDbCluster.masterMaster().start();
    }

    @AfterAll
    static void stopRing() {
        if (ring != null) {
            ring.close();
        }
    }

    @Override
    String url(String parameters) {
        return "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE + parameters;
    }

    @Override
    Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return properties;
    }

    @Override
    Connection rawMaster(int index) throws SQLException {
        return ring.masters().get(index).connect();
    }

    @Override
    void keepToItself(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION sql_log_bin = 0");
        }
    }

    @Override
    void createOnBoth(String ddl) {
        ring.masters().get(0).execute(ddl);
        ring.awaitReplication();
    }

    @Override
    void alterOne(int index, String ddl) throws SQLException {
        try (Connection connection = rawMaster(index)) {
            keepToItself(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute(ddl);
            }
        }
    }

    @Override
    void awaitReplication() {
        ring.awaitReplication();
    }
}
