package dev.junction.it.sync;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.router.replication.MariaDbGtidPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
                return cluster.primary().connectAsApplicationUser();
            }

            @Override
            public void killPrimary() {
                cluster.primary().crash();
            }

            @Override
            public Connection promoteMostAdvanced() throws SQLException {
                MariaDbNode chosen = null;
                MariaDbGtidPosition most = null;
                for (MariaDbNode replica : cluster.replicas()) {
                    MariaDbGtidPosition received = received(replica);
                    if (most == null || received.covers(most)) {
                        chosen = replica;
                        most = received;
                    }
                }
                chosen.queryString("select master_gtid_wait('" + most.text() + "', 30)");
                chosen.execute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
                return chosen.connectAsApplicationUser();
            }

            private MariaDbGtidPosition received(MariaDbNode replica) throws SQLException {
                try (Connection connection = replica.connect();
                        Statement statement = connection.createStatement();
                        ResultSet status = statement.executeQuery("SHOW ALL SLAVES STATUS")) {
                    status.next();
                    return MariaDbGtidPosition.parse(status.getString("Gtid_IO_Pos"));
                }
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
