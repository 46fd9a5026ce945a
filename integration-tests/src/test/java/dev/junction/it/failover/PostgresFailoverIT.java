package dev.junction.it.failover;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** {@link FailoverContract} on PostgreSQL 15: a primary and two streaming standbys. */
class PostgresFailoverIT extends FailoverContract {
    @Override
    String database() {
        return "PostgreSQL";
    }

    @Override
    FailoverDrill.Bed start() {
        return bed(PostgresCluster.builder().standbys(2).start());
    }

    static FailoverDrill.Bed bed(PostgresCluster cluster) {
        return new FailoverDrill.Bed() {
            @Override
            public String url() {
                return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
            }

            @Override
            public Properties credentials() {
                Properties properties = new Properties();
                properties.setProperty("user", "postgres");
                return properties;
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return primary().connect();
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

            private PostgresNode primary() {
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
