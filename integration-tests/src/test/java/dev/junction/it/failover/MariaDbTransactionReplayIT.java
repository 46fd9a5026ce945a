package dev.junction.it.failover;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** {@link TransactionReplayContract} on MariaDB 10.11: a primary and a GTID replica, on MariaDB Connector/J. */
class MariaDbTransactionReplayIT extends TransactionReplayContract {
    @Override
    Bed start() {
        MariaDbCluster cluster = MariaDbCluster.primaryReplica().replicas(1).start();
        MariaDbNode primary = cluster.primary();
        return new Bed() {
            @Override
            public String url(String parameters) {
                return ClusterLogins.mariaDbUrl(cluster) + "?" + parameters;
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.mariaDbApplicationUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return inDatabase(primary.connect());
            }

            @Override
            public Connection rawReplica() throws SQLException {
                return inDatabase(cluster.replicas().get(0).connect());
            }

            @Override
            public String terminateIdleInTransaction() {
                // KILL is a statement, not a function: the one session with an open InnoDB transaction is looked up
                // here and killed by the caller's next statement.
                try (Connection raw = primary.connect();
                        Statement statement = raw.createStatement();
                        ResultSet rows = statement.executeQuery(
                                "select trx_mysql_thread_id from information_schema.innodb_trx")) {
                    rows.next();
                    return "kill connection " + rows.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException("no open transaction to end on " + primary, e);
                }
            }

            @Override
            public void crashPrimaryAndPromoteReplica() {
                primary.crash();
                cluster.promoteMostAdvanced();
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    private static Connection inDatabase(Connection connection) throws SQLException {
        connection.setCatalog(MariaDbNode.DATABASE);
        return connection;
    }
}
