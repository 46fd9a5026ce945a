package dev.junction.it.failover;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** {@link FailoverContract} on MariaDB 10.11: a primary and two GTID replicas. */
class MariaDbFailoverIT extends FailoverContract {
    @Override
    String database() {
        return "MariaDB";
    }

    @Override
    FailoverDrill.Bed start() {
        return bed(MariaDbCluster.primaryReplica().replicas(2).start());
    }

    static FailoverDrill.Bed bed(MariaDbCluster cluster) {
        return new FailoverDrill.Bed() {
            @Override
            public String url() {
                return "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            }

            @Override
            public Properties credentials() {
                Properties properties = new Properties();
                properties.setProperty("user", MariaDbNode.APPLICATION_USER);
                properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
                return properties;
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return primary().connectAsApplicationUser();
            }

            @Override
            public String primaryAddress() {
                return primary().address();
            }

            @Override
            public void crashPrimary() {
                primary().crash();
            }

            @Override
            public void promote() {
                cluster.promoteMostAdvanced();
            }

            private MariaDbNode primary() {
                return cluster.currentPrimary()
                        .orElseThrow(() -> new IllegalStateException("no single primary in " + cluster));
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
