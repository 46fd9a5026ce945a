package dev.junction.it.sync;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * {@link DurabilityContract} on MariaDB: a primary and two GTID replicas; the replica whose relay log holds the most is
 * promoted once it has applied all of it.
 */
class MariaDbDurabilityIT extends DurabilityContract {
    @Override
    String database() {
        return "MariaDB";
    }

    @Override
    Trial start() {
        MariaDbCluster cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        return new Trial() {
            @Override
            public String url() {
                return ClusterLogins.mariaDbUrl(cluster);
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.mariaDbApplicationUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connectAsApplicationUser();
            }

            @Override
            public void killPrimary() {
                cluster.primary().crash();
            }

            @Override
            public Connection promoteMostAdvanced() throws SQLException {
                return cluster.promoteMostAdvanced().connectAsApplicationUser();
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
