package dev.junction.it.failover;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** {@link TransactionReplayContract} on PostgreSQL 15: a primary and a streaming standby. */
class PostgresTransactionReplayIT extends TransactionReplayContract {
    @Override
    Bed start() {
        PostgresCluster cluster = PostgresCluster.builder().standbys(1).start();
        PostgresNode primary = cluster.primary();
        PostgresNode standby = cluster.standbys().get(0);
        return new Bed() {
            @Override
            public String url(String parameters) {
                return ClusterLogins.postgresUrl(cluster) + "?" + parameters;
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.postgresUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return primary.connect();
            }

            @Override
            public Connection rawReplica() throws SQLException {
                return standby.connect();
            }

            @Override
            public String terminateIdleInTransaction() {
                return "select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where state = 'idle in transaction' and pid <> pg_backend_pid()";
            }

            @Override
            public void crashPrimaryAndPromoteReplica() {
                primary.crash();
                standby.promote();
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
