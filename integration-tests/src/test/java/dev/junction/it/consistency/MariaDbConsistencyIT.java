package dev.junction.it.consistency;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Read consistency through Junction on MariaDB GTID replication while the replicas' SQL threads are
 * stopped and started at random: the contract's checks on this database.
 */
class MariaDbConsistencyIT extends ReadConsistencyContract {
    private static MariaDbCluster cluster;
    private static ConsistencyChecker checker;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.primaryReplica().replicas(2).start();
        checker = new ConsistencyChecker(new ReplicatedDatabase() {
            @Override
            public String junctionUrl() {
                return "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
            }

            @Override
            public String user() {
                return MariaDbNode.APPLICATION_USER;
            }

            @Override
            public String password() {
                return MariaDbNode.APPLICATION_PASSWORD;
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connectAsApplicationUser();
            }

            @Override
            public String servingPortExpression() {
                return "@@port";
            }

            @Override
            public int primaryPort() {
                return cluster.primary().port();
            }

            @Override
            public List<LaggableReplica> replicas() {
                return cluster.replicas().stream()
                        .map(MariaDbConsistencyIT::laggable)
                        .toList();
            }
        });
    }

    private static ReplicatedDatabase.LaggableReplica laggable(MariaDbNode standby) {
        return new ReplicatedDatabase.LaggableReplica() {
            @Override
            public String name() {
                return standby.name();
            }

            @Override
            public void stopApplying() {
                standby.stopReplicaSqlThread();
            }

            @Override
            public void resumeApplying() {
                standby.startReplicaSqlThread();
            }
        };
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    ConsistencyChecker checker() {
        return checker;
    }

    @Override
    String databaseName() {
        return "MariaDB";
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
