package dev.junction.it.sync;

import dev.junction.cluster.PostgresCluster;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** {@link DurabilityContract} on PostgreSQL: a primary and two streaming standbys, the standby that received most promoted. */
class PostgresDurabilityIT extends DurabilityContract {
    @Override
    String database() {
        return "PostgreSQL";
    }

    @Override
    Trial start() {
        PostgresCluster cluster = PostgresCluster.builder().standbys(2).start();
        return new Trial() {
            @Override
            public String url() {
                return ClusterLogins.postgresUrl(cluster);
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.postgresUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connect();
            }

            @Override
            public void killPrimary() {
                cluster.primary().crash();
            }

            /** Promotion replays everything the standby received before it takes writes. */
            @Override
            public Connection promoteMostAdvanced() throws SQLException {
                return cluster.promoteMostAdvanced().connect();
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
